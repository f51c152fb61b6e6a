"""Answering a question: what is stored, and what is refused with a clear message."""

import pytest
from django.test import Client

from cases.models import Case
from teaching.models import Answer, Attempt, Kind, ReviewCard
from tests.builders import make_user

from .builders import correct_number, make_glossary, make_quiz_case, quiz_of, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary():
    return make_glossary()


@pytest.fixture
def quiz(glossary):
    return quiz_of([make_quiz_case(glossary) for _ in range(3)])


def url(quiz, n=1):
    return f"/en/quiz/{quiz.code}/{n}/"


def test_a_right_answer_is_stored_once_and_explained(quiz):
    client = started(quiz)
    question = quiz.questions.get(position=1)
    response = client.post(url(quiz), {"choice": correct_number(question), "confidence": "certain"})
    assert response.status_code == 302 and response["Location"] == url(quiz)
    page = client.get(url(quiz)).content.decode()
    assert "Right" in page and "The answer: Dermatomyositis." in page
    answer = Answer.objects.get()
    assert answer.correct and answer.choice == "dermatomyositis" and answer.confidence == "certain"


def test_a_double_submit_counts_once_and_the_first_answer_stands(quiz):
    client = started(quiz)
    question = quiz.questions.get(position=1)
    wrong = next(n for n, key, _ in question.choice_labels() if key != question.answer_key)
    client.post(url(quiz), {"choice": wrong, "confidence": "guessing"})
    second = client.post(
        url(quiz), {"choice": correct_number(question), "confidence": "certain"}, follow=True
    )
    assert "your first answer counts" in second.content.decode()
    assert Answer.objects.count() == 1 and not Answer.objects.get().correct


def test_the_database_keeps_one_answer_per_question_whatever_the_code_does(quiz):
    from django.db import IntegrityError, transaction

    started(quiz)
    attempt, question = Attempt.objects.get(), quiz.questions.get(position=1)
    fields = {"attempt": attempt, "question": question, "correct": True, "confidence": "certain"}
    Answer.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(**fields)


@pytest.mark.parametrize("choice", ["99", "0", "-1", "abc", "6"])
def test_a_forged_choice_is_refused_and_nothing_is_stored(quiz, choice):
    client = started(quiz)
    response = client.post(url(quiz), {"choice": choice, "confidence": "certain"})
    assert response.status_code == 400
    assert "answer" in response.content.decode().lower()
    assert not Answer.objects.exists()


def test_an_answer_without_confidence_is_refused(quiz):
    client = started(quiz)
    response = client.post(url(quiz), {"choice": "1"})
    assert response.status_code == 400 and "Say how sure you are." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_huge_typed_answer_is_refused_and_nothing_is_stored(quiz):
    client = started(quiz)
    response = client.post(url(quiz), {"text": "x" * 5000, "confidence": "certain"})
    assert response.status_code == 400
    assert "under 200 characters" in response.content.decode()
    assert not Answer.objects.exists()


def test_nobody_answers_into_another_readers_quiz(quiz):
    started(quiz)
    stranger = Client()
    response = stranger.post(url(quiz), {"choice": "1", "confidence": "certain"})
    assert response.status_code == 403
    assert "not yours" in response.content.decode()
    assert not Answer.objects.exists()
    # Opening the shared address offers the stranger an attempt of their own instead.
    assert stranger.get(f"/en/quiz/{quiz.code}/").status_code == 200


def test_a_finished_quiz_takes_no_more_answers(quiz):
    client = started(quiz, feedback="end")
    client.post(f"/en/quiz/{quiz.code}/finish/")
    response = client.post(url(quiz, 2), {"choice": "1", "confidence": "certain"})
    assert response.status_code == 409
    assert "finished" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("dermatomyositis", True),
        ("DERMATOMIOSITIS", True),  # Spanish, in capitals, without its accent
        ("Dermatomyosits", True),  # one letter missing
        ("juvenile dermatomyositis", True),  # a synonym
        ("DM", True),
        ("scleroderma", False),
        ("dm2", False),  # abbreviations are matched exactly
    ],
)
def test_a_typed_answer_is_matched_against_every_name_in_both_languages(quiz, typed, right):
    client = started(quiz)
    client.post(url(quiz), {"text": typed, "confidence": "fairly-sure"})
    assert Answer.objects.get().correct is right


