"""Fixtures shared by the tests of the study's admin upload."""

import pytest
from django.contrib.auth import get_user_model

from tests.builders import make_case


@pytest.fixture
def study():
    """One study of a case, with no image yet."""
    return make_case(images=0).studies.get()


@pytest.fixture
def admin_client(client):
    """The test client, logged in as a superuser (pytest-django's own hashes a password)."""
    client.force_login(get_user_model().objects.create_superuser("boss", "", "pw-for-tests"))
    return client
