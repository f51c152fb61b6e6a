"""`image_release`: a held image's burned-in text blanked, then rendered like an import."""

import pydicom
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from cases.ingest import MemoryUpload, image_release, images_ingest, rendition_path
from cases.models import Image
from cases.tasks import render_images
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, make_us, to_bytes

pytestmark = pytest.mark.django_db


def imported(capture, ds) -> Image:
    study = make_case(images=0).studies.get()
    with capture(execute=True):
        images_ingest(study=study, files=[MemoryUpload("a.dcm", to_bytes(ds))])
    return study.images.get()


def held_image(capture) -> Image:
    image = imported(capture, make_us(rows=20, columns=30, BurnedInAnnotation="YES"))
    assert image.pixels == Image.Pixels.HELD
    return image


def stored_dataset(image: Image) -> pydicom.Dataset:
    with default_storage.open(image.sources.get().file.name, "rb") as handle:
        return pydicom.dcmread(handle)


def test_release_blanks_the_rectangles_and_publishes(django_capture_on_commit_callbacks):
    image = held_image(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        image_release(image=image, rectangles=[(0, 0, 10, 5)])

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.READY
    stored = stored_dataset(image)
    assert stored.BurnedInAnnotation == "NO"
    pixels = stored.pixel_array
    assert pixels[:5, :10].max() == 0
    assert pixels[5:, 10:].max() > 0
    assert default_storage.exists(rendition_path(image, 0, "display"))


def test_release_queues_the_render_instead_of_rendering_in_the_request(
    settings, django_capture_on_commit_callbacks
):
    image = held_image(django_capture_on_commit_callbacks)
    # A queue that keeps what it is given and runs nothing, as a worker that has not started.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        released = image_release(image=image, rectangles=[(0, 0, 10, 5)])

    assert released.pixels == Image.Pixels.PROCESSING
    assert not default_storage.exists(rendition_path(image, 0, "display"))
    [queued] = render_images.get_backend().results
    assert (queued.task.name, queued.args) == ("render_images", [[image.pk]])


def test_the_render_is_queued_only_once_the_release_has_committed(
    settings, django_capture_on_commit_callbacks
):
    image = held_image(django_capture_on_commit_callbacks)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image_release(image=image, rectangles=[(0, 0, 10, 5)])

    assert render_images.get_backend().results == []
    assert len(callbacks) == 1  # the enqueue waits for the commit


def test_a_rectangle_outside_the_image_is_refused(django_capture_on_commit_callbacks):
    image = held_image(django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="does not fit"):
        image_release(image=image, rectangles=[(25, 0, 10, 5)])
    image.refresh_from_db()
    assert image.pixels == Image.Pixels.HELD


def test_an_image_that_is_not_held_cannot_be_released(django_capture_on_commit_callbacks):
    image = imported(django_capture_on_commit_callbacks, make_ct())

    with pytest.raises(ValidationError, match="held"):
        image_release(image=image, rectangles=[])
