"""Feedback after an answer: the answer named and explained, and how others answered once
enough readers have, so that no single reader's answer can be picked out."""

import pytest
from django.test import Client

from .builders import correct_number, make_glossary, make_quiz_case, quiz_of, started

pytestmark = pytest.mark.django_db


def answer(quiz, number, confidence="fairly-sure") -> Client:
    client = started(quiz, Client())
    client.post(f"/en/quiz/{quiz.code}/1/", {"choice": number, "confidence": confidence})
    return client


def test_feedback_names_the_answer_explains_it_and_links_to_the_case_and_glossary():
    case = make_quiz_case(
        make_glossary(), teaching_points_en="Sheets of calcium.\nLook at the fascia."
    )
    quiz = quiz_of([case])
    body = answer(quiz, correct_number(quiz.questions.get())).get(f"/en/quiz/{quiz.code}/1/")
    body = body.content.decode()
    assert "The answer: Dermatomyositis." in body
    assert "<li>Sheets of calcium.</li>" in body and "<li>Look at the fascia.</li>" in body
    assert f'href="/en/cases/{case.code}/?stage=diagnosis"' in body
    assert 'href="/en/glossary/dermatomyositis/"' in body


def test_shares_stay_hidden_until_five_readers_have_answered_then_add_up():
    quiz = quiz_of([make_quiz_case(make_glossary())])
    question = quiz.questions.get()
    right = correct_number(question)
    wrong = 1 if right != 1 else 2
    clients = [answer(quiz, number) for number in (right, right, wrong, right)]
    body = clients[0].get(f"/en/quiz/{quiz.code}/1/").content.decode()
    assert "Shares appear once five readers have answered; 4 have so far." in body
    assert "quiz-shares" not in body
    # The fifth reader takes the quiz from its shared address.
    fifth = answer(quiz, right)
    body = fifth.get(f"/en/quiz/{quiz.code}/1/").content.decode()
    assert "5 readers have answered this question." in body
    assert "80 %" in body and "20 %" in body  # 4 of 5 right, 1 of 5 on one distractor
    assert body.count("0 %</td>") >= 2  # the distractors nobody chose are listed at 0 %
