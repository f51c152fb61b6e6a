"""Annotations in the image admin: the drawing widget's form checks the JSON it writes."""

import pytest
from django.contrib.auth import get_user_model

from cases.forms import ImageAdminForm
from cases.models import Image

pytestmark = pytest.mark.django_db


def form_for(image: Image, annotations: str) -> ImageAdminForm:
    return ImageAdminForm({"annotations": annotations}, instance=image)


def test_drawn_shapes_are_saved_as_image_coordinates(image):
    form = form_for(
        image,
        '[{"type": "arrow", "frame": null, "x1": 0.1, "y1": 0.2, "x2": 0.3, "y2": 0.4},'
        ' {"type": "label", "frame": 2, "x1": 0.5, "y1": 0.5, "text": " Tophus "}]',
    )
    assert form.is_valid(), form.errors
    form.save()
    image.refresh_from_db()
    assert image.annotations[1] == {
        "type": "label",
        "frame": 2,
        "x1": 0.5,
        "y1": 0.5,
        "text": "Tophus",
    }


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        ("[{", "Enter a valid JSON."),
        ('{"type": "arrow"}', "Annotations must be a list of shapes."),
        (
            '[{"type": "star", "x1": 0, "y1": 0}]',
            "Annotation 1: the type must be arrow, circle or label.",
        ),
        (
            '[{"type": "circle", "frame": null, "x1": 0.5, "y1": 0.5, "x2": 1.5, "y2": 0.5}]',
            "Annotation 1: x2 must be between 0 and 1 (the image's edges).",
        ),
        (
            '[{"type": "arrow", "frame": 7, "x1": 0, "y1": 0, "x2": 1, "y2": 1}]',
            "Annotation 1: the image has only 3 frames.",
        ),
        (
            '[{"type": "label", "frame": null, "x1": 0.5, "y1": 0.5, "text": ""}]',
            "Annotation 1: a label needs text.",
        ),
        (
            '[{"type": "arrow", "frame": null, "x1": "0", "y1": 0, "x2": 1, "y2": 1}]',
            "Annotation 1: x1 must be a number from 0 to 1.",
        ),
    ],
)
def test_bad_annotations_are_a_form_error_and_nothing_is_saved(image, annotations, message):
    form = form_for(image, annotations)
    assert not form.is_valid()
    assert message in form.errors["annotations"][0]
    image.refresh_from_db()
    assert image.annotations == []


def test_admin_page_offers_the_drawing_surface_over_the_display_image(client, image):
    client.force_login(get_user_model().objects.create_superuser("boss", password="pw-for-tests"))
    body = client.get(f"/en/admin/cases/image/{image.pk}/change/").content.decode()
    assert f'data-image="/img/{image.key}/0/display.webp"' in body
    assert 'data-width="400" data-height="300" data-frames="3"' in body
    assert '<script src="/static/js/admin-annotate.js" type="module">' in body
