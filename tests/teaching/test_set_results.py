"""The results of a curated set: per question and per resident, for its teacher."""

import pytest
from django.urls import reverse

from cases.models import Case
from teaching.models import Learner, Quiz
from teaching.services import quiz_build
from teaching.teacher_selectors import results_of
from tests.teaching.teacher_builders import (
    Example,
    answer,
    make_resident,
    make_set,
    make_set_case,
    set_quiz,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    return Example()


def _page(client, example) -> str:
    client.force_login(example.teacher)
    response = client.get(reverse("teaching:set_results", args=[example.curated_set.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_per_question_figures_follow_the_sets_order(example):
    questions = results_of(example.curated_set).questions
    assert [q.case for q in questions] == [example.case_b, example.case_a]
    b, a = questions
    assert (b.residents, b.percent_right, b.percent_certain) == (3, 67, 67)
    assert (a.residents, a.percent_right, a.percent_certain) == (3, 67, 33)


def test_diagnosis_questions_show_the_share_of_each_answer_chosen(example):
    b, a = results_of(example.curated_set).questions
    assert [(c.label, c.percent, c.is_right) for c in b.choices] == [
        (example.e2.name, 67, True),
        (example.e1.name, 33, False),
    ]
    assert [(c.label, c.percent, c.is_right) for c in a.choices] == [
        (example.e1.name, 67, True),
        (example.e3.name, 33, False),
    ]


def test_per_resident_figures_name_only_those_who_agreed(example):
    residents = results_of(example.curated_set).residents
    assert [
        (r.label, r.answered, r.right, r.percent_right, r.mean_confidence) for r in residents
    ] == [
        ("Ana Ruiz", 2, 1, 50, 2.0),
        ("Anonymous resident 1", 2, 1, 50, 2.5),  # bob, who never chose
        ("Anonymous resident 2", 1, 1, 100, 3.0),  # the anonymous player
        ("Anonymous resident 3", 1, 1, 100, 2.0),  # carl, who declined
    ]


def test_the_page_shows_a_consenting_name_and_numbers_the_others(client, example):
    page = _page(client, example)
    assert "Ana Ruiz" in page
    assert "Anonymous resident 1" in page and "Anonymous resident 3" in page
    assert "bob" not in page and "carl" not in page


def test_the_page_links_each_case_by_its_neutral_title_to_the_revealed_case(client, example):
    page = _page(client, example)
    assert f'href="{example.case_a.revealed_url()}"' in page
    assert example.case_a.title in page
    assert page.index(example.case_b.title) < page.index(example.case_a.title)


def test_anonymous_numbers_stay_put_when_a_new_resident_answers(example):
    before = [r.label for r in results_of(example.curated_set).residents]
    dora = make_resident(username="dora")
    answer(start(set_quiz(example.curated_set), dora), example.case_a, example.e1.slug, "certain")
    after = [r.label for r in results_of(example.curated_set).residents]
    assert after == [*before, "Anonymous resident 4"]


def test_a_resident_who_agrees_later_is_named_and_the_others_renumbered_in_order(example):
    example.bob.first_name = "Bob"
    example.bob.save()
    Learner.objects.create(user=example.bob, shows_name_to_teachers=True)
    labels = [r.label for r in results_of(example.curated_set).residents]
    assert labels == ["Ana Ruiz", "Bob", "Anonymous resident 1", "Anonymous resident 2"]


def test_answers_to_an_ordinary_quiz_never_appear(client, example):
    ordinary = quiz_build(
        cases=[example.case_a, example.case_b], kinds=["diagnosis"], source=Quiz.Source.FILTERS
    )
    mine = start(ordinary, example.ana)
    answer(mine, example.case_a, example.e1.slug, "certain")
    answer(mine, example.case_b, example.e2.slug, "certain")
    eve = make_resident(username="eve", shows_name=True, first="Eve")
    answer(start(ordinary, eve), example.case_a, example.e1.slug, "certain")

    results = results_of(example.curated_set)
    assert [(r.label, r.answered) for r in results.residents][0] == ("Ana Ruiz", 2)
    assert [q.residents for q in results.questions] == [3, 3]
    assert "Eve" not in _page(client, example)


def test_answers_to_withdrawn_cases_still_count(example):
    Case.objects.filter(pk=example.case_a.pk).update(status=Case.Status.DRAFT)
    results = results_of(example.curated_set)
    assert [q.residents for q in results.questions] == [3, 3]
    assert results.answers == 6


def test_a_deleted_case_leaves_its_answers_in_the_residents_figures(client, example):
    example.case_a.delete()
    results = results_of(example.curated_set)
    assert [q.case for q in results.questions] == [example.case_b, None]
    assert results.questions[1].residents == 3
    assert [r.answered for r in results.residents] == [2, 2, 1, 1]
    assert "A case since deleted" in _page(client, example)


def test_a_case_nobody_answered_yet_still_has_its_row(client, example):
    late = make_set_case(example.e4, presentation_en="swollen toe")
    example.curated_set.entries.create(case=late, position=3)
    questions = results_of(example.curated_set).questions
    assert questions[-1].case == late and questions[-1].residents == 0
    assert late.title in _page(client, example)


def test_a_set_nobody_took_says_so(client, example):
    empty = make_set(owner=example.teacher, cases=[example.case_a], title="Empty")
    client.force_login(example.teacher)
    page = client.get(reverse("teaching:set_results", args=[empty.code])).content.decode()
    assert "Nobody has answered this set yet." in page


def _take(example, count: int) -> None:
    quiz = set_quiz(example.curated_set)
    for n in range(count):
        reader = make_resident(username=f"many{n}", shows_name=bool(n % 2))
        attempt = start(quiz, reader)
        answer(attempt, example.case_a, example.e1.slug, "certain")
        answer(attempt, example.case_b, example.e3.slug, "guessing")


def test_the_page_costs_the_same_queries_however_many_answered(
    client, example, django_assert_num_queries
):
    url = reverse("teaching:set_results", args=[example.curated_set.code])
    client.force_login(example.teacher)
    # The session, the user, the user's permissions and their groups' (is it a teacher?), the
    # set with its owner, the answers with their readers, the cases of the set and those
    # answered, the names of the entities chosen.
    with django_assert_num_queries(8):
        client.get(url)
    _take(example, 12)
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert "Anonymous resident 9" in page
