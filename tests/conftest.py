import pytest
from django.utils import translation

from tests.builders import make_user


@pytest.fixture
def resident(db):
    return make_user(username="resident")


@pytest.fixture
def editor(db):
    return make_user(username="editor", staff=True)


@pytest.fixture(autouse=True)
def english():
    """Start every test in English; a request to /es/ must not leak into the next test."""
    with translation.override("en"):
        yield
