"""The "Where is it?" picture in real Chromium: a tap on a phone, the keyboard's crosshair, and
the same form without JavaScript (static/js/quiz-where.js, templates/teaching/_where_form.html).
The page is a bare one holding the question page's form; tests/teaching/where_urls.py serves it
and echoes what the browser posts."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.teaching.where_urls import HEIGHT, WIDTH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def where_urls(settings):
    settings.ROOT_URLCONF = "tests.teaching.where_urls"


def posted(page) -> dict:
    expect(page).to_have_url(re.compile(r"/echo/$"))
    return json.loads(page.locator("body").inner_text())


def watch_errors(page) -> list[str]:
    """Console errors, such as a script or style the CSP refused, and uncaught exceptions."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_tap_on_the_shrunk_picture_posts_where_it_landed_from_0_to_1(chromium, live_server):
    context = chromium.new_context(viewport=PHONE, has_touch=True, base_url=live_server.url)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto("/where/")
    picture = page.locator("input.quiz-where__image")
    box = picture.bounding_box()
    # Shrunk to the phone, its shape kept.
    assert box["width"] < PHONE["width"] < WIDTH
    assert box["width"] / box["height"] == pytest.approx(WIDTH / HEIGHT, rel=0.01)

    # No confidence yet: the form does not go, and the mark shows where the finger landed.
    x, y = box["x"] + 0.25 * box["width"], box["y"] + 0.75 * box["height"]
    page.touchscreen.tap(x, y)
    marker = page.locator(".quiz-where__marker")
    expect(marker).to_be_visible()
    assert centre(marker.bounding_box()) == (pytest.approx(x, abs=1.5), pytest.approx(y, abs=1.5))
    assert page.url.endswith("/where/")

    page.get_by_label("Fairly sure").tap()
    page.touchscreen.tap(x, y)
    answer = posted(page)
    assert answer["confidence"] == "fairly-sure"
    assert float(answer["nx"]) == pytest.approx(0.25, abs=0.01)
    assert float(answer["ny"]) == pytest.approx(0.75, abs=0.01)
    assert errors == []
    context.close()


def test_keyboard_alone_steers_the_crosshair_and_enter_answers_with_it(page):
    errors = watch_errors(page)
    page.goto("/where/")
    page.keyboard.press("Tab")  # into the confidence group
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # onto the picture
    picture = page.locator("input.quiz-where__image")
    expect(picture).to_be_focused()
    crosshair = page.locator(".quiz-where__crosshair")
    expect(crosshair).to_be_visible()
    expect(page.get_by_text("the arrow keys move the crosshair")).to_be_visible()
    box = picture.bounding_box()
    assert centre(crosshair.bounding_box()) == (
        pytest.approx(box["x"] + box["width"] / 2, abs=1.5),
        pytest.approx(box["y"] + box["height"] / 2, abs=1.5),
    )

    for _ in range(5):
        page.keyboard.press("ArrowRight")  # 2 % each: 0.60
    page.keyboard.press("ArrowLeft")  # 0.58
    page.keyboard.press("Shift+ArrowDown")  # 10 %: 0.60
    page.keyboard.press("Shift+ArrowDown")  # 0.70
    assert centre(crosshair.bounding_box()) == (
        pytest.approx(box["x"] + 0.58 * box["width"], abs=1.5),
        pytest.approx(box["y"] + 0.70 * box["height"], abs=1.5),
    )
    expect(page.locator(".quiz-where__status")).to_have_text(
        "Crosshair at 58 of 100 across and 70 of 100 down."
    )
    # The arrows steered the crosshair and nothing else.
    assert page.evaluate("window.scrollY") == 0
    assert axe_violations(page) == []

    page.keyboard.press("Enter")
    answer = posted(page)
    assert answer["confidence"] == "guessing"
    assert (answer["nx"], answer["ny"]) == ("0.5800", "0.7000")
    assert errors == []


def test_the_crosshair_stops_at_the_pictures_edges(page):
    page.goto("/where/")
    page.get_by_label("Certain").check()
    page.locator("input.quiz-where__image").focus()
    for _ in range(8):
        page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Space")
    answer = posted(page)
    assert (answer["nx"], answer["ny"]) == ("0.0000", "0.0000")


def test_without_javascript_the_picture_keeps_its_size_and_posts_its_own_pixels(
    chromium, live_server
):
    context = chromium.new_context(
        java_script_enabled=False, viewport=PHONE, base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/where/")
    picture = page.locator("input.quiz-where__image")
    # Not shrunk even on a phone, so where.x and where.y stay in its W x H pixels.
    box = picture.bounding_box()
    assert (box["width"], box["height"]) == (WIDTH, HEIGHT)
    expect(page.get_by_text("the arrow keys move the crosshair")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_label("Guessing").check()
    picture.click(position={"x": 150, "y": 225})
    answer = posted(page)
    assert (answer["where.x"], answer["where.y"]) == ("150", "225")
    assert (answer["nx"], answer["ny"]) == ("", "")
    context.close()
