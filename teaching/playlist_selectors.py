"""Reads of playlists: the lists a reader sees, and one playlist with its steps."""

from django.db.models import CharField, Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from atlas.lib.i18n import field_for, language_codes, reading_order
from cases.models import Case, Image, Study
from diagnosis.models import Entity

from .models import Playlist, PlaylistItem
from .permissions import is_teacher


def _in_title_order(playlists: QuerySet[Playlist]) -> QuerySet[Playlist]:
    """By the title the reader sees: theirs, else the first other language that has one."""
    shown = Coalesce(
        *(NullIf(field_for("title", lang), Value("")) for lang in reading_order()),
        Value(""),
        output_field=CharField(),
    )
    return playlists.annotate(shown_title=shown).order_by("shown_title", "pk")


def playlists_public() -> QuerySet[Playlist]:
    return _in_title_order(
        Playlist.objects.filter(visibility=Playlist.Visibility.PUBLIC)
        .select_related("owner")
        .annotate(n_steps=Count("items"))
    )


def playlists_of(user) -> QuerySet[Playlist]:
    """The playlists a teacher owns or that are shared with them."""
    if not is_teacher(user):
        return Playlist.objects.none()
    return _in_title_order(
        Playlist.objects.filter(Q(owner=user) | Q(editors=user))
        .distinct()
        .select_related("owner")
        .annotate(n_steps=Count("items", distinct=True))
    )


def playlists_editable_by(user) -> list[Playlist]:
    """The playlists a teacher may add a case to, for the "Add to playlist" form."""
    if not is_teacher(user):
        return []
    return list(
        _in_title_order(
            Playlist.objects.filter(Q(owner=user) | Q(editors=user))
            .distinct()
            .only("pk", "code", *(field_for("title", lang) for lang in language_codes()))
        )
    )


def playlist_with_steps(code: str) -> Playlist | None:
    """One playlist with its steps, their cases, studies and images, in a fixed number of
    queries whatever the number of steps."""
    images = Image.objects.order_by("order", "pk")
    studies = Study.objects.order_by("order").prefetch_related(Prefetch("images", queryset=images))
    differential = Entity.objects.select_related("mechanism")
    cases = Case.objects.select_related("diagnosis__mechanism").prefetch_related(
        Prefetch("studies", queryset=studies), Prefetch("differential", queryset=differential)
    )
    items = PlaylistItem.objects.order_by("position").prefetch_related(
        Prefetch("case", queryset=cases)
    )
    return (
        Playlist.objects.select_related("owner")
        .prefetch_related(Prefetch("items", queryset=items), "editors")
        .filter(code=code)
        .first()
    )
