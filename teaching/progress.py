"""Reads for the progress page: one reader's answers, aggregated in the database.

Each figure is one grouped query (COUNT with a filter), so the page reads the same number of
queries for five answers as for five thousand, and never loads the answers themselves.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import HttpRequest
from django.utils import timezone

from atlas.lib.i18n import current_language, language_codes
from cases.models import Case

from . import services
from .models import Answer, Confidence, ReviewCard

WEEKS = 26  # the most recent weeks with answers, in the chart over time
ENTITIES = 12  # the entities shown, weakest first
WRONG_CASES = 20
DUE_CASES = 10

PUBLISHED = Q(case__status=Case.Status.PUBLISHED)
RIGHT = Q(correct=True)


@dataclass(frozen=True)
class Score:
    right: int
    total: int

    @property
    def share(self) -> float | None:
        """From 0 to 1; None when there is nothing to score."""
        return self.right / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


@dataclass(frozen=True)
class Group:
    """A score under a name: a week, a mechanism, an entity, a confidence level."""

    label: str
    score: Score
    key: str = ""


@dataclass(frozen=True)
class Totals:
    score: Score
    calibration: list[Group]  # one per confidence level, in the Confidence order
    wrong_cases: int  # cases still published that the reader got wrong at least once
    wrong_elsewhere: int  # wrong answers about cases since unpublished or deleted


@dataclass(frozen=True)
class WrongCase:
    case: Case
    times_wrong: int
    last_answered: datetime


@dataclass(frozen=True)
class Reviews:
    due: list[ReviewCard]  # soonest first, at most DUE_CASES, each with its case
    due_count: int
    next_due: datetime | None  # the first review after now, when nothing is due yet


def answers_of(request: HttpRequest) -> QuerySet[Answer]:
    """The answers that belong to whoever is asking: the user's, or the session's attempts'."""
    if request.user.is_authenticated:
        return Answer.objects.filter(user=request.user)
    return Answer.objects.filter(attempt__in=services.attempts_of(request))


def _count(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


def _name(row: dict, prefix: str) -> str:
    """The row's name in the reader's language, else in the default one."""
    default = language_codes()[0]
    return row[f"{prefix}_{current_language()}"] or row[f"{prefix}_{default}"] or ""


def _names(prefix: str) -> list[str]:
    return [f"{prefix}_{lang}" for lang in language_codes()]


def _group(row: dict, prefix: str, key: str) -> Group:
    return Group(_name(row, prefix), Score(row["right"], row["total"]), row[key])


def answer_totals(answers: QuerySet[Answer]) -> Totals:
    """The overall score, the score at each confidence level, and the mistakes (one query)."""
    wrong = Q(correct=False)
    levels = {}
    for level in Confidence.values:
        levels[f"{level}_total"] = _count(Q(confidence=level))
        levels[f"{level}_right"] = _count(Q(confidence=level) & RIGHT)
    row = answers.aggregate(
        total=_count(),
        right=_count(RIGHT),
        wrong_cases=Count("case", filter=wrong & PUBLISHED, distinct=True),
        wrong_elsewhere=_count(wrong & ~PUBLISHED),
        **levels,
    )
    calibration = [
        Group(label, Score(row[f"{level}_right"] or 0, row[f"{level}_total"] or 0), level)
        for level, label in Confidence.choices
    ]
    return Totals(
        score=Score(row["right"] or 0, row["total"] or 0),
        calibration=calibration,
        wrong_cases=row["wrong_cases"] or 0,
        wrong_elsewhere=row["wrong_elsewhere"] or 0,
    )


def accuracy_by_week(answers: QuerySet[Answer], *, weeks: int = WEEKS) -> list[tuple[date, Score]]:
    """(the Monday that starts the week, the score) for the latest weeks with answers, oldest
    first (one query). Weeks start in the site's time zone, on SQLite and PostgreSQL alike."""
    rows = (
        answers.annotate(week=TruncWeek("answered_at"))
        .values("week")
        .annotate(total=_count(), right=_count(RIGHT))
        .order_by("-week")[:weeks]
    )
    return [(_as_date(row["week"]), Score(row["right"], row["total"])) for row in reversed(rows)]


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def accuracy_by_mechanism(answers: QuerySet[Answer]) -> list[Group]:
    """The score for each mechanism the reader was asked about, in the glossary's order."""
    prefix = "question__mechanism__name"
    rows = (
        answers.filter(question__mechanism__isnull=False)
        .values("question__mechanism__slug", *_names(prefix))
        .annotate(total=_count(), right=_count(RIGHT))
        .order_by("question__mechanism__order", "question__mechanism__slug")
    )
    return [_group(row, prefix, "question__mechanism__slug") for row in rows]


def accuracy_by_entity(answers: QuerySet[Answer], *, limit: int = ENTITIES) -> tuple[list, int]:
    """The entities the reader does worst on, most answered first among equals, and how many
    more entities they were asked about (one query, a row per entity)."""
    prefix = "question__entity__name"
    rows = (
        answers.filter(question__entity__isnull=False)
        .values("question__entity__slug", *_names(prefix))
        .annotate(total=_count(), right=_count(RIGHT))
    )
    groups = [_group(row, prefix, "question__entity__slug") for row in rows]
    groups.sort(key=lambda g: (g.score.share, -g.score.total, g.label.casefold()))
    return groups[:limit], max(0, len(groups) - limit)


def wrong_cases(answers: QuerySet[Answer], *, limit: int = WRONG_CASES) -> list[WrongCase]:
    """The published cases answered wrongly, the latest mistake first (two queries)."""
    rows = list(
        answers.filter(PUBLISHED, correct=False)
        .values("case_id")
        .annotate(times=_count(), last=Max("answered_at"))
        .order_by("-last", "case_id")[:limit]
    )
    cases = Case.objects.select_related("diagnosis").in_bulk([row["case_id"] for row in rows])
    return [
        WrongCase(cases[row["case_id"]], row["times"], row["last"])
        for row in rows
        if row["case_id"] in cases
    ]


def reviews_of(user, *, limit: int = DUE_CASES, now: datetime | None = None) -> Reviews:
    """The user's published cases due for review, how many, and the next one after (two
    queries)."""
    now = now or timezone.now()
    counts = ReviewCard.objects.filter(user=user, case__status=Case.Status.PUBLISHED).aggregate(
        due_count=Count("pk", filter=Q(due__lte=now)), first_later=Min("due", filter=Q(due__gt=now))
    )
    due = list(services.due_cases(user, now=now).select_related("case")[:limit])
    return Reviews(due=due, due_count=counts["due_count"] or 0, next_due=counts["first_later"])
