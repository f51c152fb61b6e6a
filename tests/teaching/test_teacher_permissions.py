"""Who is a teacher, and who may read which set's results."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from teaching.permissions import is_teacher
from tests.builders import make_user
from tests.teaching.teacher_builders import make_diagnoses, make_set, make_set_case, make_teacher

pytestmark = pytest.mark.django_db


def _pages(curated_set) -> list[str]:
    return [
        reverse("teaching:sets"),
        reverse("teaching:set_results", args=[curated_set.code]),
        reverse("teaching:set_results_csv", args=[curated_set.code]),
    ]


@pytest.fixture
def my_set():
    teacher = make_teacher(username="teacher")
    (diagnosis,) = make_diagnoses(1)
    return make_set(owner=teacher, cases=[make_set_case(diagnosis)])


def test_the_teachers_group_from_the_migration_makes_a_teacher():
    user = make_user(username="new-teacher", staff=True)
    assert not is_teacher(user)
    user.groups.add(Group.objects.get(name="Teachers"))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    assert is_teacher(user)
    assert user.has_perms(
        ["teaching.add_curatedset", "teaching.change_curatedsetcase", "cases.view_case"]
    )
    assert not user.has_perm("cases.change_case")


def test_a_superuser_is_a_teacher(superuser):
    assert is_teacher(superuser)


def test_anonymous_readers_are_sent_to_sign_in(client, my_set):
    for url in _pages(my_set):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_signed_in_reader_who_is_not_a_teacher_gets_a_clear_403(client, resident, my_set):
    client.force_login(resident)
    for url in _pages(my_set):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "These pages are for teachers" in response.content.decode()


def test_staff_without_the_teachers_group_is_refused_too(client, bare_staff, my_set):
    client.force_login(bare_staff)
    assert client.get(reverse("teaching:sets")).status_code == 403


def test_another_teacher_cannot_see_my_sets_results(client, my_set):
    client.force_login(make_teacher(username="other-teacher"))
    for url in _pages(my_set)[1:]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only the teacher who built this set" in response.content.decode()
    assert my_set.title not in client.get(reverse("teaching:sets")).content.decode()


def test_the_owner_and_a_superuser_see_the_results(client, my_set, superuser):
    for user in (my_set.owner, superuser):
        client.force_login(user)
        for url in _pages(my_set):
            assert client.get(url).status_code == 200, (user, url)


def test_a_teacher_who_leaves_the_group_loses_the_results_of_their_own_set(client, my_set):
    my_set.owner.groups.clear()
    client.force_login(my_set.owner)
    assert client.get(_pages(my_set)[1]).status_code == 403


def test_an_unknown_set_is_not_found(client, my_set):
    client.force_login(my_set.owner)
    assert client.get(reverse("teaching:set_results", args=["set-nosuch"])).status_code == 404
    assert client.get(reverse("teaching:set_results_csv", args=["set-nosuch"])).status_code == 404
