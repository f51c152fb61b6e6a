"""Bad uploads get a clear error and leave nothing behind: no row, no file, no 500."""

import io
import struct
import zipfile

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image as PILImage

from cases.ingest import MemoryUpload, images_ingest
from cases.models import Image, SourceFile
from tests.cases.builders import study_form
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("L", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def huge_length_dicom() -> bytes:
    """A valid file whose last element claims a value of nearly 4 GB."""
    data = to_bytes(make_ct(ImageComments="short"))
    tag = struct.pack("<HH2s", 0x0020, 0x4000, b"LT")
    start = data.index(tag)
    return data[: start + 6] + struct.pack("<H", 0xFFFE) + data[start + 8 :]


def truncated() -> bytes:
    data = to_bytes(make_ct(rows=64, columns=64))
    return data[: len(data) // 2]


def fuzzed() -> bytes:
    data = bytearray(to_bytes(make_ct()))
    rng = np.random.default_rng(7)
    for position in rng.integers(132, 400, size=40):
        data[position] = int(rng.integers(0, 256))
    return bytes(data)


def no_pixels() -> bytes:
    ds = make_ct()
    del ds.PixelData
    return to_bytes(ds)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.dcm", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


BAD_FILES = {
    "text.dcm": (b"Patient notes, not an image.\n" * 10, "not a DICOM file"),
    "truncated.dcm": (truncated(), "truncated or damaged DICOM file"),
    "huge-length.dcm": (huge_length_dicom(), "truncated or damaged DICOM file"),
    "no-pixels.dcm": (no_pixels(), "no pixel data"),
    "photo.png": (
        b"8BPS\x00\x01" + b"\0" * 100,
        "not a PNG or JPEG image (looks like Photoshop PSD)",
    ),
    "drawing.png": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    "giant.png": (png(9000, 8000), "image too large"),
    "bomb.zip": (zip_bomb(), "archive member expands"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_the_service_rejects_a_bad_file_with_its_reason_and_stores_nothing(
    name, study, media_root, django_capture_on_commit_callbacks
):
    data, reason = BAD_FILES[name]
    with django_capture_on_commit_callbacks(execute=True):
        results = images_ingest(study=study, files=[MemoryUpload(name, data)])

    assert [result.status for result in results] == ["rejected"]
    assert reason in results[0].reason
    assert Image.objects.count() == 0
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_a_fuzzed_file_is_rejected_or_imported_but_never_crashes(study):
    results = images_ingest(study=study, files=[MemoryUpload("fuzz.dcm", fuzzed())])

    assert results[0].status in ("rejected", "imported")
    if results[0].status == "rejected":
        assert results[0].reason


def test_a_small_pixel_limit_rejects_a_decompression_bomb_png(study, settings):
    settings.ATLAS_MAX_PIXELS = 1000
    results = images_ingest(study=study, files=[MemoryUpload("a.png", png(100, 100))])

    assert results[0].reason == "image too large: 100x100 = 10,000 pixels (limit 1,000)"


def test_too_many_files_are_refused_whole(study, settings):
    settings.ATLAS_MAX_FILES = 2
    files = [MemoryUpload(f"{n}.dcm", to_bytes(make_ct())) for n in range(3)]
    results = images_ingest(study=study, files=files)

    assert {result.status for result in results} == {"rejected"}
    assert results[0].reason == "too many files: 3 (limit 2)"
    assert Image.objects.count() == 0


def test_the_admin_shows_a_form_error_for_each_rejected_file(admin_client, study, media_root):
    files = [("text.dcm", BAD_FILES["text.dcm"][0]), ("photo.png", BAD_FILES["photo.png"][0])]
    url = reverse("admin:cases_study_change", args=[study.pk])
    response = admin_client.post(url, study_form(study, files))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["upload_images"]
    assert errors == [
        "text.dcm: not a DICOM file",
        "photo.png: not a PNG or JPEG image (looks like Photoshop PSD)",
    ]
    assert (Image.objects.count(), SourceFile.objects.count()) == (0, 0)
    assert not media_root.exists()


def test_the_admin_reports_rejected_files_next_to_imported_ones(
    admin_client, study, django_capture_on_commit_callbacks
):
    files = [("good.dcm", to_bytes(make_ct())), ("text.dcm", BAD_FILES["text.dcm"][0])]
    url = reverse("admin:cases_study_change", args=[study.pk])
    # The import runs as a task once the save has committed; its results show on the next page.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, study_form(study, files))
    assert response.status_code == 302
    page = admin_client.get(url)

    texts = [str(message) for message in page.context["messages"]]
    assert "text.dcm: rejected, not a DICOM file" in texts, "refused at once, from its bytes"
    results = [(r["path"], r["status"]) for r in page.context["upload_batches"][0].results]
    assert results == [("text.dcm", "rejected"), ("good.dcm", "imported")]
    assert "good.dcm: imported" in page.content.decode()
    assert study.images.count() == 1


def test_an_oversized_request_gets_413_before_its_body_is_read(admin_client, study, settings):
    settings.ATLAS_MAX_UPLOAD_MB = 1
    url = reverse("admin:cases_study_change", args=[study.pk])
    response = admin_client.generic(
        "POST",
        url,
        b"x" * 100,
        content_type="multipart/form-data; boundary=abc",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert "upload too large: 5 MB (limit 1 MB)" in response.content.decode()


def test_too_many_files_in_one_request_get_400_with_a_message(admin_client, study, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [(f"{n}.dcm", b"x") for n in range(3)]
    url = reverse("admin:cases_study_change", args=[study.pk])
    response = admin_client.post(url, study_form(study, files))

    assert response.status_code == 400
    assert "too many files in one upload (limit 2)" in response.content.decode()
    assert Image.objects.count() == 0
