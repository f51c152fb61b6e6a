"""Downloading one's own answers as CSV: only one's own, readable, safe to open in a
spreadsheet, in the reader's language."""

import csv
import io

import pytest

from teaching.models import Answer, Attempt, Kind, Question
from teaching.services import Given, answer_submit
from tests.builders import make_user
from tests.teaching.account_builders import answer_all, make_quiz, play_as

pytestmark = pytest.mark.django_db

URL = "/en/account/answers.csv"


def download(client, url=URL) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_download_needs_a_signed_in_reader(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")


def test_the_download_is_an_attachment_never_cached(client, resident):
    client.force_login(resident)
    response = client.get(URL)
    assert response["Content-Disposition"].startswith('attachment; filename="atlas-answers-')
    assert "no-store" in response["Cache-Control"]


def test_each_answer_is_a_row_with_what_was_asked_and_given(client, resident):
    attempt = play_as(resident, quiz=make_quiz(cases=1), confidence="fairly-sure", right=False)
    answer = Answer.objects.get(attempt=attempt)
    question = answer.question
    chosen = next(c for c in question.choices if c["key"] == answer.choice)
    client.force_login(resident)
    header, row = download(client)
    assert header == [
        "Date",
        "Quiz",
        "Question",
        "Kind",
        "Case",
        "Correct answer",
        "Your answer",
        "Correct",
        "Confidence",
        "Seconds",
    ]
    assert row[1:] == [
        question.quiz.code,
        "1",
        "Diagnosis",
        question.case.code,
        question.answer_label["en"],
        chosen["label"]["en"],
        "no",
        "Fairly sure",
        "12",
    ]
    assert row[0].startswith(f"{answer.answered_at.year}-")


def test_a_reader_sees_only_their_own_answers(client, resident):
    mine = play_as(resident)
    theirs = play_as(make_user())
    client.force_login(resident)
    rows = download(client)[1:]
    assert {row[1] for row in rows} == {mine.quiz.code}
    assert theirs.quiz.code not in {row[1] for row in rows}
    assert len(rows) == 2


def test_anonymous_answers_are_not_anyones_download(client, resident):
    answer_all(Attempt.objects.create(quiz=make_quiz(), player="c" * 32))
    assert Answer.objects.count() == 2
    client.force_login(resident)
    assert len(download(client)) == 1  # the header alone


def test_a_typed_answer_that_looks_like_a_formula_is_made_harmless(client, resident):
    quiz = make_quiz(cases=1)
    attempt = Attempt.objects.create(quiz=quiz, user=resident)
    answer_submit(
        attempt=attempt,
        question=quiz.questions.get(),
        given=Given(confidence="guessing", text='=HYPERLINK("http://evil.example","x")'),
    )
    client.force_login(resident)
    row = download(client)[1]
    assert row[6] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_formula_start_gets_an_apostrophe(start):
    from teaching.lib.csv_cells import safe_cell

    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell(f"a{start}1") == f"a{start}1"


def test_a_deleted_case_leaves_the_case_column_empty_and_the_answer_named(client, resident):
    attempt = play_as(resident, quiz=make_quiz(cases=1))
    question = attempt.quiz.questions.get()
    question.case.delete()
    client.force_login(resident)
    row = download(client)[1]
    assert row[4] == ""
    assert row[5] == question.answer_label["en"]


def test_a_where_question_gives_the_point_clicked(client, resident):
    quiz = make_quiz(cases=1)
    question = quiz.questions.get()
    attempt = Attempt.objects.create(quiz=quiz, user=resident)
    Answer.objects.create(
        attempt=attempt,
        question=question,
        user=resident,
        case=question.case,
        choice="outside",
        x=0.25,
        y=0.5,
        correct=False,
        confidence="certain",
    )
    Question.objects.filter(pk=question.pk).update(kind=Kind.WHERE, choices=[])
    client.force_login(resident)
    row = download(client)[1]
    assert row[3] == "Where is it?"
    assert row[6] == "0.250, 0.500"


def test_the_download_reads_in_spanish(client, resident):
    attempt = play_as(resident, quiz=make_quiz(cases=1))
    question = attempt.quiz.questions.get()
    client.force_login(resident)
    header, row = download(client, "/es/account/answers.csv")
    assert header[0] == "Fecha"
    assert row[3] == "Diagnóstico"
    assert row[5] == question.answer_label["es"]
    assert row[7] == "sí"
    assert row[8] == "Seguro"


@pytest.mark.parametrize("quizzes", [1, 10])
def test_the_download_reads_a_fixed_number_of_queries(
    client, resident, quizzes, django_assert_num_queries
):
    for _ in range(quizzes):
        play_as(resident, quiz=make_quiz(cases=3))
    client.force_login(resident)
    # session, user, then one query for the answers with their questions, quizzes and cases
    with django_assert_num_queries(3):
        rows = download(client)
    assert len(rows) == 1 + 3 * quizzes


def test_a_quiz_with_answers_at_the_end_keeps_them_back_until_its_end(client, resident):
    quiz = make_quiz(cases=2)
    attempt = Attempt.objects.create(quiz=quiz, user=resident, feedback="end")
    first = quiz.questions.get(position=1)
    answer_submit(attempt=attempt, question=first, given=Given(confidence="certain", number=1))
    client.force_login(resident)
    _header, row = download(client)
    assert row[5] == row[7] == "after the quiz"
    answer_submit(
        attempt=attempt,
        question=quiz.questions.get(position=2),
        given=Given(confidence="certain", number=1),
    )
    _header, *rows = download(client)
    assert rows[0][5] == first.answer_label["en"] and rows[0][7] in ("yes", "no")
