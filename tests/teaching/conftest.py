import pytest


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Signing up and in hashes passwords; the default hasher would make these tests slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
