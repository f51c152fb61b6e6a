"""The differential-diagnosis wizard in real Chromium: by keyboard alone, with live updates,
accessible, and without sideways scrolling on a phone."""

import re

import pytest
from playwright.sync_api import expect

from atlas.content import content_load
from tests.conftest import axe_violations
from tests.wizard.conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until ``predicate`` (JavaScript, about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    pytest.fail(f"Tab never reached an element where {predicate}")


def test_a_resident_answers_the_wizard_by_keyboard_alone(page, kb):
    page.goto("/en/wizard/")
    tab_to(page, "el.name === 'q-lab.urate'")
    for _ in range(2):  # from "Don't know" down to "High"
        page.keyboard.press("ArrowDown")
    expect(page.locator("input[value='lab.urate.high']")).to_be_checked()
    tab_to(page, "el.textContent.trim() === 'Next: History'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/wizard/\?f=lab\.urate\.high&step=history$"))

    tab_to(page, "el.value === 'hx.gout'")
    page.keyboard.press("Space")
    tab_to(page, "el.textContent.trim() === 'Next: Site'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"f=lab\.urate\.high&f=hx\.gout&step=site$"))

    tab_to(page, "el.textContent.trim() === 'Next: Differential'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    expect(page.locator(".ddx-entry__name").first).to_have_text("Tophaceous gout")
    expect(page.locator(".flow-node.path-end")).to_have_attribute("data-node", "metastatic")
    assert axe_violations(page) == []

    # Back to a step from the summary, still by keyboard: the answers are kept.
    tab_to(page, "el.textContent.trim() === 'Change History'")
    page.keyboard.press("Enter")
    expect(page.locator("input[value='hx.gout']")).to_be_checked()


def test_the_ranking_and_the_flowchart_follow_the_answers_without_reloading(page, kb):
    page.goto("/en/wizard/?f=lab.calcium.normal&f=hx.gout&step=site")
    expect(page.locator(".ddx-entry__name").first).to_have_text("Vascular calcification")
    page.evaluate("window.sameDocument = true")

    page.get_by_label("Joint").check()
    expect(page.locator(".ddx-entry__name").first).to_have_text("Tophaceous gout")
    expect(page.locator("#wizard-live")).to_contain_text("Leading: Tophaceous gout")
    expect(page).to_have_url(
        re.compile(r"f=lab\.calcium\.normal&f=hx\.gout&f=site\.articular&step=site$")
    )
    # The step links now carry the new answer too.
    history = page.locator(".wizard-steps a[data-step='history']")
    expect(history).to_have_attribute("href", re.compile(r"f=site\.articular"))
    assert page.evaluate("window.sameDocument") is True

    expect(page.locator(".flow-node.path-end")).to_have_attribute("data-node", "dystrophic")
    page.get_by_label("Tendon").check()
    expect(page.locator(".ddx-entry__name").first).to_have_text("Calcific tendinitis")
    expect(page.locator(".flow-node.path-end")).to_have_attribute("data-node", "tendon")
    assert page.evaluate("window.sameDocument") is True

    # The most useful question, on another step, is one button away and keeps the answers.
    page.get_by_role("button", name=re.compile(r"^Go to ")).click()
    expect(page).to_have_url(re.compile(r"f=hx\.gout&f=site\.tendon&f=site\.articular&step="))


def test_the_wizard_pages_have_no_serious_accessibility_violations(page, kb):
    for url in ("/en/wizard/", "/es/wizard/?f=lab.calcium.normal&f=hx.ckd&step=history"):
        page.goto(url)
        assert axe_violations(page) == [], url


def test_the_wizard_works_as_a_plain_form_without_javascript(chromium, live_server, kb):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/wizard/")
    page.get_by_label("High").first.check()
    page.get_by_role("button", name="Next: History").click()
    # The server tidies the submitted form into the short address.
    expect(page).to_have_url(re.compile(r"/en/wizard/\?f=lab\.calcium\.high&step=history$"))
    expect(page.locator(".flow-node.path-end")).to_have_attribute("data-node", "metastatic")
    context.close()


def test_the_wizard_fits_a_phone_and_its_flowchart_scrolls_in_its_own_box(
    chromium, live_server, kb
):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/en/wizard/?f=lab.calcium.normal&f=site.tendon&step=results")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"
    box = page.locator(".flowchart")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    # Text in the chart keeps its size on a phone: it scrolls rather than shrinks.
    label_height = page.locator(".flow-label").first.evaluate("el => el.getBBox().height")
    assert label_height >= 14
    assert errors == []
    context.close()


# Rendered font size of every text in the chart: its computed size in SVG units times the
# SVG's scale on screen (drawn width / viewBox width).
FLOWCHART_FONT_SIZES = """() => {
  const svg = document.querySelector('.flowchart__svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text, tspan')].map(el => ({
    text: el.textContent.trim().slice(0, 40),
    px: parseFloat(getComputedStyle(el).fontSize) * scale,
  }));
}"""


@pytest.fixture
def demo_content(transactional_db):
    content_load(path=DEMO)


def test_the_demo_flowchart_reads_at_projector_size(page, demo_content):
    page.goto("/en/wizard/?f=lab.calcium.normal&f=site.tendon&step=results")
    sizes = page.evaluate(FLOWCHART_FONT_SIZES)
    assert sizes
    small = [s for s in sizes if s["px"] < 16]
    assert small == [], f"flowchart text under 16px at 1280×720: {small[:5]}"


def test_the_demo_flowchart_reads_at_projector_size_on_the_classification(page, demo_content):
    page.goto("/en/glossary/classification/")
    sizes = page.evaluate(FLOWCHART_FONT_SIZES)
    assert sizes
    assert [s for s in sizes if s["px"] < 16] == []
    page.locator(".flowchart a", has_text="Tophaceous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tophaceous gout")


@pytest.mark.parametrize(
    "path",
    ["/en/wizard/?f=lab.calcium.normal&f=site.tendon&step=results", "/es/glossary/classification/"],
)
def test_the_demo_flowchart_scrolls_in_its_box_on_a_phone(
    chromium, live_server, demo_content, path
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
    assert page.locator(".flowchart").evaluate("el => el.scrollWidth > el.clientWidth")
    assert min(s["px"] for s in page.evaluate(FLOWCHART_FONT_SIZES)) >= 16
    context.close()


# Every line of the chart, measured by Chromium with the font it really uses, against its node's
# box: a node's own lines against its rect, an entity list against the leaf's rect above it.
FLOWCHART_LINES_OUTSIDE_THEIR_BOX = """() => {
  const outside = [];
  for (const tspan of document.querySelectorAll('.flowchart__svg tspan')) {
    const text = tspan.closest('text');
    const node = text.closest('g.flow-node') || text.previousElementSibling;
    const rect = node.querySelector('rect');
    const boxLeft = rect.x.baseVal.value, boxRight = boxLeft + rect.width.baseVal.value;
    const width = tspan.getComputedTextLength();
    const x = tspan.x.baseVal[0].value;
    const left = getComputedStyle(text).textAnchor === 'middle' ? x - width / 2 : x;
    if (left < boxLeft - 0.5 || left + width > boxRight + 0.5) {
      outside.push({text: tspan.textContent, left, right: left + width, boxLeft, boxRight});
    }
  }
  return outside;
}"""

# Leaders (in bold) include the two longest single words of the demo, in both languages.
LONG_LEADERS = "f=lab.calcium.low&f=lab.phosphate.high&f=age.child&step=results"


@pytest.mark.parametrize(
    "path",
    [
        f"/en/wizard/?{LONG_LEADERS}",
        f"/es/wizard/?{LONG_LEADERS}",
        "/en/glossary/classification/",
        "/es/glossary/classification/",
    ],
)
def test_every_line_of_the_demo_flowchart_fits_its_box_with_the_real_font(page, demo_content, path):
    page.goto(path)
    assert page.locator(".flowchart__svg tspan").count() > 50
    if "wizard" in path:
        assert page.locator(".flowchart__svg .flow-lead").count() > 0
    assert page.evaluate(FLOWCHART_LINES_OUTSIDE_THEIR_BOX) == []


# The drawing's width on screen, its box's width inside the padding, and its scale.
FLOWCHART_FIT = """() => {
  const svg = document.querySelector('.flowchart__svg');
  const box = document.querySelector('.flowchart');
  const style = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const drawn = svg.getBoundingClientRect();
  const view = svg.viewBox.baseVal;
  return {drawn: drawn.width, inner, scale: drawn.width / view.width,
          aspect: (drawn.width / drawn.height) / (view.width / view.height),
          scrolls: box.scrollWidth > box.clientWidth};
}"""


@pytest.mark.parametrize(
    "path",
    ["/en/wizard/?f=lab.calcium.normal&f=site.tendon&step=results", "/es/glossary/classification/"],
)
def test_the_demo_flowchart_grows_to_fill_a_projector_screen(
    chromium, live_server, demo_content, path
):
    context = chromium.new_context(
        viewport={"width": 1920, "height": 1080}, base_url=live_server.url
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(path)
    fit = page.evaluate(FLOWCHART_FIT)
    assert fit["scale"] > 1.05, fit
    assert fit["drawn"] == pytest.approx(fit["inner"], abs=1), fit
    assert fit["aspect"] == pytest.approx(1, abs=0.01), fit  # grown, not stretched
    assert not fit["scrolls"]
    assert min(s["px"] for s in page.evaluate(FLOWCHART_FONT_SIZES)) > 17
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert errors == []
    context.close()
