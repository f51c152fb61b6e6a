"""Signing in on the site, and out: throttled as the admin's sign-in is, and answers given
before signing in move to the account."""

import pytest
from django.contrib.auth import get_user_model

from teaching.models import Answer, ReviewCard
from tests.teaching.account_builders import play_anonymously

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery"
URL = "/en/account/login/"


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("reader", password=PASSWORD)


def sign_in(client, password=PASSWORD, *, username="reader", url=URL, address="10.0.0.9"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_sign_in_page_offers_the_password_reset_and_sign_up(client):
    body = client.get(URL).content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert 'href="/en/account/password/reset/"' in body
    assert 'href="/en/account/signup/"' in body


def test_the_right_password_signs_in_and_opens_the_account_page(client, reader):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_signing_in_returns_to_the_page_it_was_asked_from(client, reader):
    response = client.post(
        URL + "?next=/en/quiz/", {"username": "reader", "password": PASSWORD, "next": "/en/quiz/"}
    )
    assert response["Location"] == "/en/quiz/"


def test_a_wrong_password_is_refused_with_a_clear_error(client, reader):
    response = sign_in(client, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_that_need_an_account_send_anonymous_readers_to_the_sites_sign_in(client):
    response = client.get("/en/account/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/login/?next=/en/account/"


def test_the_admin_still_uses_its_own_sign_in(client):
    response = client.get("/en/admin/")
    assert response["Location"].startswith("/en/admin/login/")


def test_anonymous_answers_belong_to_the_account_after_signing_in(client, reader):
    attempt = play_anonymously(client)
    sign_in(client)
    attempt.refresh_from_db()
    assert attempt.user == reader
    answers = Answer.objects.filter(attempt=attempt)
    assert answers.count() == 2
    assert set(answers.values_list("user_id", flat=True)) == {reader.pk}


def test_each_answered_case_gets_a_review_schedule_on_signing_in(client, reader):
    attempt = play_anonymously(client)
    sign_in(client)
    answered = set(Answer.objects.filter(attempt=attempt).values_list("case_id", flat=True))
    assert len(answered) == 2
    assert set(ReviewCard.objects.filter(user=reader).values_list("case_id", flat=True)) == (
        answered
    )


def test_a_failed_sign_in_moves_no_answers(client, reader):
    attempt = play_anonymously(client)
    sign_in(client, "wrong")
    attempt.refresh_from_db()
    assert attempt.user is None
    assert not ReviewCard.objects.exists()


def test_after_five_failures_even_the_right_password_is_refused_with_the_lockout_page(
    client, reader
):
    for _ in range(5):
        sign_in(client, "wrong")
    response = sign_in(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed sign-in attempts" in body
    assert "Wait 15 minutes without trying" in body
    assert "_auth_user_id" not in client.session
    assert client.get("/en/account/").status_code == 302


def test_the_lockout_expires_after_the_cool_off(client, reader, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_the_lockout_message_reads_in_spanish(client, reader):
    for _ in range(5):
        sign_in(client, "wrong", url="/es/account/login/")
    body = sign_in(client, url="/es/account/login/").content.decode()
    assert "Espere 15 minutos sin intentarlo" in body


def test_failures_on_the_site_lock_the_admin_sign_in_too(client):
    get_user_model().objects.create_superuser("teacher", password=PASSWORD)
    for _ in range(5):
        sign_in(client, "wrong", username="teacher")
    response = sign_in(client, username="teacher", url="/en/admin/login/?next=/en/admin/")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_signing_out_takes_a_post_and_says_so(client, reader):
    client.force_login(reader)
    response = client.post("/en/account/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in client.session
    assert "You are signed out." in client.get("/en/").content.decode()


def test_a_plain_visit_to_sign_out_does_not_sign_out(client, reader):
    client.force_login(reader)
    response = client.get("/en/account/logout/")
    assert response.status_code == 405
    assert "Signing out needs the button" in response.content.decode()
    assert client.session["_auth_user_id"] == str(reader.pk)
