"""A photometric interpretation the renderer cannot draw is refused at upload, not at render."""

import pytest

from cases.ingest import IMPORTED, REJECTED, MemoryUpload, images_ingest
from cases.models import Image, SourceFile
from tests.builders import make_case
from tests.cases.dicom.builders import make_us, to_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    return make_case(images=0).studies.get()


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


@pytest.mark.parametrize("photometric", ["YBR_PARTIAL_420", "YBR_PARTIAL_422", "HSV"])
def test_upload_the_renderer_cannot_draw_is_rejected_with_the_reason_and_leaves_nothing(
    study, media_root, django_capture_on_commit_callbacks, photometric
):
    data = to_bytes(make_us(PhotometricInterpretation=photometric))

    with django_capture_on_commit_callbacks(execute=True):
        [result] = images_ingest(study=study, files=[MemoryUpload("us.dcm", data)])

    assert result.status == REJECTED
    assert result.reason == f"unsupported photometric interpretation: {photometric}"
    assert not Image.objects.exists()
    assert not SourceFile.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("photometric", ["RGB", "YBR_FULL"])
def test_colour_upload_the_renderer_can_draw_is_imported_and_rendered(
    study, media_root, django_capture_on_commit_callbacks, photometric
):
    data = to_bytes(make_us(PhotometricInterpretation=photometric))

    with django_capture_on_commit_callbacks(execute=True):
        [result] = images_ingest(study=study, files=[MemoryUpload("us.dcm", data)])

    assert result.status == IMPORTED
    image = Image.objects.get()
    assert image.pixels == Image.Pixels.HELD  # ultrasound without BurnedInAnnotation
    assert image.progress == 100
