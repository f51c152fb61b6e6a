"""Reads for live sessions: the session and its steps, the state phones poll, the tally."""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cases.models import Image, Study

from .lib.live_stages import stages_for
from .models import Answer, Kind, LiveSession, PlaylistItem, Question
from .permissions import is_teacher


def session_or_404(code: str) -> LiveSession:
    """The session by its join code, typed in any case (one query)."""
    return get_object_or_404(
        LiveSession.objects.select_related("playlist", "quiz"), code=code.strip().upper()
    )


def may_host(user, session: LiveSession) -> bool:
    """The host, the playlist's owner and editors (if teachers), and superusers (one query at
    most, for the editors)."""
    if not is_teacher(user):
        return False
    if user.is_superuser or user.pk in (session.host_id, session.playlist.owner_id):
        return True
    return session.playlist.editors.filter(pk=user.pk).exists()


def steps_of(session: LiveSession) -> tuple[list[PlaylistItem], dict[int, list[str]]]:
    """The playlist's steps and each one's stages (two queries)."""
    items = list(session.playlist.items.order_by("position"))
    asked = set(session.quiz.questions.values_list("position", flat=True))
    steps = {
        item.position: stages_for(
            is_slide=item.is_slide, asks=item.position in asked, chosen=item.stages
        )
        for item in items
    }
    return items, steps


def step_at(session: LiveSession, position: int) -> PlaylistItem | None:
    """The step with its case's studies and ready images (three queries; one for a slide)."""
    # Ordered as figures_of numbers the images, so a figure number names one image.
    studies = Study.objects.order_by("order", "pk").prefetch_related(
        Prefetch(
            "images",
            queryset=Image.objects.filter(pixels=Image.Pixels.READY).order_by("order", "pk"),
        )
    )
    return (
        session.playlist.items.filter(position=position)
        .select_related("case", "case__diagnosis__parent")
        .prefetch_related(Prefetch("case__studies", queryset=studies), "case__differential")
        .first()
    )


def figures_of(session: LiveSession) -> list[Image]:
    """The ready images of the step shown, in the order its grid numbers them (one query)."""
    cases = PlaylistItem.objects.filter(
        playlist_id=session.playlist_id, position=session.position
    ).values("case_id")
    return list(
        Image.objects.filter(study__case__in=cases, pixels=Image.Pixels.READY)
        .order_by("study__order", "study_id", "order", "pk")
        .only("pk", "frame_count", "modality")
    )


def question_of(session: LiveSession, position: int) -> Question | None:
    return (
        Question.objects.select_related("image", "case")
        .filter(quiz_id=session.quiz_id, position=position)
        .first()
    )


def _answers_here():
    count = (
        Answer.objects.filter(
            question__quiz_id=OuterRef("quiz_id"), question__position=OuterRef("position")
        )
        .order_by()
        .values("question_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def _state_query(code: str):
    return (
        LiveSession.objects.filter(code=code)
        .annotate(answers=_answers_here())
        .only(
            "code",
            "position",
            "stage",
            "page",
            "pages",
            "figure",
            "frame",
            "preset",
            "open_question",
            "blank",
            "version",
            "quiz_id",
        )[:1]
    )


# Every phone in the room asks for the state every two seconds, and building this query with
# the ORM cost several times what the database takes to answer it. So the SQL is compiled
# once per database vendor, with a marker where the code goes, and reused.
_CODE_MARKER = "\x00live-code\x00"


@functools.cache
def _state_sql(vendor: str) -> tuple[str, tuple]:
    return _state_query(_CODE_MARKER).query.sql_with_params()


def state_of(code: str) -> LiveSession | None:
    """The session's place and the number of answers to the step shown, in one query."""
    sql, params = _state_sql(connection.vendor)
    params = tuple(code.strip().upper() if p == _CODE_MARKER else p for p in params)
    return next(iter(LiveSession.objects.raw(sql, params)), None)


@dataclass
class Bar:
    label: str
    count: int
    percent: int
    correct: bool


@dataclass
class Tally:
    total: int
    bars: list[Bar]
    points: list[tuple[float, float, bool]]


def tally(question: Question) -> Tally:
    """How the room answered this session's question: every answer counts, from the first
    (one query). Unlike the quiz's shares there is no minimum of readers: the teacher shows
    it to the room that has just answered, and no one's answer is named."""
    rows = list(question.answers.order_by().values_list("choice", "x", "y", "correct"))
    total = len(rows)
    counts: dict[str, int] = {}
    for choice, _x, _y, _correct in rows:
        counts[choice] = counts.get(choice, 0) + 1
    if question.kind == Kind.WHERE:
        options = [("region", _("On the lesion")), ("outside", _("Elsewhere"))]
        answer_key = "region"
    else:
        options = [(key, label) for _n, key, label in question.choice_labels()]
        answer_key = question.answer_key
    bars = []
    for key, label in options:
        n = counts.pop(key, 0)
        bars.append(Bar(label, n, round(100 * n / total) if total else 0, key == answer_key))
    other = sum(counts.values())
    if other:
        bars.append(Bar(_("Other typed answers"), other, round(100 * other / total), False))
    points = [(x, y, correct) for _c, x, y, correct in rows if x is not None and y is not None]
    return Tally(total, bars, points)


def results_of(session: LiveSession):
    """Every answer of the session with its reader and question, for the CSV (one query)."""
    return (
        Answer.objects.filter(question__quiz_id=session.quiz_id)
        .select_related("question", "attempt", "user", "user__learner")
        .order_by("attempt_id", "question__position")
    )
