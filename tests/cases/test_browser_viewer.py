"""The viewer in real Chromium: a CT stack imported through the real pipeline, read with the
keyboard, the wheel and the slider, with the address bar following every change."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from pydicom.uid import generate_uid

from cases.ingest import MemoryUpload, image_ingest
from cases.models import Image
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLICES = 6


@pytest.fixture
def stack(transactional_db):
    case = make_case(slug="elbow-stack")
    image = Image.objects.get(study__case=case)
    series, study, frame_of_reference = generate_uid(), generate_uid(), generate_uid()
    files = []
    for index in range(SLICES):
        ds = make_ct(
            rows=64,
            columns=64,
            InstanceNumber=index + 1,
            ImagePositionPatient=[0, 0, 2.0 * index],
            SeriesInstanceUID=series,
            StudyInstanceUID=study,
            FrameOfReferenceUID=frame_of_reference,
        )
        pixels = np.full((64, 64), -900, dtype=np.int16)
        pixels[16:48, 16:48] = 40 + 100 * index  # a square that brightens slice by slice
        ds.PixelData = pixels.tobytes()
        files.append(MemoryUpload(f"slice-{index}.dcm", to_bytes(ds)))
    results = image_ingest(image=image, files=files)
    assert {result.status for result in results} == {"imported"}
    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY and image.frame_count == SLICES
    image.annotations = [
        {"type": "arrow", "frame": None, "x1": 0.1, "y1": 0.1, "x2": 0.3, "y2": 0.3},
        {"type": "label", "frame": 2, "x1": 0.5, "y1": 0.9, "text": "Third slice"},
    ]
    image.save()
    return image


def viewer(image: Image) -> str:
    return f"/en/cases/{image.study.case.code}/images/{image.key}/"


def picture_loaded(page) -> bool:
    return page.evaluate(
        "() => { const i = document.querySelector('[data-image]');"
        " return i.complete && i.naturalWidth > 0; }"
    )


def test_keys_scroll_the_stack_and_the_address_follows(page, stack):
    page.goto(viewer(stack))
    counter = page.locator("[data-counter]")
    expect(counter).to_have_text("frame 1 / 6")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    expect(counter).to_have_text("frame 3 / 6")
    expect(page).to_have_url(re.compile(r"\?frame=3&preset=file&ann=0$"))
    expect(page.locator("[data-image]")).to_have_attribute("src", re.compile(r"/2/display\.webp$"))
    page.wait_for_function("() => document.querySelector('[data-image]').naturalWidth > 0")
    page.keyboard.press("End")
    expect(counter).to_have_text("frame 6 / 6")
    page.keyboard.press("ArrowUp")
    expect(counter).to_have_text("frame 5 / 6")
    page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"\?frame=1&"))


def test_wheel_and_slider_scroll_the_stack(page, stack):
    page.goto(viewer(stack))
    page.locator("[data-stage]").hover()
    page.mouse.wheel(0, 120)
    expect(page.locator("[data-counter]")).to_have_text(re.compile(r"frame [23] / 6"))
    page.get_by_label("Frame", exact=True).fill("5")
    expect(page.locator("[data-counter]")).to_have_text("frame 5 / 6")
    expect(page).to_have_url(re.compile(r"frame=5"))


def test_a_window_preset_is_one_key_press_and_its_pictures_exist(page, stack):
    page.goto(viewer(stack))
    page.keyboard.press("2")
    expect(page).to_have_url(re.compile(r"preset=bone"))
    expect(page.get_by_role("link", name=re.compile("^Bone"))).to_have_attribute(
        "aria-current", "true"
    )
    page.wait_for_function(
        "() => /-bone\\.webp$/.test(document.querySelector('[data-image]').currentSrc)"
    )
    page.wait_for_function("() => document.querySelector('[data-image]').naturalWidth > 0")
    page.keyboard.press("d")
    expect(page).to_have_url(re.compile(r"preset=file"))


def test_before_reveal_a_loads_the_annotations_the_page_did_not_send(page, stack):
    page.goto(viewer(stack))
    expect(page.locator("[data-shape]")).to_have_count(0)
    page.keyboard.press("a")
    expect(page).to_have_url(re.compile(r"ann=1"))
    expect(page.locator("[data-shape] line").last).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Hide annotations"))).to_be_visible()


def test_annotations_toggle_with_a_and_follow_the_frame(page, stack):
    page.goto(viewer(stack) + "?reveal=1")
    arrow = page.locator("[data-shape] line").last
    label = page.get_by_text("Third slice")
    expect(arrow).to_be_visible()
    expect(label).to_be_hidden()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(label).to_be_visible()
    page.keyboard.press("a")
    expect(arrow).to_be_hidden()
    expect(page).to_have_url(re.compile(r"ann=0"))
    expect(page.get_by_role("link", name=re.compile("^Show annotations"))).to_be_visible()
    page.keyboard.press("a")
    expect(arrow).to_be_visible()


def test_a_shared_address_opens_exactly_that_view(page, stack):
    page.goto(viewer(stack) + "?frame=4&preset=lung&ann=0")
    expect(page.locator("[data-counter]")).to_have_text("frame 4 / 6")
    expect(page.locator("[data-shape] line").last).to_be_hidden()
    expect(page.locator("[data-image]")).to_have_attribute(
        "src", re.compile(r"/3/display-lung\.webp$")
    )


def test_plus_and_minus_zoom_and_zero_fits_again(page, stack):
    page.goto(viewer(stack))

    def scale() -> float:
        matrix = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-canvas]')).transform"
        )
        return 1.0 if matrix == "none" else float(matrix.split("(")[1].split(",")[0])

    page.keyboard.press("+")
    page.keyboard.press("+")
    assert scale() == pytest.approx(1.5625)
    page.keyboard.press("-")
    assert scale() == pytest.approx(1.25)
    page.keyboard.press("0")
    assert scale() == pytest.approx(1.0)
    page.get_by_role("button", name="Zoom in").click()
    assert scale() == pytest.approx(1.25)


def test_viewer_is_accessible_and_loads_without_console_errors(page, stack):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(viewer(stack))
    page.wait_for_load_state("networkidle")
    assert picture_loaded(page)
    assert axe_violations(page) == []
    assert errors == []


def test_viewer_fits_a_phone_without_sideways_scrolling(chromium, live_server, stack):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    for path in (viewer(stack), f"/en/cases/{stack.study.case.code}/?stage=images"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
    context.close()


def test_case_page_figure_opens_the_viewer(page, stack):
    page.goto(f"/en/cases/{stack.study.case.code}/?stage=images")
    page.get_by_role("link", name=re.compile("Alt.")).click()
    expect(page.locator("[data-counter]")).to_have_text("frame 1 / 6")
