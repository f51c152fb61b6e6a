"""The main reading path in real Chromium: home, filter, case, reveal, glossary, language."""

import re

import pytest
from playwright.sync_api import expect

from atlas.models import Tag
from tests.builders import make_case, make_entity, make_mechanism, make_tag
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def atlas_content(transactional_db):
    metastatic = make_mechanism(slug="metastatic", name_en="Metastatic", name_es="Metastásicas")
    dystrophic = make_mechanism(slug="dystrophic", name_en="Dystrophic", name_es="Distróficas")
    gout = make_entity(
        slug="tophaceous-gout",
        mechanism=metastatic,
        name_en="Tophaceous gout",
        name_es="Gota tofácea",
    )
    trauma = make_entity(
        slug="trauma", mechanism=dystrophic, name_en="Trauma", name_es="Traumatismo"
    )
    elbow = make_tag(slug="region-elbow", name_en="Elbow", name_es="Codo", kind=Tag.Kind.REGION)
    case = make_case(
        slug="gout-forearm",
        diagnosis=gout,
        sex="M",
        age=67,
        presentation_en="swollen forearm",
        presentation_es="antebrazo tumefacto",
        teaching_points_en="Periarticular and intramuscular masses",
    )
    case.tags.add(elbow)
    make_case(diagnosis=trauma, presentation_en="thigh pain after sport")
    return case


def test_reader_walks_from_home_to_a_revealed_case_and_its_glossary_entry(page, atlas_content):
    page.goto("/en/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Browse the cases").click()
    expect(page.get_by_role("heading", name="2 cases")).to_be_visible()

    page.get_by_role("radio", name=re.compile(r"^Metastatic")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"mechanism=metastatic"))
    expect(page.get_by_role("heading", name="1 case")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Man, 67, swollen forearm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Man, 67, swollen forearm")
    expect(page.get_by_text("Tophaceous gout")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Reveal the diagnosis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tophaceous gout")
    expect(page.get_by_text("Periarticular and intramuscular masses")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Tophaceous gout").first.click()
    expect(page).to_have_url(re.compile(r"/en/glossary/tophaceous-gout/$"))
    assert axe_violations(page) == []

    page.get_by_role("link", name="ES", exact=True).click()
    expect(page).to_have_url(re.compile(r"/es/glossary/tophaceous-gout/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gota tofácea")

    page.get_by_role("link", name="Glosario").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glosario")
    assert axe_violations(page) == []


def test_case_can_be_revealed_by_keyboard_alone(page, atlas_content):
    page.goto(atlas_content.get_absolute_url())
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Reveal the diagnosis now":
            break
    else:
        pytest.fail("Tab never reached the reveal link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tophaceous gout")


def test_pages_fit_a_phone_without_sideways_scrolling(chromium, live_server, atlas_content):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    for path in (
        "/en/",
        "/en/cases/",
        atlas_content.get_absolute_url() + "?reveal=1",
        "/en/glossary/",
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
    context.close()


def test_no_console_errors_or_csp_violations(page, atlas_content):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    for path in ("/en/", "/en/cases/", atlas_content.get_absolute_url(), "/en/glossary/"):
        page.goto(path)
    assert errors == []
