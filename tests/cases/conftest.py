"""Fixtures shared by the cases app's tests."""

import pytest

from cases.models import Image
from tests.builders import make_case


@pytest.fixture
def image(db):
    """A ready three-frame 400x300 image of a published case, with no files behind it."""
    image = Image.objects.get(study__case=make_case())
    image.pixels, image.frame_count, image.width, image.height = "ready", 3, 400, 300
    image.save()
    return image


@pytest.fixture
def study(db):
    """One study of a case, with no image yet."""
    return make_case(images=0).studies.get()


@pytest.fixture
def admin_client(client, superuser):
    """The test client, logged in as a superuser (pytest-django's own hashes a password)."""
    client.force_login(superuser)
    return client
