"""Writes to playlists: building one, its steps and their order, copies and the demo's.

Texts (titles, descriptions, slide texts, notes) are written in each of the site's languages:
a service takes them as {"en": ..., "es": ...}, or a bare string for the default language.
A language left empty falls back to the other when read (modeltranslation's fallback).

Positions run 1..n without gaps. Every write that moves steps locks the playlist's row first
(select_for_update), so two submits of the same form run one after the other and the unique
(playlist, position) constraint never sees two steps in one place.
"""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from atlas.lib.i18n import field_for, language_codes
from cases.models import Case

from .models import Playlist, PlaylistItem
from .permissions import is_teacher

STAGES = ("history", "images", "findings", "discussion")
# Renumbering goes through positions far above any real one, so no two steps collide midway.
OFFSET = 10000


# A text in each language, {"en": ..., "es": ...}; a bare string is the default language's.
Texts = Mapping[str, str] | str


class PlaylistError(ValueError):
    """The request cannot be done; the message says why, in the reader's words."""


def _by_language(texts: Texts) -> dict[str, str]:
    given = texts if isinstance(texts, Mapping) else {language_codes()[0]: texts}
    return {lang: str(given[lang] or "") for lang in language_codes() if lang in given}


def _write(row, field: str, texts: Texts, *, strip: bool = False) -> None:
    """Set `field` in each language `texts` gives; a language it does not give is kept."""
    for lang, text in _by_language(texts).items():
        setattr(row, field_for(field, lang), text.strip() if strip else text)


def _columns(field: str, texts: Texts, *, strip: bool = False) -> dict[str, str]:
    """`field`'s column for every language, "" where `texts` gives none: for a new row."""
    given = _by_language(texts)
    return {
        field_for(field, lang): given.get(lang, "").strip() if strip else given.get(lang, "")
        for lang in language_codes()
    }


def _titled(columns: Mapping[str, str]) -> bool:
    """A title in at least one language, among these columns."""
    return any(columns.get(field_for("title", lang), "").strip() for lang in language_codes())


def _copies(row, fields: tuple[str, ...]) -> dict[str, str]:
    """Every language's column of `fields`, as they are on `row`."""
    return {
        field_for(field, lang): getattr(row, field_for(field, lang)) or ""
        for field in fields
        for lang in language_codes()
    }


def may_edit(user, playlist: Playlist) -> bool:
    """The owner and the teachers it is shared with edit a playlist; superusers too."""
    if not is_teacher(user):
        return False
    if user.is_superuser or playlist.owner_id == user.pk:
        return True
    # The editors' list is prefetched on the playlist's page; elsewhere this is one query.
    return any(editor.pk == user.pk for editor in playlist.editors.all())


def may_view(user, playlist: Playlist) -> bool:
    """Unlisted and public playlists are for anyone with the link; private ones, editors'."""
    if playlist.visibility != Playlist.Visibility.PRIVATE:
        return True
    return may_edit(user, playlist)


def _locked(playlist: Playlist) -> Playlist:
    return Playlist.objects.select_for_update().get(pk=playlist.pk)


def _renumber(playlist: Playlist, ordered_ids: list[int]) -> None:
    """Give the steps positions 1..n in the order of `ordered_ids`, in two phases."""
    items = PlaylistItem.objects.filter(playlist=playlist)
    for item_id, position in zip(ordered_ids, range(1, len(ordered_ids) + 1), strict=True):
        items.filter(pk=item_id).update(position=OFFSET + position)
    for item_id, position in zip(ordered_ids, range(1, len(ordered_ids) + 1), strict=True):
        items.filter(pk=item_id).update(position=position)
    playlist.save(update_fields=["updated_at"])


def _ids(playlist: Playlist) -> list[int]:
    return list(playlist.items.order_by("position", "pk").values_list("pk", flat=True))


def clean_stages(stages) -> list[str]:
    """The known stages among `stages`, in their reading order."""
    return [stage for stage in STAGES if stage in set(stages or [])]


@transaction.atomic
def playlist_create(
    *, owner, title: Texts, description: Texts = "", visibility: str = Playlist.Visibility.PRIVATE
) -> Playlist:
    """A new playlist; its title may be in one language only, the other reads it then."""
    texts = {**_columns("title", title, strip=True), **_columns("description", description)}
    if not _titled(texts):
        raise PlaylistError(_("A playlist needs a title."))
    return Playlist.objects.create(owner=owner, visibility=visibility, **texts)


@transaction.atomic
def playlist_update(
    *,
    playlist: Playlist,
    title: Texts,
    description: Texts,
    visibility: str,
    editor_names: list[str],
) -> Playlist:
    """Change the playlist's words and visibility, and share it with these teachers."""
    users = get_user_model().objects.filter(username__in=editor_names)
    found = {user.username: user for user in users}
    unknown = [name for name in editor_names if name not in found]
    if unknown:
        raise PlaylistError(_("No such user: %(names)s") % {"names": ", ".join(unknown)})
    not_teachers = [name for name, user in found.items() if not is_teacher(user)]
    if not_teachers:
        raise PlaylistError(
            _("Not a teacher: %(names)s") % {"names": ", ".join(sorted(not_teachers))}
        )
    playlist = _locked(playlist)
    _write(playlist, "title", title, strip=True)
    _write(playlist, "description", description)
    if not _titled(_copies(playlist, ("title",))):
        raise PlaylistError(_("A playlist needs a title."))
    playlist.visibility = visibility
    playlist.save()
    playlist.editors.set([user for user in found.values() if user.pk != playlist.owner_id])
    return playlist


