"""Adding images twice from a study's admin page, as an author does."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Image
from tests.builders import make_case
from tests.cases.builders import study_form
from tests.cases.dicom.builders import make_ct, to_bytes

pytestmark = pytest.mark.django_db


def test_a_second_upload_works_before_the_first_images_are_described(
    client, django_capture_on_commit_callbacks
):
    study = make_case(images=0).studies.get()
    client.force_login(get_user_model().objects.create_superuser("boss", "", "pw-for-tests"))
    url = reverse("admin:cases_study_change", args=[study.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, study_form(study, [("one.dcm", to_bytes(make_ct()))]))
    first = list(study.images.all())
    assert len(first) == 1
    assert first[0].alt_text_en == "Image not yet described by the author."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, study_form(study, [("two.dcm", to_bytes(make_ct()))], first))

    assert response.status_code == 302, response.context["errors"]
    assert Image.objects.filter(study=study).count() == 2
