"""The screens of a long text are the room's: → pressed in the presenter window (or on a remote
held at the teacher's laptop) turns the projector's pages before it moves to the next stage."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from teaching import services
from teaching.models import Playlist

from .test_browser_live import signed_in, watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def longest_text(playlist) -> tuple[int, str]:
    """The demo step and stage whose text is longest: (the step's number, the stage)."""
    texts = []
    for number, item in enumerate(playlist.items.order_by("position"), 1):
        if item.case is None:
            continue
        case = item.case
        findings = [study.findings for study in case.studies.all()]
        texts.append((len(case.history), number, "history"))
        texts.append((sum(map(len, [*findings, *case.teaching_point_list])), number, "findings"))
    _length, number, stage = max(texts)
    return number, stage


def test_the_presenters_arrow_walks_the_projector_through_the_longest_text(chromium, live_server):
    call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))
    host = get_user_model().objects.create_superuser("host", "", "pw-for-tests")
    playlist = Playlist.objects.get()
    number, stage = longest_text(playlist)
    session = services.live_session_start(playlist=playlist, host=host)
    context = signed_in(chromium, live_server, host, {"width": 1024, "height": 768})
    projector = context.new_page()
    presenter = context.new_page()
    errors = watch_errors(projector) + watch_errors(presenter)
    projector.goto(f"/en/live/{session.code}/present/")
    presenter.goto(f"/en/live/{session.code}/presenter/")
    screen = projector.locator("#screen")

    presenter.keyboard.press(str(number))
    expect(screen).to_have_attribute("data-stage", "history", timeout=5000)
    if stage == "findings":
        presenter.keyboard.press("r")
        expect(screen).to_have_attribute("data-stage", "answer", timeout=5000)
        presenter.keyboard.press("ArrowRight")
        expect(screen).to_have_attribute("data-stage", stage, timeout=5000)
    # The projector measured the text and told the server: the presenter names the screens.
    expect(screen).to_have_attribute("data-fitted", "1", timeout=5000)
    pages = int(screen.get_attribute("data-pages"))
    assert pages > 1, "the demo's longest text fits one screen at 1024 x 768"
    expect(presenter.locator("#presenter-page")).to_have_text(f"screen 1 of {pages}", timeout=5000)
    expect(presenter.locator("#presenter-next-page")).to_contain_text(f"Screen 2 of {pages}")
    shown_first = projector.locator(".flow > :not([hidden]), .flow__list > :not([hidden])")
    first_text = shown_first.all_inner_texts()

    for page in range(2, pages + 1):
        presenter.keyboard.press("ArrowRight")
        expect(screen).to_have_attribute("data-page", str(page), timeout=5000)
        expect(screen).to_have_attribute("data-stage", stage)
        expect(projector.locator("#screen-page")).to_have_text(f"· {page} of {pages}")
        expect(presenter.locator("#presenter-page")).to_have_text(
            f"screen {page} of {pages}", timeout=5000
        )
    assert shown_first.all_inner_texts() != first_text  # the room reads on, not the same page
    expect(presenter.locator("#presenter-next-page")).to_have_count(0)

    presenter.keyboard.press("ArrowLeft")  # ← walks back a screen too
    expect(screen).to_have_attribute("data-page", str(pages - 1), timeout=5000)
    presenter.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-page", str(pages), timeout=5000)
    before = (screen.get_attribute("data-place"), screen.get_attribute("data-stage"))
    presenter.keyboard.press("ArrowRight")  # past the last screen: the next stage or step
    expect(screen).not_to_have_attribute("data-place", before[0], timeout=5000)
    expect(screen).to_have_attribute("data-page", "1")
    assert errors == []
    context.close()
