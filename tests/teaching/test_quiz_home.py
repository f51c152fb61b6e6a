"""The quiz page: building a quiz from the atlas, and what it refuses."""

import pytest

from teaching.models import Attempt, Quiz
from tests.builders import make_user

from .builders import make_glossary, make_quiz_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    glossary = make_glossary()
    return [make_quiz_case(glossary) for _ in range(6)]


def test_the_quiz_page_offers_the_atlas_filters_in_both_languages(client, cases):
    for lang, word in (("en", "Start the quiz"), ("es", "Empezar el cuestionario")):
        body = client.get(f"/{lang}/quiz/").content.decode()
        assert word in body and 'name="mechanism"' in body and 'name="kinds"' in body
        assert "Dermatomyositis" not in body and "Dermatomiositis" not in body


def test_starting_a_quiz_opens_its_first_question_at_a_short_address(client, cases):
    response = client.post(
        "/en/quiz/new/",
        {"source": "filters", "mechanism": "dystrophic", "count": "5", "kinds": ["diagnosis"]},
    )
    quiz = Quiz.objects.get()
    assert response["Location"] == f"/en/quiz/{quiz.code}/1/"
    assert len(quiz.code) == 9 and quiz.questions.count() == 5
    assert Attempt.objects.get().quiz == quiz


@pytest.mark.parametrize(
    "data",
    [
        {"source": "everything"},
        {"source": "filters", "count": "1000"},
        {"source": "filters", "kinds": ["trivia"]},
        {"source": "filters", "feedback": "never"},
        {"source": "filters", "mechanism": "no such mechanism!"},
        {"source": "set"},
        {"source": "set", "set": "set-nothing"},
        {"source": "filters", "mechanism": "idiopathic-none"},
        {"source": "due"},  # anonymous: nothing is scheduled
    ],
)
def test_a_quiz_that_cannot_be_built_says_why_and_stores_nothing(client, cases, data):
    response = client.post("/en/quiz/new/", data)
    assert response.status_code == 400
    assert 'class="notice notice--error"' in response.content.decode()
    assert not Quiz.objects.exists() and not Attempt.objects.exists()


def test_a_quiz_is_only_built_by_a_post(client, cases):
    assert client.get("/en/quiz/new/").status_code == 405


def test_a_signed_in_reader_with_nothing_due_is_told_so(client, cases):
    client.force_login(make_user())
    response = client.post("/en/quiz/new/", {"source": "due"})
    assert response.status_code == 400
    assert "Nothing is due for review yet." in response.content.decode()
