"""A question page and an answer cost the same queries however big the quiz and the atlas."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.builders import make_user

from .builders import correct_number, make_glossary, make_quiz_case, quiz_of, started

pytestmark = pytest.mark.django_db


def _queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code in (200, 302), response
    return [q["sql"] for q in captured.captured_queries]


def _quiz(glossary, cases: int, images: int):
    return quiz_of([make_quiz_case(glossary, studies=2, images=images) for _ in range(cases)])


def test_a_question_page_costs_the_same_queries_for_a_small_and_a_large_quiz():
    glossary = make_glossary()
    small, large = _quiz(glossary, 2, 1), _quiz(glossary, 12, 6)
    counts = []
    for quiz in (small, large):
        client = started(quiz, Client())
        counts.append(len(_queries(lambda q=quiz, c=client: c.get(f"/en/quiz/{q.code}/2/"))))
    # The quiz; the session; the reader's attempt; the question with its case, key image,
    # entity, mechanism and quiz; the case's studies; their images; the reader's answer to
    # it (none); the quiz's question count.
    assert counts == [8, 8]


def test_an_answer_costs_the_same_queries_whatever_the_reader_answered_before():
    glossary = make_glossary()
    counts = []
    for size in (2, 12):
        quiz = _quiz(glossary, size, 3)
        client = Client()
        client.force_login(make_user())
        started(quiz, client)
        for n in range(1, size):  # answer all but the last, so history grows
            client.post(f"/en/quiz/{quiz.code}/{n}/", {"choice": "1", "confidence": "certain"})
        last = quiz.questions.get(position=size)
        data = {"choice": correct_number(last), "confidence": "certain"}
        address = f"/en/quiz/{quiz.code}/{size}/"
        counts.append(len(_queries(lambda c=client, a=address, d=data: c.post(a, d))))
    assert counts[0] == counts[1], counts
