"""Writes to playlists: building one, its steps and their order, copies and the demo's.

Positions run 1..n without gaps. Every write that moves steps locks the playlist's row first
(select_for_update), so two submits of the same form run one after the other and the unique
(playlist, position) constraint never sees two steps in one place.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.models import Case

from .models import Playlist, PlaylistItem
from .permissions import is_teacher

STAGES = ("history", "images", "findings", "discussion")
# Renumbering goes through positions far above any real one, so no two steps collide midway.
OFFSET = 10000


class PlaylistError(ValueError):
    """The request cannot be done; the message says why, in the reader's words."""


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
    *, owner, title: str, description: str = "", visibility: str = Playlist.Visibility.PRIVATE
) -> Playlist:
    if not title.strip():
        raise PlaylistError(_("A playlist needs a title."))
    return Playlist.objects.create(
        owner=owner, title=title.strip(), description=description, visibility=visibility
    )


@transaction.atomic
def playlist_update(
    *, playlist: Playlist, title: str, description: str, visibility: str, editor_names: list[str]
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
    playlist.title, playlist.description = title.strip(), description
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
    title: str = "",
    text: str = "",
    question: str = PlaylistItem.Ask.DIAGNOSIS,
) -> PlaylistItem:
    """Append a case step, or a title slide when no case is given."""
    if case is None and not title.strip():
        raise PlaylistError(_("A title slide needs a title."))
    playlist = _locked(playlist)
    if case is None:
        return _append(playlist, title=title.strip(), text=text, question=PlaylistItem.Ask.NONE)
    return _append(playlist, case=case, question=question, stages=list(STAGES))


@transaction.atomic
def playlist_item_update(
    *, item: PlaylistItem, question: str, stages, notes: str, title: str = "", text: str = ""
) -> PlaylistItem:
    _locked(item.playlist)
    item.notes = notes
    if item.is_slide:
        if not title.strip():
            raise PlaylistError(_("A title slide needs a title."))
        item.title, item.text = title.strip(), text
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
    """A private copy owned by `owner`, with every step; not shared with anyone."""
    copy = Playlist.objects.create(
        owner=owner,
        title=f"{playlist.title} (2)"[:150],
        description=playlist.description,
        visibility=Playlist.Visibility.PRIVATE,
    )
    PlaylistItem.objects.bulk_create(
        PlaylistItem(
            playlist=copy,
            position=item.position,
            case_id=item.case_id,
            question=item.question,
            stages=item.stages,
            title=item.title,
            text=item.text,
            notes=item.notes,
        )
        for item in playlist.items.order_by("position")
    )
    return copy


@transaction.atomic
def playlist_delete(*, playlist: Playlist) -> None:
    playlist.delete()


@transaction.atomic
def playlists_load(*, data: dict, owner=None) -> int:
    """Load the demo's playlists (fixtures/README.md describes the format); idempotent by
    title and owner: a playlist already there has its steps replaced."""
    loaded = 0
    for row in data.get("playlists", []):
        playlist, _created = Playlist.objects.update_or_create(
            title=row["title"],
            owner=owner,
            defaults={
                "description": row.get("description", ""),
                "visibility": row.get("visibility", Playlist.Visibility.PUBLIC),
            },
        )
        playlist.items.all().delete()
        steps = []
        for position, step in enumerate(row.get("steps", []), start=1):
            fields = {"title": step.get("title", ""), "text": step.get("text", "")}
            if "case" in step:
                case = Case.objects.filter(slug=step["case"]).first()
                if case is None:
                    raise PlaylistError(f"playlist {row['title']!r}: no case {step['case']!r}")
                fields.update(
                    case=case,
                    question=step.get("question", PlaylistItem.Ask.DIAGNOSIS),
                    stages=clean_stages(step.get("stages", STAGES)),
                )
            else:
                fields["question"] = PlaylistItem.Ask.NONE
            steps.append(
                PlaylistItem(
                    playlist=playlist, position=position, notes=step.get("notes", ""), **fields
                )
            )
        PlaylistItem.objects.bulk_create(steps)
        loaded += 1
    return loaded
