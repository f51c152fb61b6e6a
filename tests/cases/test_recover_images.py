"""`manage.py recover_images`: no image stays "processing" after its render died."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cases.ingest import MemoryUpload, images_ingest
from cases.models import Image
from cases.recovery import INTERRUPTED
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def study():
    return make_case(images=0).studies.get()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def upload(study, *, enqueue: bool, capture) -> Image:
    """One CT slice imported into `study`; with `enqueue` False the enqueue is lost."""
    files = [MemoryUpload("ct.dcm", to_bytes(make_ct()))]
    with capture(execute=enqueue):
        images_ingest(study=study, files=files)
    return study.images.latest("pk")


def age_files(image: Image, media_root, *, minutes: int) -> None:
    """Make every file the image has look untouched for `minutes`."""
    then = time.time() - minutes * 60
    for folder in ("dicom", "renditions"):
        for root, _dirs, names in os.walk(media_root / folder / str(image.key)):
            for name in names:
                os.utime(os.path.join(root, name), (then, then))


def recover(minutes: int = 30) -> str:
    out = io.StringIO()
    call_command("recover_images", "--minutes", str(minutes), stdout=out)
    return out.getvalue()


def test_image_left_processing_by_a_dead_worker_ends_failed_with_the_reason(
    study, database_queue, media_root, django_capture_on_commit_callbacks
):
    image = upload(study, enqueue=True, capture=django_capture_on_commit_callbacks)
    DBTaskResult.objects.get().claim("worker-that-died")
    age_files(image, media_root, minutes=120)

    output = recover(minutes=30)

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.FAILED
    assert image.pixels_reason == INTERRUPTED
    assert output == f"image {image.pk}: failed: {INTERRUPTED}\n"


def test_image_whose_enqueue_was_lost_is_queued_again_and_rendered_to_ready(
    study, database_queue, media_root, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker tidies database connections between tasks; inside a test's transaction on
    # PostgreSQL that would close the test's own connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    image = upload(study, enqueue=False, capture=django_capture_on_commit_callbacks)
    assert not DBTaskResult.objects.exists()
    age_files(image, media_root, minutes=120)

    output = recover(minutes=30)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert output == f"image {image.pk}: queued for rendering again\n"
    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY
    assert (media_root / "renditions" / str(image.key) / "0" / "display.webp").exists()


def test_render_still_writing_files_is_not_touched(
    study, database_queue, media_root, django_capture_on_commit_callbacks
):
    image = upload(study, enqueue=True, capture=django_capture_on_commit_callbacks)
    DBTaskResult.objects.get().claim("worker-still-alive")

    assert recover(minutes=30) == ""

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.PROCESSING
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


def test_image_waiting_in_the_queue_for_a_worker_is_neither_failed_nor_queued_twice(
    study, database_queue, media_root, django_capture_on_commit_callbacks
):
    image = upload(study, enqueue=True, capture=django_capture_on_commit_callbacks)
    age_files(image, media_root, minutes=120)

    assert recover(minutes=30) == ""

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.PROCESSING
    assert DBTaskResult.objects.count() == 1


def test_ready_image_is_not_touched(study, media_root, django_capture_on_commit_callbacks):
    image = upload(study, enqueue=True, capture=django_capture_on_commit_callbacks)
    assert image.pixels == Image.Pixels.READY
    age_files(image, media_root, minutes=120)

    assert recover(minutes=30) == ""

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY
    assert image.pixels_reason == ""


def test_with_the_immediate_backend_an_interrupted_render_ends_failed_not_retried(
    study, media_root, django_capture_on_commit_callbacks
):
    # The immediate backend renders inside the upload request; if that process died, a
    # retry here would run the same render in the cron job, so the image fails instead.
    image = upload(study, enqueue=False, capture=django_capture_on_commit_callbacks)
    age_files(image, media_root, minutes=120)

    assert recover(minutes=30) == f"image {image.pk}: failed: {INTERRUPTED}\n"

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.FAILED
