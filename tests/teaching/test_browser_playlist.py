"""Reordering a playlist in real Chromium: by keyboard on the Move buttons, and by dragging a
step's handle; both store the order without a reload. And the page at three widths."""

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.builders import make_case, make_user
from tests.conftest import axe_violations
from tests.teaching.playlist_builders import make_playlist, positions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/playlist-shots"))


@pytest.fixture
def teacher_page(page, live_server, transactional_db):
    # A transactional test flushes the "Teachers" group migration 0002 made: a superuser
    # teaches too.
    teacher = make_user(username="teacher")
    teacher.is_superuser = True
    teacher.save()
    cases = [make_case(presentation_en=f"lump number {n}") for n in (1, 2, 3)]
    playlist = make_playlist(owner=teacher, cases=cases, title="Friday conference")
    client = Client()
    client.force_login(teacher)
    cookie = {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }
    page.context.add_cookies([cookie])
    page.goto(f"/en/playlists/{playlist.code}/")
    return page, playlist, cases


def step_titles(page) -> list[str]:
    return page.locator("ol.steps > li .step__title").all_inner_texts()


def test_a_step_moves_down_by_keyboard_and_keeps_the_focus(teacher_page):
    page, playlist, (a, b, c) = teacher_page
    button = page.locator(f"#step-{playlist.items.get(case=a).pk} [data-move=down]")
    button.focus()
    with page.expect_response(lambda response: response.url.endswith("/order/")):
        page.keyboard.press("Enter")
    expect(page.locator("#order-status")).to_have_text("The new order is saved.")
    assert positions(playlist) == [b.code, a.code, c.code]
    # Focus followed the step, so Enter again moves it once more, to the end.
    with page.expect_response(lambda response: response.url.endswith("/order/")):
        page.keyboard.press("Enter")
    expect(page.locator("ol.steps > li").last).to_have_id(f"step-{playlist.items.get(case=a).pk}")
    page.wait_for_function("document.activeElement.dataset.move === 'up'")
    expect(page.locator("#order-status")).to_have_text("The new order is saved.")
    assert positions(playlist) == [b.code, c.code, a.code]
    assert page.locator("ol.steps > li .step__number").all_inner_texts() == ["1.", "2.", "3."]


def test_a_step_dragged_by_its_handle_to_the_top_stays_there_after_a_reload(teacher_page):
    page, playlist, (a, b, c) = teacher_page
    handle = page.locator(f"#step-{playlist.items.get(case=c).pk} .step__handle")
    target = page.locator(f"#step-{playlist.items.get(case=a).pk}").bounding_box()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 5, steps=12)
    with page.expect_response(lambda response: response.url.endswith("/order/")):
        page.mouse.up()
    expect(page.locator("#order-status")).to_have_text("The new order is saved.")
    assert positions(playlist) == [c.code, a.code, b.code]
    page.reload()
    assert step_titles(page)[0] == c.title


@pytest.mark.parametrize("width", [390, 1024, 1920])
def test_the_playlist_page_fits_and_has_no_serious_accessibility_violation(teacher_page, width):
    page, _playlist, _cases = teacher_page
    page.set_viewport_size({"width": width, "height": 900 if width < 1920 else 1080})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"playlist-{width}.png"), full_page=True)
