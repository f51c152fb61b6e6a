"""The authors' image tools in the Django admin, driven in real Chromium: the study's
"Add images" upload, the annotation editor drawn over the image, and the burned-in text
review. axe-core runs on the public viewer these tools feed, not on the admin itself."""

import re

import numpy as np
import pydicom
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse
from playwright.sync_api import expect

from cases.ingest import MemoryUpload, image_ingest
from cases.models import Image
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, make_us, to_bytes
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    b'<rect width="40" height="40"/></svg>'
)


@pytest.fixture
def author(page, client, live_server):
    """The page, logged in as a superuser: the test client's session cookie, handed over.

    No password: hashing one (twice, with the login form) costs more than a whole test here.
    """
    client.force_login(get_user_model().objects.create_superuser("author", password=None))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def ingested(image: Image, data: bytes, name: str = "image.dcm") -> Image:
    # Rendering is queued on commit; with the immediate backend it runs before this returns.
    results = image_ingest(image=image, files=[MemoryUpload(name, data)])
    assert [result.status for result in results] == ["imported"], results
    image.refresh_from_db()
    return image


def viewer(image: Image) -> str:
    # As the revealed case opens it: annotations on.
    return reverse("cases:image", args=[image.study.case.code, image.key]) + "?reveal=1"


def drag(page, box: dict, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press at `start` and release at `end`, both as fractions of `box`, moving in steps.

    `box` must come from bounding_box() after scrolling into view: the mouse only reaches
    what is inside the viewport.
    """
    x1, y1 = box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"]
    x2, y2 = box["x"] + end[0] * box["width"], box["y"] + end[1] * box["height"]
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=8)
    page.mouse.up()


def stored_pixels(image: Image) -> np.ndarray:
    source = image.sources.get()
    with default_storage.open(source.file.name, "rb") as handle:
        return pydicom.dcmread(handle).pixel_array


# ---------------------------------------------------------------------------------------------
# "Add images" on the study's change page


def test_add_images_reports_each_file_and_imports_only_the_good_one(author):
    page = author
    study = make_case(slug="upload-case").studies.get()
    before = set(study.images.values_list("pk", flat=True))

    page.goto(f"/en/admin/cases/study/{study.pk}/change/")
    # A bad file alone: nothing to import, so the form says why and nothing is saved.
    page.get_by_label("Add images").set_input_files(
        [{"name": "drawing.png", "mimeType": "image/png", "buffer": SVG}]
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("#id_upload_images_error")).to_contain_text(
        "drawing.png: not a PNG or JPEG image (looks like SVG)"
    )
    expect(page.locator("ul.messagelist")).to_have_count(0)
    assert set(study.images.values_list("pk", flat=True)) == before

    page.get_by_label("Add images").set_input_files(
        [
            {
                "name": "slice.dcm",
                "mimeType": "application/dicom",
                "buffer": to_bytes(make_ct(rows=32, columns=32)),
            },
            {"name": "drawing.png", "mimeType": "image/png", "buffer": SVG},
        ]
    )
    page.get_by_role("button", name="Save and continue editing").click()

    # The bad file is refused at once, from its leading bytes; the good one is imported by
    # a task (with the immediate backend, before the next page loads) and reported there.
    messages = page.locator("ul.messagelist")
    expect(
        messages.locator(
            "li.error", has_text="drawing.png: rejected, not a PNG or JPEG image (looks like SVG)"
        )
    ).to_have_count(1)
    expect(messages.locator("li", has_text="drawing.png")).to_have_count(1)
    expect(messages.locator("li.info", has_text="1 file received")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"/admin/cases/study/{study.pk}/change/$"))
    uploads = page.locator("#upload-batches")
    expect(uploads.locator("li", has_text="slice.dcm: imported")).to_have_count(1)
    expect(uploads.locator("li", has_text="drawing.png: rejected")).to_have_count(1)

    new = study.images.exclude(pk__in=before)
    assert new.count() == 1, "the good file is one new image; the bad one leaves no row"
    image = new.get()
    assert [source.frames for source in image.sources.all()] == [1]
    assert image.modality == "CT" and (image.width, image.height) == (32, 32)
    assert image.pixels == Image.Pixels.READY
    assert not Image.objects.exclude(study=study).exists()


# ---------------------------------------------------------------------------------------------
# The annotation editor on the image's change page


def test_drawn_arrow_and_label_are_saved_and_shown_in_the_viewer(author):
    page = author
    image = Image.objects.get(study__case=make_case(slug="annotate-case"))
    image = ingested(image, to_bytes(make_ct(rows=200, columns=300)))
    assert image.pixels == Image.Pixels.READY

    page.goto(f"/en/admin/cases/image/{image.pk}/change/")
    surface = page.locator("[data-surface]")
    expect(surface).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-surface] img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    expect(page.locator("textarea[name='annotations']")).to_be_hidden()
    surface.scroll_into_view_if_needed()
    box = surface.bounding_box()
    assert box["width"] > 100 and box["height"] > 50

    expect(page.get_by_role("button", name="Arrow")).to_have_attribute("aria-pressed", "true")
    drag(page, box, (0.2, 0.25), (0.6, 0.7))
    expect(page.locator("[data-drawing] g line")).to_have_count(3)  # shaft and two head strokes

    page.get_by_role("button", name="Label").click()
    page.get_by_label("Label text").fill("Tophus")
    box = surface.bounding_box()  # again: filling the input may have scrolled the page
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
    expect(page.locator("[data-drawing] text")).to_have_text("Tophus")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")

    image.refresh_from_db()
    arrow, label = image.annotations
    assert arrow["type"] == "arrow" and arrow["frame"] is None
    assert set(arrow) == {"type", "frame", "x1", "y1", "x2", "y2"}
    assert set(label) == {"type", "frame", "x1", "y1", "text"}
    assert (label["type"], label["frame"], label["text"]) == ("label", None, "Tophus")
    coordinates = [arrow[key] for key in ("x1", "y1", "x2", "y2")] + [label["x1"], label["y1"]]
    assert all(0 <= value <= 1 for value in coordinates), coordinates
    expected = [0.2, 0.25, 0.6, 0.7, 0.7, 0.3]
    assert coordinates == pytest.approx(expected, abs=0.02)

    page.goto(viewer(image))
    overlay = page.locator("[data-overlay]")
    expect(overlay).to_be_visible()
    expect(overlay.locator("[data-shape] line")).to_have_count(2)  # the shadow and the arrow
    expect(overlay.locator("[data-shape] line").last).to_be_visible()
    expect(overlay.get_by_text("Tophus")).to_be_visible()
    # The overlay is in image pixels: the saved fractions times 300 x 200.
    line = overlay.locator("[data-shape] line").last
    assert float(line.get_attribute("x1")) == pytest.approx(arrow["x1"] * 300, abs=0.5)
    assert float(line.get_attribute("y2")) == pytest.approx(arrow["y2"] * 200, abs=0.5)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


# ---------------------------------------------------------------------------------------------
# The burned-in text review


def test_a_dragged_rectangle_is_blanked_and_the_image_released(author):
    page = author
    image = Image.objects.get(study__case=make_case(slug="review-case"))
    # An ultrasound without BurnedInAnnotation may carry the patient's name in its pixels.
    image = ingested(image, to_bytes(make_us(rows=200, columns=300)))
    assert image.pixels == Image.Pixels.HELD and image.pixels_reason
    before = stored_pixels(image)

    page.goto(f"/en/admin/cases/image/{image.pk}/review/")
    expect(page.locator(".blank-review")).to_contain_text(image.pixels_reason)
    surface = page.locator("[data-blank]")
    expect(surface).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-blank] img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    expect(page.get_by_role("button", name="Clear the rectangles")).to_be_visible()
    surface.scroll_into_view_if_needed()
    box = surface.bounding_box()
    drag(page, box, (0.1, 0.1), (0.5, 0.4))
    expect(page.locator("[data-rectangles] rect")).to_have_count(1)

    x, y, w, h = (int(page.locator(f"input[name='{side}1']").input_value()) for side in "xywh")
    # Source pixels: the fractions of the drag times 300 x 200, give or take a screen pixel.
    assert (x, y, w, h) == pytest.approx((30, 20, 120, 60), abs=2)
    assert page.locator("input[name='x2']").input_value() == ""
    assert before[y : y + h, x : x + w].any()

    page.get_by_role("button", name="Blank these areas and release the image").click()
    expect(page).to_have_url(re.compile(rf"/admin/cases/image/{image.pk}/change/$"))
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "The image is released with the chosen areas blanked."
    )

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY and image.pixels_reason == ""
    after = stored_pixels(image)
    assert after.shape == before.shape == (200, 300, 3)
    assert not after[y : y + h, x : x + w].any(), "the RGB pixels inside the rectangle are zero"
    outside = np.ones(after.shape[:2], dtype=bool)
    outside[y : y + h, x : x + w] = False
    assert (after[outside] == before[outside]).all(), "pixels outside are untouched"

    page.goto(viewer(image))
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-image]');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