def test_a_wrong_typed_answer_that_names_another_entity_counts_as_that_choice(quiz):
    client = started(quiz)
    client.post(url(quiz), {"text": "Esclerodermia", "confidence": "fairly-sure"})
    answer = Answer.objects.get()
    assert not answer.correct and answer.choice == "scleroderma"


def test_an_unpublished_case_drops_out_and_keeps_the_history(glossary, quiz):
    user = make_user()
    client = Client()
    client.force_login(user)
    started(quiz, client)
    question = quiz.questions.get(position=1)
    client.post(url(quiz), {"choice": correct_number(question), "confidence": "certain"})
    Case.objects.filter(pk=quiz.questions.get(position=2).case_id).update(status="draft")
    page = client.get(url(quiz, 2))
    assert page.status_code == 200 and "withdrawn" in page.content.decode()
    refused = client.post(url(quiz, 2), {"choice": "1", "confidence": "certain"})
    assert refused.status_code == 409
    # The first case is deleted outright: its answer and its name stay in the history.
    Case.objects.filter(pk=question.case_id).delete()
    answer = Answer.objects.get()
    assert answer.case_id is None and answer.question.answer_name == "Dermatomyositis"
    assert not ReviewCard.objects.exists()  # its schedule went with it
    end = client.get(f"/en/quiz/{quiz.code}/end/", follow=True).content.decode()
    assert "Dermatomyositis" in end


def test_answers_at_the_end_wait_for_the_end(quiz):
    client = started(quiz, feedback="end")
    question = quiz.questions.get(position=1)
    response = client.post(url(quiz), {"choice": correct_number(question), "confidence": "certain"})
    assert response["Location"] == url(quiz, 2)
    assert client.get(url(quiz)).status_code == 302  # no feedback before the end
    for n in (2, 3):
        client.post(url(quiz, n), {"choice": "1", "confidence": "guessing"})
    end = client.get(f"/en/quiz/{quiz.code}/end/")
    body = end.content.decode()
    assert end.status_code == 200 and "Every answer" in body and "Calibration" in body
    assert Attempt.objects.get().is_finished


@pytest.fixture
def where_quiz(glossary):
    return quiz_of([make_quiz_case(glossary)], kinds=[Kind.WHERE])


@pytest.mark.parametrize(
    ("data", "right"),
    [
        ({"nx": "0.52", "ny": "0.5"}, True),
        ({"nx": "0.9", "ny": "0.9"}, False),
        # Without JavaScript: pixels of the 320 px button that shows the 512 px image.
        ({"where.x": "160", "where.y": "165"}, True),
        ({"where.x": "10", "where.y": "10"}, False),
    ],
)
def test_a_tap_is_right_inside_the_authors_region(where_quiz, data, right):
    client = started(where_quiz)
    response = client.post(url(where_quiz), {**data, "confidence": "certain"})
    assert response.status_code == 302
    assert Answer.objects.get().correct is right


@pytest.mark.parametrize(
    "data", [{"nx": "1.5", "ny": "0.5"}, {"where.x": "999", "where.y": "10"}, {"where.x": "a"}, {}]
)
def test_a_tap_outside_the_image_is_refused(where_quiz, data):
    client = started(where_quiz)
    response = client.post(url(where_quiz), {**data, "confidence": "certain"})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_after_the_tap_the_answer_shows_the_lesions_circle_and_the_tap(where_quiz):
    client = started(where_quiz)
    before = client.get(url(where_quiz)).content.decode()
    assert "quiz-where__region" not in before  # nothing drawn before the answer
    client.post(url(where_quiz), {"nx": "0.25", "ny": "0.75", "confidence": "certain"})
    body = client.get(url(where_quiz)).content.decode()
    # The 512 px image drawn at 320 px: the circle at (0.5, 0.5) with radius 0.1 of the width.
    assert '<circle class="quiz-where__region" cx="160.0" cy="160.0" r="32.0"/>' in body
    assert '<circle cx="80.0" cy="240.0" r="5"/>' in body
    assert "Your tap missed the lesion." in body
