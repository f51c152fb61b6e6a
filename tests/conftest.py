import pytest

from tests.builders import make_user


@pytest.fixture
def resident(db):
    return make_user(username="resident")


@pytest.fixture
def editor(db):
    return make_user(username="editor", staff=True)
