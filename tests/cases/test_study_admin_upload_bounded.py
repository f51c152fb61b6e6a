"""An upload from the study's admin page costs its request little: the request checks and
stages the files, a task decodes and imports them, and nothing spooled is left open."""

import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from cases.dicom import reading
from cases.models import Image, SourceFile
from tests.cases.builders import study_form
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def change_url(study) -> str:
    return reverse("admin:cases_study_change", args=[study.pk])


def deleted_descriptors() -> set[str]:
    """This process's open files whose file has been deleted (spooled uploads, spools)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith("(deleted)"):
            found.add(f"{fd} -> {target}")
    return found


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("L", (width, height), 40).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_request_stages_the_files_and_decodes_nothing(
    admin_client, study, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise AssertionError("pixels decoded in the request")

    monkeypatch.setattr(reading, "decode_frame", refuse)
    monkeypatch.setattr(reading, "read_raster", refuse)
    files = [("slice.dcm", to_bytes(make_ct())), ("picture.png", png(64, 48))]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(change_url(study), study_form(study, files))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Image.objects.count() == 0, "the request itself imports nothing"
    assert len(callbacks) == 1, "one task is queued, once the save commits"
    batch = study.upload_batches.get()
    assert batch.state == "pending"
    assert [item["name"] for item in batch.files] == ["slice.dcm", "picture.png"]


def test_the_task_imports_the_staged_files_and_deletes_them(
    admin_client, study, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    files = [("slice.dcm", to_bytes(make_ct())), ("text.dcm", b"not an image at all\n" * 20)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(change_url(study), study_form(study, files))
    batch = study.upload_batches.get()
    staging = media_root / batch.staging
    assert batch.staging.startswith("uploads/")
    assert [path.name for path in staging.iterdir()] == ["00000"], "only the good file is staged"

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    batch.refresh_from_db()
    assert batch.state == "done"
    assert [(r["path"], r["status"]) for r in batch.results] == [
        ("text.dcm", "rejected"),
        ("slice.dcm", "imported"),
    ]
    image = study.images.get()
    assert batch.results[1]["image_ids"] == [image.pk]
    assert image.pixels == Image.Pixels.READY
    assert not staging.exists(), "the raw upload is deleted once it is processed"

    page = admin_client.get(change_url(study))
    assert "slice.dcm: imported" in page.content.decode()
    assert "text.dcm: rejected, not a DICOM file" in page.content.decode()


def test_a_failing_import_marks_the_batch_failed_and_still_deletes_the_staged_files(
    admin_client, study, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    from cases.ingest import batches

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batches, "ingest_commit", broken)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(study), study_form(study, [("a.dcm", to_bytes(make_ct()))]))

    batch = study.upload_batches.get()
    assert batch.state == "failed"
    assert batch.results == [
        {
            "path": "a.dcm",
            "status": "rejected",
            "reason": "the import failed; upload the files again",
            "image_ids": [],
        }
    ]
    assert (Image.objects.count(), SourceFile.objects.count()) == (0, 0)
    assert not (media_root / batch.staging).exists()


def test_a_stale_staging_folder_is_found_for_cleanup(media_root):
    from cases.ingest import uploads_stale

    old, fresh = media_root / "uploads" / "old", media_root / "uploads" / "fresh"
    empty, busy = media_root / "uploads" / "empty", media_root / "uploads" / "busy"
    for folder in (old, fresh, empty, busy):
        folder.mkdir(parents=True)
    for folder in (old, fresh, busy):
        (folder / "00000").write_bytes(b"raw upload")
    an_hour_ago = old.stat().st_mtime - 3600
    for path in (old / "00000", empty, busy / "00000", busy):
        os.utime(path, (an_hour_ago, an_hour_ago))
    (busy / "00001").write_bytes(b"written just now")

    assert uploads_stale(older_than=timedelta(minutes=30)) == ["uploads/empty", "uploads/old"]


def test_too_many_files_in_a_zip_are_refused_in_the_request_without_staging(
    admin_client, study, media_root, settings
):
    settings.ATLAS_MAX_FILES = 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(3):
            archive.writestr(f"{n}.dcm", to_bytes(make_ct()))
    response = admin_client.post(
        change_url(study), study_form(study, [("export.zip", buffer.getvalue())])
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["upload_images"]
    assert errors == ["too many files: 3 (limit 2)"]
    assert not (media_root / "uploads").exists() or not any((media_root / "uploads").iterdir())


def test_a_zip_member_over_the_file_size_limit_is_refused_by_its_declared_size(
    admin_client, study, settings
):
    settings.ATLAS_MAX_FILE_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # Repeats compress well, but not past the ratio limit: only the size refuses it.
        archive.writestr("big.dcm", os.urandom(16 * 1024) * 128)
    assert len(buffer.getvalue()) < 1024 * 1024
    response = admin_client.post(
        change_url(study), study_form(study, [("export.zip", buffer.getvalue())])
    )

    errors = response.context["adminform"].form.errors["upload_images"]
    assert errors == ["export.zip/big.dcm: file too large (limit 1 MB)"]


# ---------------------------------------------------------------------------------------------
# Spooled files


@pytest.mark.parametrize("accepted", [False, True], ids=["rejected", "accepted"])
def test_no_spooled_file_is_left_open_or_named_after_an_upload(
    accepted, admin_client, study, settings, tmp_path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # Every upload is spooled to disk, and the spool folder is watched while the form runs.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    named_while_running: list[str] = []
    from cases.forms import StudyImagesForm

    clean = StudyImagesForm.clean

    def watched(form):
        named_while_running.extend(os.listdir(spool))
        return clean(form)

    monkeypatch.setattr(StudyImagesForm, "clean", watched)
    data = to_bytes(make_ct(rows=64, columns=64)) if accepted else b"plain text\n" * 500
    before = deleted_descriptors()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(study), study_form(study, [("a.dcm", data)]))

    assert response.status_code == (302 if accepted else 200)
    assert study.images.count() == (1 if accepted else 0)
    assert deleted_descriptors() <= before, "a spooled file is still open"
    assert named_while_running == [], "a spooled upload had a name a killed worker leaves behind"
    assert list(spool.iterdir()) == []
