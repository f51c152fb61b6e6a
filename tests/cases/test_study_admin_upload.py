"""Adding images twice from a study's admin page, as an author does."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Image
from tests.builders import make_case
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def _upload(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _study_form(study, images, uploads) -> dict:
    """The study change form as the browser posts it: the inline rows as they stand."""
    data = {
        "case": study.case_id,
        "order": study.order,
        "modality": study.modality,
        "description_en": "CT",
        "description_es": "TC",
        "images-TOTAL_FORMS": len(images),
        "images-INITIAL_FORMS": len(images),
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "upload_images": uploads,
    }
    for n, image in enumerate(images):
        prefix = f"images-{n}-"
        data.update(
            {
                prefix + "id": image.pk,
                prefix + "study": study.pk,
                prefix + "order": image.order,
                prefix + "panel": image.panel,
                prefix + "caption_en": image.caption_en,
                prefix + "caption_es": image.caption_es or "",
                prefix + "alt_text_en": image.alt_text_en,
                prefix + "alt_text_es": image.alt_text_es or "",
            }
        )
    return data


def test_a_second_upload_works_before_the_first_images_are_described(
    client, django_capture_on_commit_callbacks
):
    study = make_case(images=0).studies.get()
    client.force_login(get_user_model().objects.create_superuser("boss", "", "pw-for-tests"))
    url = reverse("admin:cases_study_change", args=[study.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _study_form(study, [], [_upload("one.dcm", to_bytes(make_ct()))]))
    first = list(study.images.all())
    assert len(first) == 1
    assert first[0].alt_text_en == "Image not yet described by the author."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _study_form(study, first, [_upload("two.dcm", to_bytes(make_ct()))])
        )

    assert response.status_code == 302, response.context["errors"]
    assert Image.objects.filter(study=study).count() == 2
