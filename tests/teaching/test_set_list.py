"""A teacher's list of curated sets."""

import pytest
from django.urls import reverse

from teaching.teacher_selectors import sets_of
from tests.teaching.teacher_builders import (
    Example,
    answer,
    make_resident,
    make_set,
    make_teacher,
    set_quiz,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    return Example()


def _rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_a_teacher_sees_each_set_with_its_cases_and_residents(client, example):
    client.force_login(example.teacher)
    page = client.get(reverse("teaching:sets")).content.decode()
    rows = _rows(page)
    assert example.curated_set.title in rows
    # Two cases; four readers answered it: Ana, bob, carl and one anonymous player.
    assert '<td class="number">2</td>' in rows and '<td class="number">4</td>' in rows
    assert reverse("teaching:set_results", args=[example.curated_set.code]) in rows
    assert reverse("admin:teaching_curatedset_change", args=[example.curated_set.pk]) in rows
    assert reverse("admin:teaching_curatedset_add") in page


def test_a_reader_who_started_but_answered_nothing_is_not_counted(example):
    start(set_quiz(example.curated_set), make_resident(username="idle"))
    (listed,) = sets_of(example.teacher)
    assert listed.n_residents == 4


def test_a_teacher_sees_only_their_own_sets_and_a_superuser_every_set(client, example, superuser):
    other = make_teacher(username="other")
    make_set(owner=other, cases=[example.case_a], title="Someone else's set")
    client.force_login(example.teacher)
    assert "Someone else&#x27;s set" not in client.get(reverse("teaching:sets")).content.decode()
    client.force_login(superuser)
    page = client.get(reverse("teaching:sets")).content.decode()
    assert "Someone else&#x27;s set" in page and example.curated_set.title in page


def test_a_teacher_without_staff_access_is_told_how_sets_are_built(client, example):
    example.teacher.is_staff = False
    example.teacher.save()
    client.force_login(example.teacher)
    page = client.get(reverse("teaching:sets")).content.decode()
    assert "ask an administrator for staff access" in page
    assert reverse("admin:teaching_curatedset_add") not in page


def test_the_list_costs_the_same_queries_however_many_sets_and_answers(
    client, example, django_assert_num_queries
):
    client.force_login(example.teacher)
    # The session, the user, the user's permissions and their groups', the sets with their
    # owners and counts.
    with django_assert_num_queries(5):
        client.get(reverse("teaching:sets"))
    for n in range(5):
        extra = make_set(owner=example.teacher, cases=[example.case_a], title=f"Set {n}")
        answer(
            start(set_quiz(extra), make_resident(username=f"r{n}")),
            example.case_a,
            example.e1.slug,
            "certain",
        )
    with django_assert_num_queries(5):
        page = client.get(reverse("teaching:sets")).content.decode()
    assert "Set 4" in page
