"""Reads for the progress page: one reader's answers, aggregated in the database.

Each figure is one grouped query (COUNT with a filter), so the page reads the same number of
queries for five answers as for five thousand, and never loads the answers themselves.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone

from atlas.lib.i18n import current_language, language_codes
from cases.models import Case
from diagnosis.models import Entity, Mechanism

from . import services
from .models import Answer, Confidence, ReviewCard

WEEKS = 26  # half a year of weeks in the chart over time, ending with the latest answer
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
    first_answered: datetime | None
    last_answered: datetime | None


@dataclass(frozen=True)
class Topics:
    mechanisms: list[Group]
    entities: list[Group]  # the weakest first, at most ENTITIES
    more_entities: int  # how many other entities the reader was asked about


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
        first_answered=Min("answered_at"),
        last_answered=Max("answered_at"),
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
        first_answered=row["first_answered"],
        last_answered=row["last_answered"],
    )


def week_starts(first: datetime, last: datetime, *, most: int = WEEKS) -> list[datetime]:
    """The Mondays, at midnight in the site's time zone, of the weeks from `first`'s to
    `last`'s, the latest `most` of them."""
    last_monday = _monday(last)
    start = max(_monday(first), last_monday - timedelta(weeks=most - 1))
    count = (last_monday - start).days // 7 + 1
    return [
        timezone.make_aware(datetime.combine(start + timedelta(weeks=n), time.min))
        for n in range(count)
    ]


def _monday(moment: datetime) -> date:
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def accuracy_by_week(
    answers: QuerySet[Answer], *, first: datetime, last: datetime, weeks: int = WEEKS
) -> list[tuple[date, Score]]:
    """(the Monday that starts the week, the score) for each week from the first answer's to
    the last one's, at most `weeks` of them, oldest first; a week without answers scores 0
    of 0 (one query). Each answer's week is found by comparing it with the Mondays, so the
    database does it alike on SQLite and PostgreSQL, in the site's time zone."""
    mondays = week_starts(first, last, most=weeks)
    week = Choose(
        *[
            When(answered_at__gte=monday, then=Value(n))
            for n, monday in reversed(list(enumerate(mondays)))
        ],
        output_field=IntegerField(),
    )
    rows = (
        answers.filter(answered_at__gte=mondays[0])
        .annotate(week=week)
        .values("week")
        .annotate(total=_count(), right=_count(RIGHT))
        .order_by()
    )
    scores = {row["week"]: Score(row["right"], row["total"]) for row in rows}
    return [
        (timezone.localtime(monday).date(), scores.get(n, Score(0, 0)))
        for n, monday in enumerate(mondays)
    ]


def accuracy_by_topic(answers: QuerySet[Answer], *, limit: int = ENTITIES) -> Topics:
    """The score for each mechanism, in the glossary's order, and for the entities the reader
    does worst on, the most answered first among equals (three queries: the answers grouped
    by entity and mechanism ids, then the names of those entities and of the mechanisms).

    Grouping by ids and reading the few names afterwards spares the database a sort of every
    answer by name, which costs more than the two small reads."""
    rows = list(
        answers.values("question__entity_id", "question__mechanism_id")
        .annotate(total=_count(), right=_count(RIGHT))
        .order_by()
    )
    entity_ids = {row["question__entity_id"] for row in rows} - {None}
    entities = {
        row["pk"]: row
        for row in Entity.objects.filter(pk__in=entity_ids).values("pk", "slug", *_names("name"))
    }
    by_entity: dict[int, list[int]] = {}
    by_mechanism: dict[int, list[int]] = {}
    for row in rows:
        for key, tally in (
            (row["question__entity_id"], by_entity),
            (row["question__mechanism_id"], by_mechanism),
        ):
            if key is not None:
                sums = tally.setdefault(key, [0, 0])
                sums[0] += row["right"]
                sums[1] += row["total"]
    mechanisms = [
        Group(_name(row, "name"), Score(*by_mechanism[row["pk"]]), row["slug"])
        for row in Mechanism.objects.values("pk", "slug", *_names("name"))
        if row["pk"] in by_mechanism
    ]
    groups = [
        Group(_name(entities[pk], "name"), Score(*sums), entities[pk]["slug"])
        for pk, sums in by_entity.items()
        if pk in entities
    ]
    groups.sort(key=lambda g: (g.score.share, -g.score.total, g.label.casefold()))
    return Topics(mechanisms, groups[:limit], max(0, len(groups) - limit))


def wrong_cases(answers: QuerySet[Answer], *, limit: int = WRONG_CASES) -> list[WrongCase]:
    """The published cases answered wrongly, the latest mistake first (two queries). The
    page names them by their neutral title only: a case answered wrongly is often due for
    review too, and its diagnosis beside it would answer the review in advance."""
    rows = list(
        answers.filter(PUBLISHED, correct=False)
        .values("case_id")
        .annotate(times=_count(), last=Max("answered_at"))
        .order_by("-last", "case_id")[:limit]
    )
    cases = Case.objects.in_bulk([row["case_id"] for row in rows])
    return [
        WrongCase(cases[row["case_id"]], row["times"], row["last"])
        for row in rows
        if row["case_id"] in cases
    ]


def reviews_of(user, *, limit: int = DUE_CASES, now: datetime | None = None) -> Reviews:
    """The user's published cases due for review, how many, and when the next one after now
    is due (three queries, each down the index on user and due date)."""
    now = now or timezone.now()
    due = services.due_cases(user, now=now)
    later = ReviewCard.objects.filter(
        user=user, due__gt=now, case__status=Case.Status.PUBLISHED
    ).order_by("due")
    return Reviews(
        due=list(due.select_related("case")[:limit]),
        due_count=due.count(),
        next_due=later.values_list("due", flat=True).first(),
    )
