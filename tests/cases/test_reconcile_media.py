"""`manage.py reconcile_media`: files and rows agree, or the command says where they do not."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.ingest import MemoryUpload, images_ingest, rendition_path
from cases.models import Image, UploadBatch
from cases.recovery import MISSING_SOURCE
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def imported(capture) -> Image:
    study = make_case(images=0).studies.get()
    with capture(execute=True):
        images_ingest(study=study, files=[MemoryUpload("ct.dcm", to_bytes(make_ct()))])
    image = study.images.get()
    assert image.pixels == Image.Pixels.READY
    return image


def age(media_root, *, minutes: int = 120) -> None:
    """Make every media file look untouched for `minutes`."""
    then = time.time() - minutes * 60
    for root, _dirs, names in os.walk(media_root):
        for name in names:
            os.utime(os.path.join(root, name), (then, then))


def reconcile(*args: str) -> tuple[str, int]:
    """The command's output and exit status."""
    out = io.StringIO()
    try:
        call_command("reconcile_media", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def write(media_root, path: str, data: bytes = b"x") -> str:
    full = media_root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_bytes(data)
    return path


def test_consistent_storage_is_quiet_and_exits_zero(media_root, django_capture_on_commit_callbacks):
    imported(django_capture_on_commit_callbacks)
    age(media_root)

    assert reconcile() == ("", 0)
    assert reconcile("--fix") == ("", 0)


def test_files_of_a_killed_import_are_reported_then_deleted_with_fix(
    media_root, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    # What a commit killed inside its transaction leaves: complete files, no rows, and the
    # temporary file of the write it was in.
    orphans = [
        write(media_root, f"dicom/{image.key}/deadbeef0000/00000.dcm"),
        write(media_root, f"dicom/{image.key}/deadbeef0000/.00001.dcm.k2j3.partial"),
    ]
    age(media_root)

    output, status = reconcile()
    assert status == 1
    assert output == "".join(f"orphan: {path}\n" for path in sorted(orphans))
    assert all((media_root / path).exists() for path in orphans)

    assert reconcile("--fix") == ("".join(f"deleted orphan: {p}\n" for p in sorted(orphans)), 0)
    assert not (media_root / "dicom" / str(image.key) / "deadbeef0000").exists()
    assert image.sources.get().file.storage.exists(image.sources.get().file.name)
    assert reconcile() == ("", 0)


def test_a_file_younger_than_the_grace_period_is_not_touched(
    media_root, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    age(media_root)
    in_progress = write(media_root, f"dicom/{image.key}/cafe00000000/00000.dcm")

    assert reconcile("--fix", "--minutes", "30") == ("", 0)
    assert (media_root / in_progress).exists()


def test_a_missing_source_fails_its_image_with_the_reason(
    media_root, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    source = image.sources.get().file.name
    (media_root / source).unlink()
    age(media_root)

    assert reconcile() == (f"image {image.pk}: missing source: {source}\n", 1)
    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY

    output, status = reconcile("--fix")
    assert status == 0
    assert output.endswith(f"image {image.pk}: failed: {MISSING_SOURCE}\n")
    image.refresh_from_db()
    assert (image.pixels, image.pixels_reason) == (Image.Pixels.FAILED, MISSING_SOURCE)
    assert reconcile() == ("", 0)


def test_a_missing_derivative_of_a_ready_image_is_not_a_fault_and_is_rendered_with_fix(
    media_root, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    thumb = media_root / rendition_path(image, 0, "thumb")
    thumb.unlink()
    age(media_root)

    line = f"image {image.pk}: 1 derivative(s) missing; "
    assert reconcile() == (line + "they are rendered on first request\n", 0)
    assert reconcile("--fix") == (line + "rendered again\n", 0)
    assert thumb.exists()
    assert reconcile() == ("", 0)


def test_a_derivative_older_than_its_sources_is_an_orphan(
    media_root, django_capture_on_commit_callbacks
):
    # Left by a release killed after its commit, before the old derivatives were deleted:
    # rendered from the held pixels, it would show the text the release blanked.
    image = imported(django_capture_on_commit_callbacks)
    age(media_root, minutes=120)
    source = media_root / image.sources.get().file.name
    then = time.time() - 60 * 60
    os.utime(source, (then, then))
    display = rendition_path(image, 0, "display")

    output, status = reconcile("--fix")

    assert status == 0
    assert f"deleted orphan: {display}\n" in output
    assert not (media_root / display).exists()


def test_derivatives_of_an_image_that_no_longer_exists_are_orphans(media_root):
    path = write(media_root, "renditions/0b5e7c1e-0000-4000-8000-000000000000/0/display.webp")
    age(media_root)

    assert reconcile("--fix") == (f"deleted orphan: {path}\n", 0)
    assert not (media_root / "renditions" / "0b5e7c1e-0000-4000-8000-000000000000").exists()


def staged_folder(media_root, name: str, *, minutes: int = 120) -> str:
    """A staging folder holding one raw upload, untouched for `minutes`."""
    folder = media_root / "uploads" / name
    folder.mkdir(parents=True)
    (folder / "0").write_bytes(b"raw upload")
    then = time.time() - minutes * 60
    for path in (folder / "0", folder):
        os.utime(path, (then, then))
    return f"uploads/{name}"


def batch(study, folder: str, state: str, *, minutes: int = 120) -> UploadBatch:
    made = UploadBatch.objects.create(
        study=study, staging=folder, files=[{"name": "a.dcm", "staged": "0"}], state=state
    )
    then = timezone.now() - timedelta(minutes=minutes)
    started = then if state == UploadBatch.State.PROCESSING else None
    UploadBatch.objects.filter(pk=made.pk).update(created_at=then, started_at=started)
    return made


def test_raw_uploads_a_killed_request_left_behind_are_found_then_deleted_with_fix(media_root):
    folder = staged_folder(media_root, "left-by-a-kill")

    assert reconcile() == (f"stale upload folder: {folder}\n", 1)
    assert reconcile("--fix") == (f"deleted stale upload folder: {folder}\n", 0)
    assert not (media_root / folder).exists()
    assert reconcile() == ("", 0)


def test_an_old_batch_still_waiting_for_a_worker_keeps_its_files(media_root):
    folder = staged_folder(media_root, "waiting")
    batch(make_case(images=0).studies.get(), folder, UploadBatch.State.PENDING)

    assert reconcile("--fix") == ("", 0)
    assert (media_root / folder / "0").exists()


def test_a_batch_whose_import_died_is_failed_and_its_raw_files_deleted(media_root):
    folder = staged_folder(media_root, "worker-killed")
    stuck = batch(make_case(images=0).studies.get(), folder, UploadBatch.State.PROCESSING)

    assert reconcile() == (f"upload batch {stuck.pk}: its import was interrupted\n", 1)
    out, status = reconcile("--fix")

    assert status == 0 and f"upload batch {stuck.pk}: failed" in out
    stuck.refresh_from_db()
    assert stuck.state == UploadBatch.State.FAILED
    assert not (media_root / folder).exists()


def test_a_batch_queued_long_ago_that_a_worker_took_just_now_is_left_alone(media_root):
    folder = staged_folder(media_root, "busy")
    busy = batch(make_case(images=0).studies.get(), folder, UploadBatch.State.PROCESSING)
    UploadBatch.objects.filter(pk=busy.pk).update(started_at=timezone.now())

    assert reconcile("--fix") == ("", 0)
    assert (media_root / folder / "0").exists()
