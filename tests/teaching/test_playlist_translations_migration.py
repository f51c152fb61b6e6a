"""Playlists written before they had two languages keep every text as their English one, and
going back puts the English (or, where there is none, the Spanish) into the single column."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from teaching.models import Playlist, PlaylistItem

BEFORE = ("teaching", "0003_playlists_and_live_sessions")
AFTER = ("teaching", "0004_playlist_translations")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def apps_at(target):
    return migrate([target]).loader.project_state([target], at_end=True).apps


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_playlist_from_before_keeps_its_texts_as_english_and_spanish_falls_back_to_them():
    old = apps_at(BEFORE)
    OldPlaylist = old.get_model("teaching", "Playlist")
    OldItem = old.get_model("teaching", "PlaylistItem")
    playlist = OldPlaylist.objects.create(
        code="pl-old123", title="Friday conference", description="Eight unknowns."
    )
    OldItem.objects.create(
        playlist=playlist, position=1, title="Welcome", text="The rules.", notes="Go slowly."
    )
    OldItem.objects.create(playlist=playlist, position=2, question="none")
    try:
        migrate([AFTER])
    finally:
        migrate(leaf_nodes())

    migrated = Playlist.objects.get(code="pl-old123")
    assert (migrated.title_en, migrated.description_en) == ("Friday conference", "Eight unknowns.")
    assert migrated.title_es is None
    slide, empty = migrated.items.order_by("position")
    assert (slide.title_en, slide.text_en, slide.notes_en) == (
        "Welcome",
        "The rules.",
        "Go slowly.",
    )
    assert (empty.title_en, empty.text_en, empty.notes_en) == ("", "", "")
    with translation.override("es"):
        assert (migrated.title, slide.text, slide.notes) == (
            "Friday conference",
            "The rules.",
            "Go slowly.",
        )


@pytest.mark.django_db(transaction=True)
def test_going_back_keeps_the_english_text_or_else_the_spanish():
    migrate([AFTER])
    new = MigrationExecutor(connection).loader.project_state([AFTER], at_end=True).apps
    NewPlaylist = new.get_model("teaching", "Playlist")
    NewItem = new.get_model("teaching", "PlaylistItem")
    playlist = NewPlaylist.objects.create(
        code="pl-new123", title="?", title_en="Friday", title_es="Viernes", description_es="Ocho."
    )
    NewItem.objects.create(playlist=playlist, position=1, title="?", title_es="Bienvenida")
    try:
        old = apps_at(BEFORE)
        row = old.get_model("teaching", "Playlist").objects.get(code="pl-new123")
        item = old.get_model("teaching", "PlaylistItem").objects.get(playlist=row)
        assert (row.title, row.description, item.title) == ("Friday", "Ocho.", "Bienvenida")
    finally:
        migrate(leaf_nodes())
    # Forward again, the one column's text is the English one: the words are still there.
    assert PlaylistItem.objects.get().title_en == "Bienvenida"
