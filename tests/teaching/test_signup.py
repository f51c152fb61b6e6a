"""Signing up: a username, an optional email, the password twice; the reader is signed in and
keeps what they answered before."""

import pytest
from django.contrib.auth import get_user_model

from teaching.models import Answer, Attempt, ReviewCard
from tests.teaching.account_builders import play_anonymously

pytestmark = pytest.mark.django_db

PASSWORD = "calcified-tendon-42"
URL = "/en/account/signup/"


def sign_up(client, username="newcomer", email="", password=PASSWORD, again=None, **extra):
    data = {"username": username, "email": email, "password1": password}
    data["password2"] = password if again is None else again
    data.update(extra)
    return client.post(URL, data)


def test_the_sign_up_page_asks_for_a_username_an_optional_email_and_the_password_twice(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in body
    assert "Optional. Only used to send you a link" in body


def test_signing_up_creates_the_account_signs_in_and_opens_the_account_page(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    user = get_user_model().objects.get(username="newcomer")
    assert user.email == ""
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get("/en/account/").content.decode()
    assert "Welcome, newcomer: your account is ready." in page


def test_an_email_given_at_sign_up_is_kept(client):
    sign_up(client, email="resident@hospital.example")
    assert get_user_model().objects.get(username="newcomer").email == "resident@hospital.example"


def test_two_different_passwords_are_refused_and_no_account_is_made(client):
    response = sign_up(client, again="something-else-42")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert "_auth_user_id" not in client.session


def test_a_taken_username_is_refused(client, resident):
    response = sign_up(client, username="resident")
    assert "A user with that username already exists." in response.content.decode()
    assert get_user_model().objects.filter(username="resident").count() == 1


def test_a_weak_password_is_refused(client):
    response = sign_up(client, password="12345678")
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_anonymous_answers_belong_to_the_new_account(client):
    attempt = play_anonymously(client)
    sign_up(client)
    user = get_user_model().objects.get(username="newcomer")
    attempt.refresh_from_db()
    assert attempt.user == user
    answers = Answer.objects.filter(attempt=attempt)
    assert answers.count() == 2
    assert set(answers.values_list("user_id", flat=True)) == {user.pk}


def test_each_answered_case_gets_a_review_schedule_on_sign_up(client):
    attempt = play_anonymously(client)
    assert not ReviewCard.objects.exists()
    sign_up(client)
    user = get_user_model().objects.get(username="newcomer")
    answered = set(Answer.objects.filter(attempt=attempt).values_list("case_id", flat=True))
    cards = ReviewCard.objects.filter(user=user)
    assert set(cards.values_list("case_id", flat=True)) == answered
    assert all(card.reviews == 1 for card in cards)


def test_another_sessions_anonymous_answers_stay_where_they_are(client):
    other = client.__class__()
    theirs = play_anonymously(other, player="b" * 32)
    sign_up(client)
    theirs.refresh_from_db()
    assert theirs.user is None
    assert not Attempt.objects.filter(user__username="newcomer").exists()


def test_sign_up_returns_to_the_page_it_was_asked_from(client):
    response = sign_up(client, next="/en/quiz/")
    assert response["Location"] == "/en/quiz/"


def test_a_next_address_on_another_site_is_ignored(client):
    response = sign_up(client, next="https://evil.example/")
    assert response["Location"] == "/en/account/"


def test_a_signed_in_reader_visiting_sign_up_goes_to_their_account(client, resident):
    client.force_login(resident)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"


def test_the_sign_up_page_reads_in_spanish(client):
    body = client.get("/es/account/signup/").content.decode()
    assert '<html lang="es"' in body
    assert "Crear mi cuenta" in body
