import json
from pathlib import Path

import pytest
from django.conf import settings

from teaching.models import Playlist, PlaylistItem
from teaching.playlist_services import (
    PlaylistError,
    playlist_create,
    playlist_duplicate,
    playlist_item_add,
    playlist_item_move,
    playlist_item_remove,
    playlist_item_update,
    playlist_reorder,
    playlist_update,
    playlists_load,
)
from tests.builders import make_case, make_user
from tests.teaching.playlist_builders import make_playlist, positions
from tests.teaching.teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return make_teacher(username="teacher")


def test_steps_are_appended_in_order_and_a_slide_is_a_step(teacher):
    a, b = make_case(), make_case()
    playlist = playlist_create(owner=teacher, title="Monday")
    playlist_item_add(playlist=playlist, case=a)
    playlist_item_add(playlist=playlist, title="Part two", text="Harder ones")
    playlist_item_add(playlist=playlist, case=b)
    assert positions(playlist) == [a.code, "Part two", b.code]
    assert list(playlist.items.values_list("position", flat=True)) == [1, 2, 3]


def test_the_same_case_added_twice_takes_two_distinct_positions(teacher):
    case = make_case()
    playlist = make_playlist(owner=teacher)
    playlist_item_add(playlist=playlist, case=case)
    playlist_item_add(playlist=playlist, case=case)
    assert list(playlist.items.values_list("position", flat=True)) == [1, 2]


def test_a_slide_without_a_title_is_refused_and_nothing_is_stored(teacher):
    playlist = make_playlist(owner=teacher)
    with pytest.raises(PlaylistError):
        playlist_item_add(playlist=playlist, title="  ")
    assert not playlist.items.exists()


def test_moving_a_step_swaps_it_with_its_neighbour_and_stops_at_the_ends(teacher):
    a, b, c = make_case(), make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b, c])
    item_c = playlist.items.get(case=c)
    playlist_item_move(item=item_c, by=-1)
    assert positions(playlist) == [a.code, c.code, b.code]
    playlist_item_move(item=playlist.items.get(case=a), by=-1)
    assert positions(playlist) == [a.code, c.code, b.code]
    playlist_item_move(item=playlist.items.get(case=a), by=1)
    assert positions(playlist) == [c.code, a.code, b.code]


def test_removing_a_step_closes_the_gap(teacher):
    a, b, c = make_case(), make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b, c])
    playlist_item_remove(item=playlist.items.get(case=b))
    assert list(playlist.items.values_list("position", flat=True)) == [1, 2]
    assert positions(playlist) == [a.code, c.code]


def test_reordering_needs_every_step_once(teacher):
    a, b = make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b])
    first, second = playlist.items.order_by("position")
    with pytest.raises(PlaylistError):
        playlist_reorder(playlist=playlist, ordered_ids=[first.pk, first.pk])
    playlist_reorder(playlist=playlist, ordered_ids=[second.pk, first.pk])
    assert positions(playlist) == [b.code, a.code]


def test_step_settings_keep_only_known_stages_in_reading_order(teacher):
    playlist = make_playlist(owner=teacher, cases=[make_case()])
    item = playlist.items.get()
    playlist_item_update(
        item=item, question="mechanism", stages=["discussion", "bogus", "history"], notes="Ask Ana"
    )
    item.refresh_from_db()
    assert (item.question, item.stages, item.notes) == (
        "mechanism",
        ["history", "discussion"],
        "Ask Ana",
    )


def test_sharing_with_a_non_teacher_is_refused_and_changes_nothing(teacher):
    make_user(username="resident2")
    playlist = make_playlist(owner=teacher)
    with pytest.raises(PlaylistError, match="resident2"):
        playlist_update(
            playlist=playlist,
            title="New",
            description="",
            visibility="public",
            editor_names=["resident2"],
        )
    playlist.refresh_from_db()
    assert playlist.title == "Monday conference" and not playlist.editors.exists()


def test_sharing_names_the_unknown_user(teacher):
    playlist = make_playlist(owner=teacher)
    with pytest.raises(PlaylistError, match="nobody"):
        playlist_update(
            playlist=playlist,
            title="x",
            description="",
            visibility="private",
            editor_names=["nobody"],
        )


def test_a_duplicate_is_private_owned_by_the_duplicator_with_the_same_steps(teacher):
    other = make_teacher(username="other")
    a, b = make_case(), make_case()
    original = make_playlist(owner=teacher, cases=[a, b], visibility="public")
    original.editors.add(other)
    playlist_item_update(
        item=original.items.get(case=a), question="where", stages=["images"], notes="n"
    )
    copy = playlist_duplicate(playlist=original, owner=other)
    assert copy.owner == other and copy.visibility == Playlist.Visibility.PRIVATE
    assert not copy.editors.exists()
    assert positions(copy) == [a.code, b.code]
    first = copy.items.get(case=a)
    assert (first.question, first.stages, first.notes) == ("where", ["images"], "n")
    assert original.items.count() == 2


def test_the_demo_playlist_file_loads_the_poster_cases_in_order_and_again_without_doubling():
    data = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / "calcifications" / "playlists.json").read_text()
    )
    slugs = [step["case"] for step in data["playlists"][0]["steps"] if "case" in step]
    assert len(slugs) == 8
    for slug in slugs:
        make_case(slug=slug)
    playlists_load(data=data)
    playlists_load(data=data)
    playlist = Playlist.objects.get()
    assert playlist.visibility == "public" and playlist.owner is None
    cases = [item.case.slug for item in playlist.items.order_by("position") if item.case]
    assert cases == slugs
    assert PlaylistItem.objects.count() == len(data["playlists"][0]["steps"])


def test_a_demo_playlist_naming_a_missing_case_loads_nothing():
    data = {"playlists": [{"title": "T", "steps": [{"case": "no-such-case"}]}]}
    with pytest.raises(PlaylistError):
        playlists_load(data=data)
    assert not Playlist.objects.exists()
