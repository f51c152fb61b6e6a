"""A curated set's results as CSV: the page's figures, its anonymity, and no formulas."""

import csv
import io

import pytest
from django.urls import reverse

from teaching.lib.csv_cells import safe_cell
from tests.teaching.teacher_builders import Example, answer, make_resident, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    return Example()


def _csv(client, example) -> list[list[str]]:
    client.force_login(example.teacher)
    response = client.get(reverse("teaching:set_results_csv", args=[example.curated_set.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{example.curated_set.code}-results.csv" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _tables(rows):
    gap = rows.index([])
    return rows[:gap], rows[gap + 1 :]


def test_the_csv_holds_the_per_question_figures_in_the_sets_order(client, example):
    questions, _residents = _tables(_csv(client, example))
    assert questions[0][:4] == ["Case", "Public code", "Kind of question", "Residents"]
    assert questions[0][4:8] == ["Answers", "Per cent right", "Per cent certain", "Answers chosen"]
    b, a = questions[1:]
    assert b[:7] == [example.case_b.title, example.case_b.code, "Diagnosis", "3", "3", "67", "67"]
    assert a[:7] == [example.case_a.title, example.case_a.code, "Diagnosis", "3", "3", "67", "33"]
    assert a[7] == f"{example.e1.name} 67%; {example.e3.name} 33%"


def test_the_csv_names_only_residents_who_agreed(client, example):
    _questions, residents = _tables(_csv(client, example))
    assert residents == [
        ["Resident", "Answered", "Right", "Per cent right", "Mean confidence (1 to 3)"],
        ["Ana Ruiz", "2", "1", "50", "2.0"],
        ["Anonymous resident 1", "2", "1", "50", "2.5"],
        ["Anonymous resident 2", "1", "1", "100", "3.0"],
        ["Anonymous resident 3", "1", "1", "100", "2.0"],
    ]
    text = str(residents)
    assert "bob" not in text and "carl" not in text


def test_a_name_that_looks_like_a_formula_is_written_as_text(client, example):
    sly = make_resident(username="sly", shows_name=True, first='=HYPERLINK("http://x")')
    attempt = start(example.curated_set.quizzes.first(), sly)
    answer(attempt, example.case_a, example.e1.slug, "certain")
    _questions, residents = _tables(_csv(client, example))
    assert ['\'=HYPERLINK("http://x")', "1", "1", "100", "3.0"] in residents


@pytest.mark.parametrize("start_", ["=", "+", "-", "@"])
def test_every_formula_start_gets_an_apostrophe(start_):
    assert safe_cell(start_ + "1+1") == "'" + start_ + "1+1"


def test_plain_text_and_numbers_are_left_alone():
    assert safe_cell("Ana Ruiz") == "Ana Ruiz"
    assert safe_cell(67) == "67" and safe_cell(-3) == "-3"


def test_the_csv_is_in_the_readers_language(client, example):
    client.force_login(example.teacher)
    url = reverse("teaching:set_results_csv", args=[example.curated_set.code])
    assert url.startswith("/en/")
    response = client.get(url.replace("/en/", "/es/", 1))
    assert "Residente anónimo 1" in response.content.decode("utf-8-sig")