def _append(playlist: Playlist, **fields) -> PlaylistItem:
    last = playlist.items.aggregate(last=Max("position"))["last"] or 0
    return PlaylistItem.objects.create(playlist=playlist, position=last + 1, **fields)


@transaction.atomic
def playlist_item_add(
    *,
    playlist: Playlist,
    case: Case | None = None,
    title: Texts = "",
    text: Texts = "",
    question: str = PlaylistItem.Ask.DIAGNOSIS,
) -> PlaylistItem:
    """Append a case step, or a title slide when no case is given."""
    if case is None:
        slide = {**_columns("title", title, strip=True), **_columns("text", text)}
        if not _titled(slide):
            raise PlaylistError(_("A title slide needs a title."))
        return _append(_locked(playlist), question=PlaylistItem.Ask.NONE, **slide)
    return _append(_locked(playlist), case=case, question=question, stages=list(STAGES))


@transaction.atomic
def playlist_item_update(
    *, item: PlaylistItem, question: str, stages, notes: Texts, title: Texts = "", text: Texts = ""
) -> PlaylistItem:
    """Change a step's notes, and a slide's words or a case step's question and stages."""
    _locked(item.playlist)
    _write(item, "notes", notes)
    if item.is_slide:
        _write(item, "title", title, strip=True)
        _write(item, "text", text)
        if not _titled(_copies(item, ("title",))):
            raise PlaylistError(_("A title slide needs a title."))
    else:
        item.question, item.stages = question, clean_stages(stages)
    item.save()
    return item


@transaction.atomic
def playlist_item_remove(*, item: PlaylistItem) -> None:
    playlist = _locked(item.playlist)
    PlaylistItem.objects.filter(pk=item.pk).delete()
    _renumber(playlist, _ids(playlist))


@transaction.atomic
def playlist_item_move(*, item: PlaylistItem, by: int) -> None:
    """Move a step up (by=-1) or down (by=1); at either end it stays where it is."""
    playlist = _locked(item.playlist)
    ids = _ids(playlist)
    if item.pk not in ids:
        return
    old = ids.index(item.pk)
    new = min(max(old + by, 0), len(ids) - 1)
    if new == old:
        return
    ids.insert(new, ids.pop(old))
    _renumber(playlist, ids)


@transaction.atomic
def playlist_reorder(*, playlist: Playlist, ordered_ids: list[int]) -> None:
    """Put the steps in this order; it must name each step of the playlist exactly once."""
    playlist = _locked(playlist)
    ids = _ids(playlist)
    if sorted(ordered_ids) != sorted(ids):
        raise PlaylistError(_("The new order must list every step of the playlist once."))
    if ordered_ids != ids:
        _renumber(playlist, ordered_ids)


@transaction.atomic
def playlist_duplicate(*, playlist: Playlist, owner) -> Playlist:
    """A private copy owned by `owner`, with every step in every language; not shared."""
    texts = _copies(playlist, ("title", "description"))
    for lang in language_codes():
        title = field_for("title", lang)
        if texts[title]:
            texts[title] = f"{texts[title][:146]} (2)"
    copy = Playlist.objects.create(owner=owner, visibility=Playlist.Visibility.PRIVATE, **texts)
    PlaylistItem.objects.bulk_create(
        PlaylistItem(
            playlist=copy,
            position=item.position,
            case_id=item.case_id,
            question=item.question,
            stages=item.stages,
            **_copies(item, ("title", "text", "notes")),
        )
        for item in playlist.items.order_by("position")
    )
    return copy


@transaction.atomic
def playlist_delete(*, playlist: Playlist) -> None:
    playlist.delete()


@transaction.atomic
def playlists_load(*, data: dict, owner=None) -> int:
    """Load the demo's playlists (fixtures/README.md describes the format): each text in
    each language, {"en": ..., "es": ...}. Idempotent by English title and owner: a playlist
    already there has its texts and steps replaced."""
    loaded = 0
    default = field_for("title", language_codes()[0])
    for row in data.get("playlists", []):
        title = _columns("title", row["title"], strip=True)
        playlist, _created = Playlist.objects.update_or_create(
            **{default: title.pop(default)},
            owner=owner,
            defaults={
                **title,
                **_columns("description", row.get("description", "")),
                "visibility": row.get("visibility", Playlist.Visibility.PUBLIC),
            },
        )
        playlist.items.all().delete()
        steps = []
        for position, step in enumerate(row.get("steps", []), start=1):
            fields = {
                **_columns("title", step.get("title", ""), strip=True),
                **_columns("text", step.get("text", "")),
                **_columns("notes", step.get("notes", "")),
            }
            if "case" in step:
                case = Case.objects.filter(slug=step["case"]).first()
                if case is None:
                    raise PlaylistError(f"playlist {playlist.title!r}: no case {step['case']!r}")
                fields.update(
                    case=case,
                    question=step.get("question", PlaylistItem.Ask.DIAGNOSIS),
                    stages=clean_stages(step.get("stages", STAGES)),
                )
            else:
                fields["question"] = PlaylistItem.Ask.NONE
            steps.append(PlaylistItem(playlist=playlist, position=position, **fields))
        PlaylistItem.objects.bulk_create(steps)
        loaded += 1
    return loaded
