"""Reads for the teachers' pages: a teacher's sets, and one set's results.

Each read is a fixed number of queries, whatever the number of residents and answers; the
counting itself is in teaching/lib/set_results.py.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from atlas.lib.i18n import columns, field_for
from cases.models import Case
from diagnosis.models import Entity

from .lib.set_results import DIAGNOSIS, AnswerRow, SetResults, set_results
from .models import Answer, Attempt, CuratedSet, CuratedSetCase, Kind


def _count_per_set(qs, column: str) -> Subquery:
    """How many distinct `column` values the rows of `qs` hold for the outer set."""
    counted = qs.order_by().values("quiz__curated_set").annotate(n=Count(column, distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)


def sets_of(user):
    """The sets a teacher owns (every set, for a superuser), with their case count and the
    number of readers who answered them: signed-in residents plus anonymous players (one query).
    """
    answered = Attempt.objects.filter(quiz__curated_set=OuterRef("pk"), answers__isnull=False)
    qs = CuratedSet.objects.select_related("owner").annotate(
        n_cases=Count("entries", distinct=True),
        n_users=_count_per_set(answered.filter(user__isnull=False), "user"),
        n_players=_count_per_set(answered.filter(user__isnull=True), "player"),
    )
    qs = qs.annotate(n_residents=F("n_users") + F("n_players"))
    return qs if user.is_superuser else qs.filter(owner=user)


def answers_to(curated_set: CuratedSet):
    """Every answer given to a quiz built from the set, withdrawn cases' included."""
    return Answer.objects.filter(question__quiz__curated_set=curated_set)


def _answer_rows(curated_set: CuratedSet) -> list[AnswerRow]:
    values = (
        answers_to(curated_set)
        .order_by("answered_at", "pk")
        .values_list(
            "attempt__user_id",
            "attempt__player",
            "attempt__user__username",
            "attempt__user__first_name",
            "attempt__user__last_name",
            "attempt__user__learner__shows_name_to_teachers",
            "case_id",
            "question__kind",
            "choice",
            "correct",
            "confidence",
        )
    )
    rows = []
    for user_id, player, username, first, last, agreed, *answer in values:
        reader = ("user", user_id) if user_id else ("player", player)
        name = (f"{first} {last}".strip() or username) if user_id and agreed else ""
        rows.append(AnswerRow(reader, name, *answer))
    return rows


def _cases_of(curated_set: CuratedSet) -> list[Case]:
    """The set's cases in the set's order, then the cases answered since taken out of it."""
    entries = CuratedSetCase.objects.filter(curated_set=curated_set)
    entry = entries.filter(case=OuterRef("pk")).order_by("position", "pk")
    answered = answers_to(curated_set).filter(case__isnull=False).values("case_id")
    return list(
        Case.objects.filter(Q(pk__in=entries.values("case_id")) | Q(pk__in=answered))
        .annotate(
            set_position=Subquery(entry.values("position")[:1]),
            set_entry=Subquery(entry.values("pk")[:1]),
        )
        .order_by(F("set_position").asc(nulls_last=True), "set_entry", "pk")
    )


def _entity_labels(rows: list[AnswerRow]) -> dict[str, str]:
    """The names, in the reader's language, of the entities chosen in diagnosis questions."""
    keys = {row.choice for row in rows if row.kind == DIAGNOSIS and row.choice}
    labels = {}
    for row in Entity.objects.filter(slug__in=keys).values("slug", *columns("name")):
        labels[row["slug"]] = row[field_for("name")] or row[field_for("name", "en")]
    return labels


def results_of(curated_set: CuratedSet) -> SetResults:
    """The set's figures per question and per resident (three queries: the answers, the
    cases, the names of the entities chosen)."""
    rows = _answer_rows(curated_set)
    cases = _cases_of(curated_set)
    in_set = {case.pk for case in cases if case.set_position is not None}
    results = set_results(rows, cases, in_set, _entity_labels(rows))
    kinds = dict(Kind.choices)
    for question in results.questions:
        question.kind_label = str(kinds.get(question.kind, ""))
    return results
