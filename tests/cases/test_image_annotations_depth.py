"""Annotations JSON nested thousands deep is a form error on the image admin page, not a 500."""

import pytest
from django.contrib.auth import get_user_model

from cases.models import Image
from cases.viewer import json_nesting

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


def change_form(image: Image, annotations: str) -> dict:
    return {
        "study": image.study_id,
        "order": image.order,
        "panel": image.panel,
        "plane_en": "",
        "plane_es": "",
        "caption_en": image.caption_en,
        "caption_es": image.caption_es,
        "alt_text_en": image.alt_text_en,
        "alt_text_es": image.alt_text_es,
        "annotations": annotations,
    }


@pytest.fixture
def author(client):
    client.force_login(get_user_model().objects.create_superuser("boss", password=None))
    return client


@pytest.mark.parametrize("language", ["en", "es"])
def test_annotations_nested_too_deeply_are_refused_with_a_message(author, image, language):
    url = f"/{language}/admin/cases/image/{image.pk}/change/"
    response = author.post(url, change_form(image, DEEP))
    assert response.status_code == 200
    assert "annotations" in response.context["adminform"].form.errors
    image.refresh_from_db()
    assert image.annotations == []


def test_the_message_names_the_problem(author, image):
    response = author.post(f"/en/admin/cases/image/{image.pk}/change/", change_form(image, DEEP))
    assert "The annotations are nested too deeply." in response.content.decode()


def test_the_same_form_still_saves_good_annotations(author, image):
    shape = '[{"type": "circle", "frame": null, "x1": 0.5, "y1": 0.5, "x2": 0.6, "y2": 0.5}]'
    response = author.post(f"/en/admin/cases/image/{image.pk}/change/", change_form(image, shape))
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.annotations[0]["type"] == "circle"


@pytest.mark.parametrize("depth", [21, 900, 5000])
def test_every_depth_past_the_limit_is_refused_before_decoding(author, image, depth):
    deep = "[" * depth + "]" * depth
    response = author.post(f"/en/admin/cases/image/{image.pk}/change/", change_form(image, deep))
    assert response.status_code == 200
    assert "The annotations are nested too deeply." in response.content.decode()


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("[]", 1),
        ('[{"type": "label", "text": "[[[{{{"}]', 2),
        ('[{"text": "a \\" [[[ quoted"}, [[]]]', 3),
        ("5", 0),
    ],
)
def test_nesting_is_counted_outside_strings(text, depth):
    assert json_nesting(text) == depth
