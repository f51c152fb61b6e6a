"""The end screen: score, time, calibration and the mistakes to review."""

import pytest

from teaching.models import Answer

from .builders import correct_number, make_glossary, make_quiz_case, quiz_of, started

pytestmark = pytest.mark.django_db


def cases(n: int):
    glossary = make_glossary()
    return [make_quiz_case(glossary) for _ in range(n)]


def test_the_end_screen_scores_calibrates_and_lists_the_mistakes():
    quiz = quiz_of(cases(3))
    client = started(quiz)
    plan = [(1, True, "certain"), (2, False, "certain"), (3, True, "guessing")]
    for position, right, confidence in plan:
        question = quiz.questions.get(position=position)
        number = correct_number(question)
        number = number if right else (1 if number != 1 else 2)
        client.post(
            f"/en/quiz/{quiz.code}/{position}/", {"choice": number, "confidence": confidence}
        )
    Answer.objects.update(seconds=50)
    body = client.get(f"/en/quiz/{quiz.code}/end/").content.decode()
    assert "2 of 3" in body and "(67 %)" in body
    assert "2 min 30 s" in body
    # "Certain" was right once in two; "guessing" once in one; "fairly sure" never said.
    assert '<th scope="row">Certain</th><td>2</td><td>1 (50 %)</td>' in body
    assert '<th scope="row">Guessing</th><td>1</td><td>1 (100 %)</td>' in body
    mistakes = body.split('<ul class="quiz-mistakes">')[1].split("</ul>")[0]
    assert mistakes.count('href="/en/quiz/') == 1 and "Question 2" in mistakes


def test_the_end_screen_before_the_last_answer_sends_the_reader_back_to_it():
    quiz = quiz_of(cases(2))
    client = started(quiz)
    response = client.get(f"/en/quiz/{quiz.code}/end/")
    assert response.status_code == 302 and response["Location"] == f"/en/quiz/{quiz.code}/1/"


def test_a_shared_address_resumes_the_readers_own_attempt():
    quiz = quiz_of(cases(2))
    client = started(quiz)
    client.post(f"/en/quiz/{quiz.code}/1/", {"choice": "1", "confidence": "certain"})
    assert client.get(f"/en/quiz/{quiz.code}/")["Location"] == f"/en/quiz/{quiz.code}/2/"
