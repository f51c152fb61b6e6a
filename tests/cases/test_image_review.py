"""The burned-in text review: staff blank rectangles on a held image, then release it."""

import numpy as np
import pydicom
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from cases.ingest import MemoryUpload, image_ingest
from cases.models import Image
from tests.builders import make_case
from tests.cases.dicom.builders import make_us, to_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(django_capture_on_commit_callbacks):
    image = Image.objects.get(study__case=make_case())
    # An ultrasound without Burned In Annotation may carry the patient's name in its pixels.
    data = to_bytes(make_us(rows=40, columns=60))
    with django_capture_on_commit_callbacks(execute=True):  # rendering is queued on commit
        results = image_ingest(image=image, files=[MemoryUpload("us.dcm", data)])
    assert results[0].status == "imported"
    image.refresh_from_db()
    assert image.pixels == Image.Pixels.HELD
    return image


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("reviewer", password="pw-for-tests")
    client.force_login(user)
    return client


def url(image: Image) -> str:
    return f"/en/admin/cases/image/{image.pk}/review/"


def rectangle(n: int, x, y, w, h) -> dict:
    return {f"x{n}": x, f"y{n}": y, f"w{n}": w, f"h{n}": h}


def stored_pixels(image: Image) -> np.ndarray:
    source = image.sources.get()
    with default_storage.open(source.file.name, "rb") as handle:
        return pydicom.dcmread(handle).pixel_array


def test_review_page_shows_the_held_image_and_five_rectangle_rows(staff_client, held):
    body = staff_client.get(url(held)).content.decode()
    assert f'src="/img/{held.key}/0/display.webp"' in body
    assert body.count("<tr data-row>") == 5
    assert 'name="w5"' in body


def test_residents_are_sent_to_the_login_page(client, resident, held):
    client.force_login(resident)
    response = client.get(url(held))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_releasing_blanks_the_rectangles_in_the_stored_dicom_and_publishes(
    staff_client, held, django_capture_on_commit_callbacks
):
    before = stored_pixels(held)
    assert before[5:15, 10:30].any()
    with django_capture_on_commit_callbacks(execute=True):  # the render is queued on commit
        response = staff_client.post(url(held), rectangle(1, 10, 5, 20, 10))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.pixels == Image.Pixels.READY
    after = stored_pixels(held)
    assert not after[5:15, 10:30].any()
    assert (after[20:, 40:] == before[20:, 40:]).all()
    assert (
        pydicom.dcmread(default_storage.open(held.sources.get().file.name)).BurnedInAnnotation
        == "NO"
    )


def test_a_rectangle_outside_the_image_is_a_form_error_and_the_image_stays_held(staff_client, held):
    response = staff_client.post(url(held), rectangle(1, 50, 0, 30, 10))
    assert response.status_code == 400
    assert "does not fit inside the 60x40 image" in response.content.decode()
    held.refresh_from_db()
    assert held.pixels == Image.Pixels.HELD


def test_a_rectangle_with_a_missing_number_is_a_form_error(staff_client, held):
    response = staff_client.post(url(held), {"x1": 1, "y1": 1, "w1": 5})
    assert response.status_code == 400
    assert "Rectangle 1 needs all four numbers" in response.content.decode()


def test_an_image_that_is_not_held_cannot_be_released_again(staff_client, held):
    Image.objects.filter(pk=held.pk).update(pixels=Image.Pixels.READY)
    response = staff_client.post(url(held), rectangle(1, 0, 0, 5, 5))
    assert response.status_code == 400
    assert "not held for review" in response.content.decode()
