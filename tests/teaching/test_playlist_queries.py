import pytest
from django.urls import reverse

from teaching.models import PlaylistItem
from tests.builders import make_case
from tests.teaching.playlist_builders import make_playlist
from tests.teaching.teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


def grow(playlist, count: int) -> None:
    start = playlist.items.count()
    for position in range(start + 1, start + count + 1):
        PlaylistItem.objects.create(
            playlist=playlist, position=position, case=make_case(studies=2, images=2)
        )
    PlaylistItem.objects.create(playlist=playlist, position=start + count + 1, title="Slide")


@pytest.mark.parametrize("steps", [2, 6])
def test_the_playlist_page_costs_the_same_queries_whatever_its_length(
    client, django_assert_num_queries, steps
):
    teacher = make_teacher(username="teacher")
    playlist = make_playlist(owner=teacher)
    grow(playlist, steps)
    client.force_login(teacher)
    # session, user; the playlist with its owner; its steps; their cases with diagnosis and
    # mechanism; the cases' studies; the studies' images; the differentials; the editors;
    # the teacher's permissions (user's, group's) for is_teacher.
    with django_assert_num_queries(11):
        response = client.get(reverse("playlists:detail", args=[playlist.code]))
    assert response.status_code == 200
    assert response.content.decode().count('class="step') >= steps
