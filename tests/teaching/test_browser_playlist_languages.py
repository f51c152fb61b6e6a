"""The Spanish playlist form and a Spanish projector slide in real Chromium, at a phone's
width, a 4:3 projector and a 16:9 one: nothing overflows, the two languages stand side by side
where there is room and one above the other where there is not. Screenshots go to SCREENSHOTS."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from teaching import services
from teaching.models import Playlist, PlaylistItem
from tests.conftest import axe_violations
from tests.teaching.playlist_builders import make_playlist

from .test_browser_live import signed_in, watch_errors
from .test_browser_live_demo import MEASURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/playlist-shots"))
SIZES = [(390, 844), (1024, 768), (1920, 1080)]


@pytest.fixture
def host(transactional_db):
    # A transactional test flushes the "Teachers" group migration 0002 made: a superuser teaches.
    return get_user_model().objects.create_superuser("host", "", "pw-for-tests")


@pytest.fixture
def playlist(host):
    playlist = make_playlist(owner=host, title="Friday conference", visibility="public")
    Playlist.objects.filter(pk=playlist.pk).update(
        title_es="Sesión del viernes: calcificaciones de partes blandas",
        description_en="Eight unknowns from the poster.",
        description_es="Ocho casos problema del póster, con su historia clínica y sus imágenes.",
    )
    PlaylistItem.objects.create(
        playlist=playlist,
        position=1,
        question="none",
        title_en="Soft-tissue calcifications",
        title_es="Calcificaciones de partes blandas",
        text_en="Eight unknowns. Commit to an answer before the reveal.",
        text_es="Ocho casos problema. Decídase por una respuesta antes de que se revele.",
    )
    return Playlist.objects.get(pk=playlist.pk)


def boxes(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".languages__one", "els => els.map(e => e.getBoundingClientRect().toJSON())"
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_spanish_playlist_form_fits_with_both_languages(
    chromium, live_server, host, playlist, width, height
):
    context = signed_in(chromium, live_server, host, {"width": width, "height": height})
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"/es/playlists/{playlist.code}/edit/")
    expect(page.locator("#id_title_es")).to_have_value(
        "Sesión del viernes: calcificaciones de partes blandas"
    )
    expect(page.locator("#id_title_en")).to_have_value("Friday conference")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    english, spanish = boxes(page)
    if width < 700:
        assert spanish["top"] >= english["bottom"]  # one above the other on a phone
    else:
        assert spanish["top"] == english["top"] and spanish["left"] >= english["right"]
    assert axe_violations(page) == []
    assert errors == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"form-es-{width}.png"), full_page=True)

    # A step's settings on the playlist's page: the slide's words and notes, both languages.
    page.goto(f"/es/playlists/{playlist.code}/")
    page.locator(".step__tools summary").first.click()
    slide = playlist.items.get()
    expect(page.locator(f"#step-{slide.pk}-title_es")).to_have_value(
        "Calcificaciones de partes blandas"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"steps-es-{width}.png"), full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_spanish_projector_slide_shows_the_spanish_words_and_fits(
    chromium, live_server, host, playlist, width, height
):
    session = services.live_session_start(playlist=playlist, host=host)
    context = signed_in(chromium, live_server, host, {"width": width, "height": height})
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"/es/live/{session.code}/present/")
    page.wait_for_function("() => document.getElementById('screen').dataset.fitted")
    expect(page.locator("#screen h1")).to_have_text("Calcificaciones de partes blandas")
    expect(page.locator("#screen")).to_contain_text("Decídase por una respuesta")
    assert page.title().startswith("Sesión del viernes")
    if width >= 1024:  # the projector's sizes; a phone's width is only looked at
        measured = page.evaluate(MEASURE)
        assert measured["problems"] == [] and measured["smallest"] >= 28, measured
    # Even at a phone's width the long Spanish word breaks inside the window, not past it.
    heading = page.eval_on_selector("#screen h1", "h => h.getBoundingClientRect().toJSON()")
    assert heading["left"] >= 0 and heading["right"] <= width, heading
    assert errors == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"projector-slide-es-{width}.png"))
    context.close()
