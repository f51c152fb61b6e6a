"""Writes for live sessions: moving the projector's place. Every move bumps `version`, which
is what the projector, the presenter view and the phones poll for."""

from django.db import transaction
from django.db.models import F

from cases.dicom.render import FILE_PRESET

from .lib.live_stages import ACTIONS, MAX_PAGES, QUESTION, page_shown, paged, stage_name
from .live_selectors import figures_of, steps_of
from .models import LiveSession


def live_session_go(*, session: LiveSession, action: str, number: int = 0) -> LiveSession:
    """Move the session's place (next, back, goto, reveal) or blank the screen. → and ← walk
    the screens of a long text first. The question of the step opens when the step reaches
    its question stage and closes at any other stage."""
    if action not in ACTIONS:
        raise ValueError(action)
    with transaction.atomic():
        row = LiveSession.objects.select_for_update().get(pk=session.pk)
        changes: dict = {}
        if action == "blank":
            changes["blank"] = not row.blank
        else:
            row.playlist = session.playlist
            row.quiz = session.quiz
            _items, steps = steps_of(row)
            here = (row.position, row.stage, page_shown(row.page, row.pages))
            position, stage, page = paged(steps, here, row.pages, action, number)
            is_question = stage_name(steps, position, stage) == QUESTION
            changes = {
                "position": position,
                "stage": stage,
                "page": page,
                "blank": False,
                "open_question": position if is_question else None,
            }
            if (position, stage) != (row.position, row.stage):
                # A new place: one screen until the projector has measured it, and the grid.
                changes.update(pages=1, figure=None, frame=1, preset=FILE_PRESET)
            elif (page, False) == (here[2], row.blank):
                # → at the very end (or ← at the start) moves nothing: the windows keep what
                # they show.
                return row
        LiveSession.objects.filter(pk=row.pk).update(version=F("version") + 1, **changes)
    row.refresh_from_db()
    return row


def live_session_measure(
    *, session: LiveSession, pages: int, version: int
) -> tuple[LiveSession, bool]:
    """Take the projector's count of the screens the text at its place fills, measured at
    `version`; a count measured before the latest change is refused (False), since the place
    may have moved on."""
    if not 1 <= pages <= MAX_PAGES:
        raise ValueError(pages)
    with transaction.atomic():
        row = LiveSession.objects.select_for_update().get(pk=session.pk)
        if row.version != version or row.blank:
            return row, False
        if row.pages == pages and row.page <= pages:
            return row, True
        page = page_shown(row.page, pages)
        LiveSession.objects.filter(pk=row.pk).update(
            version=F("version") + 1, pages=pages, page=page
        )
    row.refresh_from_db()
    return row, True


def live_session_view(*, session: LiveSession, figure: int | None) -> LiveSession:
    """Open the step's image number `figure` large, at its first frame and in its own window;
    None goes back to the grid."""
    with transaction.atomic():
        row = LiveSession.objects.select_for_update().get(pk=session.pk)
        if figure is not None and not 1 <= figure <= len(figures_of(row)):
            raise ValueError(figure)
        if row.figure == figure:
            return row
        LiveSession.objects.filter(pk=row.pk).update(
            version=F("version") + 1, figure=figure, frame=1, preset=FILE_PRESET
        )
    row.refresh_from_db()
    return row


def live_session_turn(*, session: LiveSession, by: int) -> LiveSession:
    """Open the image `by` (1 or -1) after the one the room shows, counted round; from the
    grid, 1 opens the first and -1 the last. Counted from the row, not from what a window
    last saw, so two keys pressed quickly in the presenter view move the room two images."""
    if by not in (1, -1):
        raise ValueError(by)
    with transaction.atomic():
        row = LiveSession.objects.select_for_update().get(pk=session.pk)
        count = len(figures_of(row))
        if not count:
            raise ValueError(by)
        if row.figure is None:
            figure = 1 if by == 1 else count
        else:
            figure = (row.figure - 1 + by) % count + 1
        if row.figure == figure:
            return row  # the step has one image, and it is open
        LiveSession.objects.filter(pk=row.pk).update(
            version=F("version") + 1, figure=figure, frame=1, preset=FILE_PRESET
        )
    row.refresh_from_db()
    return row


def live_session_look(
    *, session: LiveSession, figure: int, frame: int, preset: str
) -> tuple[LiveSession, bool]:
    """The frame and the window of the open image. A look at an image that is no longer the
    open one is refused (False): it was sent as another window opened a different image."""
    with transaction.atomic():
        row = LiveSession.objects.select_for_update().get(pk=session.pk)
        if row.figure is None or row.figure != figure:
            return row, False
        figures = figures_of(row)
        if figure > len(figures):
            return row, False
        image = figures[figure - 1]
        if preset not in image.preset_names:
            raise ValueError(preset)
        frame = min(max(frame, 1), max(image.frame_count, 1))
        if (row.frame, row.preset) == (frame, preset):
            return row, True
        LiveSession.objects.filter(pk=row.pk).update(
            version=F("version") + 1, frame=frame, preset=preset
        )
    row.refresh_from_db()
    return row, True
