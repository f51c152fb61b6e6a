"""Every file of pydicom's own test corpus is imported or rejected with a reason."""

import pytest

from cases.ingest import IMPORTED, REJECTED, SKIPPED, MemoryUpload, images_ingest
from tests.builders import make_case
from tests.cases.dicom.builders import pydicom_corpus_files

pytestmark = pytest.mark.django_db

CORPUS = pydicom_corpus_files()


def test_the_corpus_is_installed():
    assert len(CORPUS) > 100


@pytest.mark.parametrize("path", CORPUS, ids=[path.name for path in CORPUS])
def test_a_corpus_file_is_imported_and_rendered_or_rejected_with_a_reason(
    path, django_capture_on_commit_callbacks
):
    study = make_case(images=0).studies.get()
    with django_capture_on_commit_callbacks(execute=True):
        results = images_ingest(study=study, files=[MemoryUpload(path.name, path.read_bytes())])

    (result,) = results
    assert result.status in (IMPORTED, REJECTED, SKIPPED)
    if result.status == IMPORTED:
        image = study.images.get()
        # Imported files render: nothing is left half-processed.
        assert image.pixels in ("ready", "held", "failed")
        if image.pixels == "failed":
            assert image.pixels_reason
    else:
        assert result.reason
        assert study.images.count() == 0
