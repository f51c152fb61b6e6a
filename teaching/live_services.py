"""Writes for live sessions: moving the projector's place. Every move bumps `version`, which
is what the projector, the presenter view and the phones poll for."""

from django.db import transaction
from django.db.models import F

from .lib.live_stages import ACTIONS, QUESTION, moved, stage_name
from .live_selectors import steps_of
from .models import LiveSession


def live_session_go(*, session: LiveSession, action: str, number: int = 0) -> LiveSession:
    """Move the session's place (next, back, goto, reveal) or blank the screen. The question of
    the step opens when the step reaches its question stage and closes at any other stage."""
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
            position, stage = moved(steps, row.position, row.stage, action, number)
            is_question = stage_name(steps, position, stage) == QUESTION
            changes = {
                "position": position,
                "stage": stage,
                "blank": False,
                "open_question": position if is_question else None,
            }
            if (position, stage, False) == (row.position, row.stage, row.blank):
                # → at the very end (or ← at the start) moves nothing: the windows keep what
                # they show, the projector its page of a long text too.
                return row
        LiveSession.objects.filter(pk=row.pk).update(version=F("version") + 1, **changes)
    row.refresh_from_db()
    return row
