import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

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


def test_a_playlist_is_written_in_both_languages_and_each_reader_gets_theirs(teacher):
    playlist = playlist_create(
        owner=teacher,
        title={"en": " Monday ", "es": " Lunes "},
        description={"en": "Four unknowns.", "es": "Cuatro casos problema."},
    )
    playlist.refresh_from_db()
    assert playlist.title == "Monday" and playlist.description == "Four unknowns."
    with translation.override("es"):
        assert playlist.title == "Lunes" and playlist.description == "Cuatro casos problema."


def test_a_title_in_one_language_is_enough_and_the_other_reads_it(teacher):
    playlist = playlist_create(owner=teacher, title={"en": "", "es": "Lunes"})
    slide = playlist_item_add(playlist=playlist, title={"en": "", "es": "Descanso"})
    assert (playlist.title, slide.title) == ("Lunes", "Descanso")
    with pytest.raises(PlaylistError):
        playlist_create(owner=teacher, title={"en": " ", "es": ""})
    with pytest.raises(PlaylistError):
        playlist_item_add(playlist=playlist, title={"en": "", "es": "  "})
    assert Playlist.objects.count() == 1 and playlist.items.count() == 1


def test_an_update_changes_the_languages_it_is_given_and_keeps_the_others(teacher):
    playlist = make_playlist(owner=teacher, cases=[make_case()])
    item = playlist.items.get()
    playlist_item_update(
        item=item, question="diagnosis", stages=[], notes={"en": "Ask Ana", "es": "Pregunte a Ana"}
    )
    playlist_item_update(item=item, question="diagnosis", stages=[], notes={"en": "Ask Luis"})
    item.refresh_from_db()
    assert (item.notes_en, item.notes_es) == ("Ask Luis", "Pregunte a Ana")
    playlist_update(
        playlist=playlist,
        title={"en": "Monday", "es": "Lunes"},
        description={"en": "", "es": ""},
        visibility="private",
        editor_names=[],
    )
    with pytest.raises(PlaylistError):
        playlist_update(
            playlist=playlist,
            title={"en": "", "es": ""},
            description={},
            visibility="private",
            editor_names=[],
        )
    playlist.refresh_from_db()
    assert (playlist.title_en, playlist.title_es) == ("Monday", "Lunes")


def test_a_slide_keeps_a_title_while_one_language_has_it(teacher):
    playlist = make_playlist(owner=teacher)
    slide = playlist_item_add(playlist=playlist, title={"en": "Break", "es": "Pausa"})
    playlist_item_update(
        item=slide, question="none", stages=[], notes="", title={"en": ""}, text={"es": "Café"}
    )
    slide.refresh_from_db()
    assert (slide.title_en, slide.title_es, slide.text_es) == ("", "Pausa", "Café")
    with pytest.raises(PlaylistError):
        playlist_item_update(
            item=slide, question="none", stages=[], notes="", title={"en": "", "es": ""}
        )
    slide.refresh_from_db()
    assert slide.title_es == "Pausa"


def test_a_duplicate_copies_every_text_in_both_languages(teacher):
    original = playlist_create(
        owner=teacher, title={"en": "Monday", "es": "Lunes"}, description={"es": "Cuatro."}
    )
    playlist_item_add(
        playlist=original, title={"en": "Break", "es": "Pausa"}, text={"en": "Tea", "es": "Té"}
    )
    playlist_item_add(playlist=original, case=make_case())
    playlist_item_update(
        item=original.items.get(position=2),
        question="diagnosis",
        stages=[],
        notes={"en": "Ask Ana", "es": "Pregunte a Ana"},
    )
    copy = playlist_duplicate(playlist=original, owner=make_teacher(username="other"))
    assert (copy.title_en, copy.title_es, copy.description_es) == (
        "Monday (2)",
        "Lunes (2)",
        "Cuatro.",
    )
    slide, case_step = copy.items.order_by("position")
    assert (slide.title_en, slide.title_es, slide.text_en, slide.text_es) == (
        "Break",
        "Pausa",
        "Tea",
        "Té",
    )
    assert (case_step.notes_en, case_step.notes_es) == ("Ask Ana", "Pregunte a Ana")


def test_a_duplicate_of_a_long_title_stays_within_the_column_and_ends_with_its_number(teacher):
    original = playlist_create(owner=teacher, title={"en": "x" * 150, "es": "Lunes"})
    copy = playlist_duplicate(playlist=original, owner=teacher)
    assert len(copy.title_en) == 150 and copy.title_en.endswith(" (2)")
    assert copy.title_es == "Lunes (2)"


def test_the_demo_playlist_file_gives_every_text_in_english_and_spanish():
    data = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / "calcifications" / "playlists.json").read_text()
    )
    for step in data["playlists"][0]["steps"]:
        if "case" in step:
            make_case(slug=step["case"])
    playlists_load(data=data)
    playlist = Playlist.objects.get()
    assert playlist.title_es.startswith("Calcificaciones de partes blandas")
    assert playlist.description_en and playlist.description_es
    for item in playlist.items.all():
        for field in ("title", "text", "notes"):
            english, spanish = getattr(item, f"{field}_en"), getattr(item, f"{field}_es")
            assert bool(english) == bool(spanish), (item.position, field)
            assert not english or english != spanish, (item.position, field)
    slides = [item for item in playlist.items.all() if item.is_slide]
    assert len(slides) == 2 and all(item.title_es for item in slides)


def test_loading_the_demo_again_updates_a_playlist_from_before_the_translations():
    # A database loaded before the translations has the English title in title_en only.
    data = {
        "playlists": [
            {
                "title": {"en": "Friday", "es": "Viernes"},
                "steps": [{"title": {"en": "Welcome", "es": "Bienvenida"}}],
            }
        ]
    }
    Playlist.objects.create(title_en="Friday", visibility="public")
    playlists_load(data=data)
    playlists_load(data=data)
    playlist = Playlist.objects.get()
    assert playlist.title_es == "Viernes"
    assert [(i.title_en, i.title_es) for i in playlist.items.all()] == [("Welcome", "Bienvenida")]
