"""Building a curated set in the admin, as a teacher does."""

import pytest
from django.urls import reverse

from teaching.models import CuratedSet
from tests.teaching.teacher_builders import make_diagnoses, make_set, make_set_case, make_teacher

pytestmark = pytest.mark.django_db


def _set_form(title: str, cases: list) -> dict:
    form = {
        "title": title,
        "description": "",
        "entries-TOTAL_FORMS": str(len(cases)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for n, case in enumerate(cases):
        form[f"entries-{n}-position"] = str(n + 1)
        form[f"entries-{n}-case"] = str(case.pk)
    return form


@pytest.fixture
def cases():
    diagnoses = make_diagnoses(3)
    return [make_set_case(diagnosis) for diagnosis in diagnoses]


def test_a_teacher_builds_a_set_of_cases_in_order_and_owns_it(client, cases):
    teacher = make_teacher(username="teacher")
    client.force_login(teacher)
    chosen = [cases[2], cases[0]]
    response = client.post(reverse("admin:teaching_curatedset_add"), _set_form("Week 1", chosen))
    assert response.status_code == 302, response.content.decode()[:2000]
    curated_set = CuratedSet.objects.get(title="Week 1")
    assert curated_set.owner == teacher
    assert [entry.case for entry in curated_set.entries.all()] == chosen


def test_a_teacher_sees_only_their_own_sets(client, cases):
    teacher, other = make_teacher(username="teacher"), make_teacher(username="other")
    mine = make_set(owner=teacher, cases=cases[:1], title="My set")
    theirs = make_set(owner=other, cases=cases[1:], title="Their set")
    client.force_login(teacher)
    page = client.get(reverse("admin:teaching_curatedset_changelist")).content.decode()
    assert "My set" in page and "Their set" not in page
    assert (
        client.get(reverse("admin:teaching_curatedset_change", args=[mine.pk])).status_code == 200
    )
    # The admin answers another teacher's set as if it did not exist.
    response = client.get(reverse("admin:teaching_curatedset_change", args=[theirs.pk]))
    assert response.status_code == 302
    assert (
        client.post(
            reverse("admin:teaching_curatedset_delete", args=[theirs.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert CuratedSet.objects.filter(pk=theirs.pk).exists()


def test_a_superuser_sees_every_teachers_set(client, superuser, cases):
    make_set(owner=make_teacher(username="teacher"), cases=cases[:1], title="A teacher's set")
    client.force_login(superuser)
    page = client.get(reverse("admin:teaching_curatedset_changelist")).content.decode()
    assert "A teacher&#x27;s set" in page


def test_the_case_picker_names_cases_by_neutral_title_and_code_only(client, cases):
    client.force_login(make_teacher(username="teacher"))
    case = cases[0]
    response = client.get(
        reverse("admin:teaching_curatedset_case_choices"),
        {
            "term": case.code,
            "app_label": "teaching",
            "model_name": "curatedsetcase",
            "field_name": "case",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(case.pk), "text": f"{case.code} · {case.title}"}
    ]
    assert case.diagnosis.name not in response.content.decode()


def test_the_change_page_names_a_chosen_case_the_same_way(client, cases):
    teacher = make_teacher(username="teacher")
    curated_set = make_set(owner=teacher, cases=cases[:1])
    client.force_login(teacher)
    page = client.get(reverse("admin:teaching_curatedset_change", args=[curated_set.pk]))
    assert f"{cases[0].code} · {cases[0].title}" in page.content.decode()


def test_someone_outside_the_teachers_group_cannot_open_sets(client, bare_staff):
    client.force_login(bare_staff)
    assert client.get(reverse("admin:teaching_curatedset_changelist")).status_code == 403


def test_the_quizzes_records_are_for_superusers_to_read_only(client, superuser, cases):
    url = reverse("admin:teaching_answer_changelist")
    client.force_login(make_teacher(username="teacher"))
    assert client.get(url).status_code == 403
    client.force_login(superuser)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:teaching_quiz_add")).status_code == 403


def test_a_case_added_without_a_position_goes_to_the_end(client, cases):
    teacher = make_teacher(username="teacher")
    curated_set = make_set(owner=teacher, cases=cases[:2])
    first, second = curated_set.entries.all()
    client.force_login(teacher)
    form = _set_form(curated_set.title, [])
    form.update(
        {
            "entries-TOTAL_FORMS": "3",
            "entries-INITIAL_FORMS": "2",
            "entries-0-id": str(first.pk),
            "entries-0-curated_set": str(curated_set.pk),
            "entries-0-position": "1",
            "entries-0-case": str(first.case_id),
            "entries-1-id": str(second.pk),
            "entries-1-curated_set": str(curated_set.pk),
            "entries-1-position": "2",
            "entries-1-case": str(second.case_id),
            "entries-2-position": "0",
            "entries-2-case": str(cases[2].pk),
        }
    )
    url = reverse("admin:teaching_curatedset_change", args=[curated_set.pk])
    assert client.post(url, form).status_code == 302
    assert [entry.case for entry in curated_set.entries.all()] == cases
