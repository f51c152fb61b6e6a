"""MEDIA_STORAGE=s3: every media road works on a bucket of a real S3-compatible server.

The server is moto's, started by the `s3_server` fixture; the storage is configured from the
same environment variables a production deployment sets (`s3_media`).
"""

import io
import os
from datetime import timedelta

import pydicom
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.ingest import MemoryUpload, images_ingest, rendition_path
from cases.models import Image
from tests.builders import make_case, make_editor
from tests.cases.builders import study_form
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def change_url(study) -> str:
    return reverse("admin:cases_study_change", args=[study.pk])


def files_under(folder) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names]


def imported(capture, *, status: str = "published") -> Image:
    study = make_case(images=0, status=status).studies.get()
    with capture(execute=True):
        images_ingest(study=study, files=[MemoryUpload("ct.dcm", to_bytes(make_ct()))])
    image = study.images.get()
    assert image.pixels == Image.Pixels.READY
    return image


def test_an_admin_upload_leaves_the_deidentified_source_and_derivatives_in_the_bucket_only(
    s3_media, admin_client, study, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(change_url(study), study_form(study, [("ct.dcm", to_bytes(make_ct()))]))
    staging = study.upload_batches.get().staging
    assert s3_media.keys(staging) == [f"{staging}/00000"], "the request stages into the bucket"

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    image = study.images.get()
    assert image.pixels == Image.Pixels.READY
    source = image.sources.get().file.name
    assert s3_media.keys() == sorted(
        [
            source,
            rendition_path(image, 0, "display"),
            rendition_path(image, 0, "thumb"),
        ]
    ), "the staged upload is gone; nothing but the image's own files is left"
    assert source.startswith(f"dicom/{image.key}/")
    stored = pydicom.dcmread(io.BytesIO(s3_media.read(source)))
    assert stored.PatientName != "Test^Patient" and stored.PatientID != "TEST-0001"
    assert s3_media.read(rendition_path(image, 0, "display"))[8:12] == b"WEBP"
    assert files_under(media_root) == [], "nothing is written to the local MEDIA_ROOT"


def test_a_reader_gets_a_published_rendition_streamed_from_the_bucket_and_then_a_304(
    s3_media, client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    response = client.get(image.rendition_url("display"))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[8:12] == b"WEBP"
    assert body == s3_media.read(rendition_path(image, 0, "display"))
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, no-cache"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    again = client.get(image.rendition_url("display"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_published_rendition_costs_the_bucket_one_request_whether_sent_or_not_modified(
    s3_media, client, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    image = imported(django_capture_on_commit_callbacks)
    url = image.rendition_url("display")
    sent = []
    events = default_storage.connection.meta.client.meta.events
    events.register("before-send.s3", lambda request, **kwargs: sent.append(request.method))

    etag = client.get(url)["ETag"]
    client.get(url, HTTP_IF_NONE_MATCH=etag)

    # One GET each: its answer gives the time for the ETag too (no HEAD for exists(), none
    # for get_modified_time()).
    assert sent == ["GET", "GET"]


def test_a_size_nobody_asked_for_is_rendered_into_the_bucket_on_first_request(
    s3_media, client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    response = client.get(image.rendition_url("large"))

    assert response.status_code == 200
    assert rendition_path(image, 0, "large") in s3_media.keys()


def test_an_anonymous_reader_gets_404_for_a_drafts_image_and_for_a_source(
    s3_media, client, django_capture_on_commit_callbacks
):
    draft = imported(django_capture_on_commit_callbacks, status="draft")
    published = imported(django_capture_on_commit_callbacks)

    assert client.get(draft.rendition_url("display")).status_code == 404
    assert client.get(draft.rendition_url("thumb")).status_code == 404
    assert client.get(f"/img/{published.key}/source/0.dcm").status_code == 404


def test_an_author_downloads_the_deidentified_source_from_the_bucket(
    s3_media, client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks, status="draft")
    client.force_login(make_editor())
    response = client.get(f"/img/{image.key}/source/0.dcm")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="{image.key}-0.dcm"'
    body = b"".join(response.streaming_content)
    assert body == s3_media.read(image.sources.get().file.name)
    assert body[128:132] == b"DICM"


def test_a_deleted_image_leaves_no_object_in_the_bucket(
    s3_media, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    kept = imported(django_capture_on_commit_callbacks)
    assert s3_media.keys(f"renditions/{image.key}/")

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()

    assert s3_media.keys(f"dicom/{image.key}/") == []
    assert s3_media.keys(f"renditions/{image.key}/") == []
    assert len(s3_media.keys(f"renditions/{kept.key}/")) == 2, "the other image keeps its own"


def test_a_file_the_task_rejects_leaves_no_object_in_the_bucket(
    s3_media, admin_client, study, django_capture_on_commit_callbacks
):
    damaged = b"\0" * 128 + b"DICM" + b"\xff" * 50
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(study), study_form(study, [("bad.dcm", damaged)]))

    batch = study.upload_batches.get()
    assert batch.files, "the file was staged, since only the task can read it"
    assert [result["status"] for result in batch.results] == ["rejected"]
    assert study.images.count() == 0
    assert s3_media.keys() == []


def test_a_file_the_request_rejects_is_never_written_to_the_bucket(
    s3_media, admin_client, study, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(study), study_form(study, [("notes.dcm", b"not an image at all\n" * 20)])
        )

    assert "not a DICOM file" in response.content.decode()
    assert study.images.count() == 0
    assert s3_media.keys() == []


def test_a_failed_import_leaves_no_object_in_the_bucket(
    s3_media, admin_client, study, monkeypatch, django_capture_on_commit_callbacks
):
    from cases.ingest import batches

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(batches, "ingest_commit", broken)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(study), study_form(study, [("a.dcm", to_bytes(make_ct()))]))

    assert study.upload_batches.get().state == "failed"
    assert s3_media.keys() == []


def later(monkeypatch, hours: int = 2) -> None:
    """Move the clock forward: objects in a bucket cannot be made to look older."""
    then = timezone.now() + timedelta(hours=hours)
    monkeypatch.setattr(timezone, "now", lambda: then)


def test_reconcile_media_finds_and_deletes_orphans_and_stale_uploads_in_the_bucket(
    s3_media, monkeypatch, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    s3_media.put(f"dicom/{image.key}/left-by-a-kill/00000.dcm", b"complete, never committed")
    s3_media.put("uploads/0123abcd/00000", b"raw upload of a killed request")
    later(monkeypatch)

    out = io.StringIO()
    call_command("reconcile_media", "--fix", stdout=out)

    assert out.getvalue().splitlines() == [
        f"deleted orphan: dicom/{image.key}/left-by-a-kill/00000.dcm",
        "deleted stale upload folder: uploads/0123abcd",
    ]
    assert s3_media.keys() == sorted(
        [
            image.sources.get().file.name,
            rendition_path(image, 0, "display"),
            rendition_path(image, 0, "thumb"),
        ]
    )


def test_an_image_whose_render_died_is_failed_from_the_bucket_times(
    s3_media, monkeypatch, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    Image.objects.filter(pk=image.pk).update(pixels=Image.Pixels.PROCESSING)
    later(monkeypatch)

    call_command("recover_images", stdout=io.StringIO(), stderr=io.StringIO())

    image.refresh_from_db()
    assert image.pixels == Image.Pixels.FAILED
