"""The ingest services: uploads become de-identified images with derivatives."""

import io
import zipfile

import numpy as np
import pydicom
import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image as PILImage

from cases.ingest import (
    MemoryUpload,
    case_date_offset,
    image_ingest,
    images_ingest,
    rendition_path,
)
from cases.models import Image
from tests.builders import make_case
from tests.cases.dicom.builders import ct_series, make_ct, make_mr, make_us, to_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    return make_case(images=0).studies.get()


def ingest(study, files, capture):
    with capture(execute=True):
        return images_ingest(study=study, files=[MemoryUpload(n, d) for n, d in files])


def stored_dataset(image: Image, order: int = 0) -> pydicom.Dataset:
    with default_storage.open(image.sources.get(order=order).file.name, "rb") as handle:
        return pydicom.dcmread(handle)


def png_bytes(size=(40, 30), colour=(200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_slices_of_one_series_become_one_stack_in_position_order(
    study, django_capture_on_commit_callbacks
):
    slices = ct_series(3)
    shuffled = [slices[2], slices[0], slices[1]]
    results = ingest(
        study,
        [(f"s{i}.dcm", to_bytes(ds)) for i, ds in enumerate(shuffled)],
        django_capture_on_commit_callbacks,
    )

    assert [r.status for r in results] == ["imported"] * 3
    image = study.images.get()
    assert image.pixels == Image.Pixels.READY
    assert (image.frame_count, image.width, image.height, image.modality) == (3, 32, 32, "CT")
    assert {r.image_ids[0] for r in results} == {image.pk}
    # The first stored slice is the lowest position, whatever order the files came in.
    first_values = [int(stored_dataset(image, n).pixel_array[0, 0]) for n in range(3)]
    assert first_values == [0, 100, 200]


def test_every_frame_gets_a_display_webp_and_the_first_a_thumbnail(
    study, django_capture_on_commit_callbacks
):
    ingest(
        study,
        [(f"{i}.dcm", to_bytes(ds)) for i, ds in enumerate(ct_series(3))],
        django_capture_on_commit_callbacks,
    )
    image = study.images.get()

    for frame in range(3):
        with default_storage.open(rendition_path(image, frame, "display"), "rb") as handle:
            assert handle.read(12)[8:12] == b"WEBP"
    assert default_storage.exists(rendition_path(image, 0, "thumb"))
    assert image.progress == 100


def test_a_multi_frame_file_becomes_one_image_with_its_frames(
    study, django_capture_on_commit_callbacks
):
    ingest(study, [("cine.dcm", to_bytes(make_mr(frames=4)))], django_capture_on_commit_callbacks)

    image = study.images.get()
    assert (image.frame_count, image.pixels) == (4, Image.Pixels.READY)


def test_two_series_and_a_picture_become_three_images_in_upload_order(
    study, django_capture_on_commit_callbacks
):
    files = [("a.dcm", to_bytes(ds)) for ds in ct_series(2)]
    files += [("b.dcm", to_bytes(ds)) for ds in ct_series(2)]
    files += [("c.png", png_bytes())]
    ingest(study, files, django_capture_on_commit_callbacks)

    images = list(study.images.order_by("order"))
    assert [image.frame_count for image in images] == [2, 2, 1]
    assert [image.order for image in images] == [1, 2, 3]


def test_a_picture_is_held_for_review_until_released(study, django_capture_on_commit_callbacks):
    ingest(study, [("photo.png", png_bytes())], django_capture_on_commit_callbacks)

    image = study.images.get()
    assert image.pixels == Image.Pixels.HELD
    assert "burned-in text" in image.pixels_reason
    assert (image.width, image.height) == (40, 30)


@pytest.mark.parametrize(
    "overrides",
    [{"BurnedInAnnotation": "YES"}, {}],
    ids=["burned-in-yes", "ultrasound-without-the-attribute"],
)
def test_images_that_may_carry_burned_in_text_are_held(
    study, django_capture_on_commit_callbacks, overrides
):
    ingest(study, [("us.dcm", to_bytes(make_us(**overrides)))], django_capture_on_commit_callbacks)

    assert study.images.get().pixels == Image.Pixels.HELD


def test_a_bad_file_is_rejected_while_the_good_ones_are_imported(
    study, django_capture_on_commit_callbacks
):
    files = [("good.dcm", to_bytes(make_ct())), ("notes.dcm", b"hello, this is text")]
    results = ingest(study, files, django_capture_on_commit_callbacks)

    assert [(r.status, r.reason) for r in results] == [
        ("imported", ""),
        ("rejected", "not a DICOM file"),
    ]
    assert results[1].image_ids == []
    assert study.images.count() == 1


def test_a_zip_of_a_series_is_imported_as_a_stack(study, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, ds in enumerate(ct_series(4)):
            archive.writestr(f"EXPORT/IM{number}", to_bytes(ds))
        archive.writestr("__MACOSX/._IM0", b"junk")
    results = ingest(study, [("export.zip", buffer.getvalue())], django_capture_on_commit_callbacks)

    assert [r.path for r in results if r.status == "imported"] == [
        f"export.zip/EXPORT/IM{n}" for n in range(4)
    ]
    assert study.images.get().frame_count == 4


def test_dates_move_by_the_same_offset_for_every_upload_of_a_case(
    study, django_capture_on_commit_callbacks
):
    ingest(
        study,
        [("1.dcm", to_bytes(make_ct(StudyDate="20200101")))],
        django_capture_on_commit_callbacks,
    )
    ingest(
        study,
        [("2.dcm", to_bytes(make_ct(StudyDate="20200111")))],
        django_capture_on_commit_callbacks,
    )
    first, second = (stored_dataset(image).StudyDate for image in study.images.order_by("order"))

    assert first != "20200101"
    days = np.datetime64(f"{second[:4]}-{second[4:6]}-{second[6:]}") - np.datetime64(
        f"{first[:4]}-{first[4:6]}-{first[6:]}"
    )
    assert days == np.timedelta64(10, "D")
    assert case_date_offset(study.case) != case_date_offset(make_case())


def test_a_failed_render_marks_the_image_failed_with_the_reason(
    study, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        images_ingest(study=study, files=[MemoryUpload("a.dcm", to_bytes(make_ct()))])
    image = study.images.get()
    assert image.pixels == Image.Pixels.PROCESSING
    name = image.sources.get().file.name
    default_storage.delete(name)
    default_storage.save(name, io.BytesIO(b"\0" * 128 + b"DICM" + b"\xff" * 50))
    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.FAILED
    assert image.pixels_reason


def test_an_existing_image_gets_its_pixels_replaced_without_leaving_old_files(
    django_capture_on_commit_callbacks,
):
    image = make_case().studies.get().images.get()
    with django_capture_on_commit_callbacks(execute=True):
        image_ingest(image=image, files=[MemoryUpload("1.dcm", to_bytes(make_ct()))])
    old = image.sources.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        image_ingest(image=image, files=[MemoryUpload("2.dcm", to_bytes(make_mr()))])

    image.refresh_from_db()
    assert (image.modality, image.pixels) == ("MR", Image.Pixels.READY)
    assert image.caption == "Caption."
    assert stored_dataset(image).Modality == "MR"
    assert not default_storage.exists(old)


def test_a_new_image_says_in_every_language_that_nobody_has_described_it_yet(
    study, django_capture_on_commit_callbacks
):
    ingest(study, [("a.dcm", to_bytes(make_ct()))], django_capture_on_commit_callbacks)
    image = study.images.get()

    assert image.caption_en == "Not yet described by the author."
    assert image.alt_text_en == "Image not yet described by the author."
    # Spanish comes from the catalogue, the one place interface text is translated.
    with translation.override("es"):
        assert image.caption_es == gettext("Not yet described by the author.")
        assert image.alt_text_es == gettext("Image not yet described by the author.")
