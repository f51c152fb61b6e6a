"""Sign-in throttling: five wrong passwords lock that username from that address."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Each attempt hashes a password; the default hasher would make these tests slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def teacher():
    return get_user_model().objects.create_superuser("teacher", password=PASSWORD)


def sign_in(client, username, password, *, language="en", address="10.0.0.7"):
    return client.post(
        f"/{language}/admin/login/?next=/{language}/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail_five_times(client, username="teacher", **kwargs):
    for _ in range(5):
        sign_in(client, username, "wrong", **kwargs)


def test_four_wrong_passwords_still_let_the_right_one_in(client, teacher):
    for _ in range(4):
        assert sign_in(client, "teacher", "wrong").status_code == 200
    response = sign_in(client, "teacher", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"


def test_after_five_wrong_passwords_the_right_one_is_refused_with_the_lockout_page(client, teacher):
    fail_five_times(client)
    response = sign_in(client, "teacher", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed sign-in attempts" in body
    assert "Wait 15 minutes without trying" in body
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_served_in_spanish_under_es(client, teacher):
    fail_five_times(client, language="es")
    response = sign_in(client, "teacher", PASSWORD, language="es")
    assert response.status_code == 429
    body = response.content.decode()
    assert '<html lang="es"' in body
    assert "Glosario" in body


def test_the_lockout_message_reads_in_spanish(client, teacher):
    fail_five_times(client, language="es")
    body = sign_in(client, "teacher", PASSWORD, language="es").content.decode()
    assert "Espere 15 minutos sin intentarlo" in body


def test_another_user_at_the_same_address_is_not_locked_out(client, teacher):
    get_user_model().objects.create_superuser("editor", password=PASSWORD)
    fail_five_times(client)
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_the_same_user_from_another_address_is_not_locked_out(client, teacher):
    fail_five_times(client, address="10.0.0.7")
    assert sign_in(client, "teacher", PASSWORD, address="10.0.0.8").status_code == 302


def test_an_administrator_deleting_the_access_attempt_unlocks_the_account(client, teacher):
    from axes.models import AccessAttempt

    fail_five_times(client)
    assert sign_in(client, "teacher", PASSWORD).status_code == 429
    admin = get_user_model().objects.create_superuser("head", password=PASSWORD)
    attempt = AccessAttempt.objects.get(username="teacher")
    staff = client.__class__()
    staff.force_login(admin)
    response = staff.post(
        f"/en/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="teacher").exists()
    assert sign_in(client, "teacher", PASSWORD).status_code == 302


def test_axes_reset_username_unlocks_the_account(client, teacher):
    fail_five_times(client)
    call_command("axes_reset_username", "teacher", verbosity=0)
    assert sign_in(client, "teacher", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_earlier_failures(client, teacher):
    for _ in range(4):
        sign_in(client, "teacher", "wrong")
    assert sign_in(client, "teacher", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "teacher", "wrong")
    assert sign_in(client, "teacher", PASSWORD).status_code == 302


def test_test_client_login_works_when_given_a_request(client, teacher):
    # axes needs the request to count failures; force_login() skips authentication altogether.
    assert client.login(request=HttpRequest(), username="teacher", password=PASSWORD)
