"""Image media: public derivatives for published cases, everything else behind permission."""

import uuid

import pytest

from cases.dicom.render import FILE_PRESET, PRESETS
from cases.ingest import MemoryUpload, images_ingest
from cases.models import Image
from tests.builders import make_case, make_editor, make_user
from tests.cases.dicom.builders import make_ct, make_us, to_bytes

pytestmark = pytest.mark.django_db


def imported(capture, *, status="published", ds=None) -> Image:
    study = make_case(images=0, status=status).studies.get()
    with capture(execute=True):
        images_ingest(study=study, files=[MemoryUpload("a.dcm", to_bytes(ds or make_ct()))])
    return study.images.get()


def staff_only_get(client, url: str):
    """Get `url` as anonymous, as a resident and as staff with no permission (all not found),
    then as an author whom the admin lets view images."""
    assert client.get(url).status_code == 404
    client.force_login(make_user(username="resident"))
    assert client.get(url).status_code == 404
    client.force_login(make_user(username="bare-staff", staff=True))
    assert client.get(url).status_code == 404
    client.force_login(make_editor())
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_anyone_gets_a_published_ready_derivative_with_safe_headers(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    response = client.get(image.rendition_url("display"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_published_derivative_may_be_cached_but_is_checked_again_before_each_reuse(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    url = image.rendition_url("display")
    first = client.get(url)

    assert first["Cache-Control"] == "public, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, no-cache" and again["ETag"] == first["ETag"]


def test_a_cached_derivative_is_refused_once_its_case_returns_to_draft(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    url = image.rendition_url("display")
    etag = client.get(url)["ETag"]
    image.study.case.status = "draft"
    image.study.case.save()

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_a_preset_and_the_large_size_are_rendered_on_first_request(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)

    for url in (image.rendition_url("large"), image.rendition_url("display", preset="bone")):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[8:12] == b"WEBP"


@pytest.mark.parametrize(
    "variant", ["huge", "display-sepia", "display-"], ids=["size", "preset", "empty-preset"]
)
def test_an_unknown_variant_is_not_found(client, django_capture_on_commit_callbacks, variant):
    image = imported(django_capture_on_commit_callbacks)

    assert client.get(f"/img/{image.key}/0/{variant}.webp").status_code == 404


def test_a_preset_other_modalities_do_not_offer_is_not_found(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks, ds=make_us(BurnedInAnnotation="NO"))

    assert client.get(image.rendition_url("display", preset="bone")).status_code == 404


def test_a_frame_past_the_end_is_not_found(client, django_capture_on_commit_callbacks):
    image = imported(django_capture_on_commit_callbacks)

    assert client.get(image.rendition_url("display", frame=1)).status_code == 404


def test_a_draft_image_is_not_found_for_readers_but_shown_to_staff_privately(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks, status="draft")
    url = image.rendition_url("display")

    response = staff_only_get(client, url)
    assert response["Cache-Control"] == "private, no-store"


def test_a_held_image_of_a_published_case_is_not_found_for_readers(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks, ds=make_us(BurnedInAnnotation="YES"))
    assert image.pixels == Image.Pixels.HELD

    assert client.get(image.rendition_url("display")).status_code == 404


def test_an_unknown_key_is_not_found(client):
    assert client.get(f"/img/{uuid.uuid4()}/0/display.webp").status_code == 404


def test_only_staff_download_the_dicom_and_as_an_attachment(
    client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks)
    url = f"/img/{image.key}/source/0.dcm"

    response = staff_only_get(client, url)
    assert response["Content-Type"] == "application/dicom"
    assert response["Content-Disposition"] == f'attachment; filename="{image.key}-0.dcm"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[128:132] == b"DICM"
    assert client.get(f"/img/{image.key}/source/1.dcm").status_code == 404


def test_media_files_are_not_served_from_the_media_url(client, django_capture_on_commit_callbacks):
    image = imported(django_capture_on_commit_callbacks)
    name = image.sources.get().file.name

    assert client.get(f"/media/{name}").status_code == 404


def test_srcset_lists_only_sizes_the_source_can_fill(django_capture_on_commit_callbacks):
    image = imported(django_capture_on_commit_callbacks, ds=make_ct(rows=600, columns=500))

    assert image.srcset() == (
        f"/img/{image.key}/0/thumb.webp 267w, /img/{image.key}/0/display.webp 500w"
    )
    assert image.preset_names == ["file", "soft-tissue", "bone", "lung", "brain"]


def test_ct_offers_the_hounsfield_presets_after_the_file_window():
    assert Image(modality="CT").preset_names == [FILE_PRESET, *PRESETS]


def test_other_modalities_offer_only_the_file_window(
    admin_client, django_capture_on_commit_callbacks
):
    image = imported(django_capture_on_commit_callbacks, ds=make_us())

    assert image.preset_names == [FILE_PRESET]
    assert admin_client.get(image.rendition_url("display", preset="bone")).status_code == 404
    assert admin_client.get(image.rendition_url("display")).status_code == 200
