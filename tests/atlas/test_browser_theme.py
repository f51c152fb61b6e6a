"""The colour-scheme switch in real Chromium: a forced scheme wins over the device's."""

import re

import pytest
from playwright.sync_api import expect

from tests.builders import make_case
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(chromium, live_server, **options):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, **options
    )
    return context, context.new_page()


def body_luminance(page) -> float:
    """The relative luminance (0 black, 1 white) of the body's computed background."""
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    rgb = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
    red, green, blue = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_dark_chosen_on_a_light_device_is_dark_and_readable(chromium, live_server):
    case = make_case(presentation_en="painful lump", history_en="A lump under the skin.")
    context, page = open_page(chromium, live_server, color_scheme="light")
    page.goto(case.get_absolute_url())
    assert body_luminance(page) > 0.8

    # With the script, the choice applies in place: no reload, the reader keeps focus.
    # Arrow keys change the select once per press: Automatic, Light, then Dark.
    page.get_by_label("Colour scheme").focus()
    page.keyboard.press("ArrowDown")
    with page.expect_response(lambda r: "/theme/" in r.url and "dark" in r.request.post_data):
        page.keyboard.press("ArrowDown")
    expect(page.locator("html")).to_have_class("theme-dark")
    assert body_luminance(page) < 0.05
    expect(page.get_by_label("Colour scheme")).to_be_focused()

    # The server kept it: every page after is drawn dark from its first paint.
    page.goto("/en/")
    expect(page.locator("html")).to_have_class("theme-dark")
    assert body_luminance(page) < 0.05
    assert axe_violations(page) == []
    page.goto(case.get_absolute_url())
    assert axe_violations(page) == []
    context.close()


def test_light_chosen_on_a_dark_device_without_javascript(chromium, live_server):
    context, page = open_page(chromium, live_server, color_scheme="dark", java_script_enabled=False)
    page.goto("/en/glossary/")
    assert body_luminance(page) < 0.05
    page.get_by_label("Colour scheme").select_option("light")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/en/glossary/$"))
    expect(page.locator("html")).to_have_class("theme-light")
    assert body_luminance(page) > 0.8
    context.close()
