"""The account page: who is signed in, their answers, and whether teachers see their name."""

import pytest

from teaching.models import Learner
from tests.builders import make_user
from tests.teaching.account_builders import play_as

pytestmark = pytest.mark.django_db

URL = "/en/account/"


def test_the_account_page_needs_a_signed_in_reader(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/login/?next=/en/account/"


def test_the_account_page_names_the_reader_and_counts_their_answers_only(client, resident):
    play_as(resident)
    play_as(make_user())
    client.force_login(resident)
    body = client.get(URL).content.decode()
    assert "Signed in as <strong>resident</strong>." in body
    assert "2 answers recorded." in body
    assert 'href="/en/account/answers.csv"' in body
    assert 'href="/en/quiz/progress/"' in body


def test_the_account_page_is_never_cached(client, resident):
    client.force_login(resident)
    assert "no-store" in client.get(URL)["Cache-Control"]


def test_a_new_reader_is_shown_as_anonymous_and_has_no_learner_row_yet(client, resident):
    client.force_login(resident)
    body = client.get(URL).content.decode()
    assert "Now: teachers see you as anonymous." in body
    assert 'name="shows_name_to_teachers"' in body
    assert " checked" not in body
    assert not Learner.objects.exists()


def test_ticking_the_consent_makes_the_learner_row_and_shows_the_name(client, resident):
    client.force_login(resident)
    response = client.post(URL, {"shows_name_to_teachers": "on"}, follow=True)
    assert Learner.objects.get(user=resident).shows_name_to_teachers is True
    body = response.content.decode()
    assert "Your choice is saved." in body
    assert "Now: teachers see your name." in body


def test_unticking_the_consent_hides_the_name_again(client, resident):
    Learner.objects.create(user=resident, shows_name_to_teachers=True)
    client.force_login(resident)
    client.post(URL, {})
    assert Learner.objects.get(user=resident).shows_name_to_teachers is False
    assert Learner.objects.count() == 1


def test_one_readers_consent_leaves_anothers_alone(client, resident):
    other = make_user()
    Learner.objects.create(user=other, shows_name_to_teachers=False)
    client.force_login(resident)
    client.post(URL, {"shows_name_to_teachers": "on"})
    assert Learner.objects.get(user=other).shows_name_to_teachers is False


def test_the_consent_form_needs_the_csrf_token(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = client.post(URL, {"shows_name_to_teachers": "on"})
    assert response.status_code == 403
    assert not Learner.objects.exists()


def test_the_account_page_reads_a_fixed_number_of_queries(
    client, resident, django_assert_num_queries
):
    for _ in range(3):
        play_as(resident)
    client.force_login(resident)
    # session, user, learner row, count of answers
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200


def test_the_account_page_reads_in_spanish(client, resident):
    client.force_login(resident)
    body = client.get("/es/account/").content.decode()
    assert "Su cuenta" in body
    assert "Descargar mis respuestas (CSV)" in body
