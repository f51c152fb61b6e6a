"""Deleting one's account: the password again, then the account and every answer go."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from teaching.models import Answer, Attempt, Learner, ReviewCard
from tests.builders import make_user
from tests.teaching.account_builders import play_anonymously, play_as

pytestmark = pytest.mark.django_db

URL = "/en/account/delete/"
PASSWORD = "pw-for-tests"  # what tests.builders.make_user gives


def kept_by(user) -> dict[str, int]:
    return {
        "attempts": Attempt.objects.filter(user=user).count(),
        "answers": Answer.objects.filter(user=user).count(),
        "cards": ReviewCard.objects.filter(user=user).count(),
        "learner": Learner.objects.filter(user=user).count(),
    }


@pytest.fixture
def history(resident):
    play_as(resident)
    Learner.objects.create(user=resident, shows_name_to_teachers=True)
    assert kept_by(resident) == {"attempts": 1, "answers": 2, "cards": 2, "learner": 1}
    return resident


def test_the_account_page_offers_deletion_behind_the_password(client, resident):
    client.force_login(resident)
    body = client.get("/en/account/").content.decode()
    assert 'action="/en/account/delete/"' in body
    assert 'type="password"' in body


def test_deleting_needs_a_signed_in_reader(client):
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")


def test_the_right_password_deletes_the_account_and_everything_kept_with_it(client, history):
    pk = history.pk
    client.force_login(history)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert not get_user_model().objects.filter(pk=pk).exists()
    assert kept_by(pk) == {"attempts": 0, "answers": 0, "cards": 0, "learner": 0}


def test_after_deletion_the_reader_is_signed_out_and_told_so(client, history):
    client.force_login(history)
    response = client.post(URL, {"password": PASSWORD}, follow=True)
    assert "_auth_user_id" not in client.session
    assert "Your account and all your answers have been deleted." in response.content.decode()
    assert client.get("/en/account/").status_code == 302


def test_another_readers_answers_are_untouched(client, history):
    other = make_user()
    play_as(other)
    client.force_login(history)
    client.post(URL, {"password": PASSWORD})
    assert kept_by(other) == {"attempts": 1, "answers": 2, "cards": 2, "learner": 0}


def test_the_sessions_unclaimed_anonymous_answers_go_too(client, history):
    # Played anonymously at a quiz the account had already taken, so never moved to it.
    quiz = Attempt.objects.get(user=history).quiz
    anonymous = play_anonymously(client, quiz=quiz)
    kept = play_anonymously(Client(), quiz=quiz, player="d" * 32)
    client.force_login(history)
    client.post(URL, {"password": PASSWORD})
    assert not Attempt.objects.filter(pk=anonymous.pk).exists()
    assert Attempt.objects.filter(pk=kept.pk).exists()


def test_a_wrong_password_is_refused_clearly_and_deletes_nothing(client, history):
    client.force_login(history)
    response = client.post(URL, {"password": "not-my-password"})
    assert response.status_code == 400
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=history.pk).exists()
    assert kept_by(history) == {"attempts": 1, "answers": 2, "cards": 2, "learner": 1}
    assert client.session["_auth_user_id"] == str(history.pk)


def test_an_empty_password_is_refused(client, history):
    client.force_login(history)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=history.pk).exists()


def test_a_forged_request_without_the_csrf_token_deletes_nothing(history):
    client = Client(enforce_csrf_checks=True)
    client.force_login(history)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 403
    assert kept_by(history) == {"attempts": 1, "answers": 2, "cards": 2, "learner": 1}


def test_a_visit_shows_the_form_and_deletes_nothing(client, history):
    client.force_login(history)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Delete my account and answers" in response.content.decode()
    assert get_user_model().objects.filter(pk=history.pk).exists()


def test_guessing_the_password_here_is_throttled_like_signing_in(client, history):
    client.force_login(history)
    for _ in range(4):
        assert client.post(URL, {"password": "guess"}).status_code == 400
    response = client.post(URL, {"password": "guess"})
    assert response.status_code == 429
    assert client.post(URL, {"password": PASSWORD}).status_code == 429
    assert get_user_model().objects.filter(pk=history.pk).exists()
