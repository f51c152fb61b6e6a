"""The progress page's selectors: each figure aggregated in the database."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from teaching import progress
from teaching.models import Answer, Confidence
from teaching.services import PLAYER
from tests.builders import make_case, make_entity, make_mechanism, make_user
from tests.teaching.progress_builders import make_answer

pytestmark = pytest.mark.django_db


def _anonymous_request(player: str = ""):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    if player:
        request.session[PLAYER] = player
    return request


def test_an_anonymous_reader_without_a_session_has_no_answers():
    make_answer(player="p" * 32, case=make_case(), correct=True)
    assert list(progress.answers_of(_anonymous_request())) == []


def test_an_anonymous_reader_has_the_answers_of_their_session_only():
    case = make_case()
    mine = make_answer(player="p" * 32, case=case, correct=True)
    make_answer(player="q" * 32, case=case, correct=True)
    assert list(progress.answers_of(_anonymous_request("p" * 32))) == [mine]


def test_weeks_start_on_monday_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/Madrid"
    user, case = make_user(), make_case()
    # Sunday 9 March 2025, 23:30 in Madrid, is 22:30 UTC; Monday 00:30 is Sunday 23:30 UTC.
    sunday_night = datetime(2025, 3, 9, 22, 30, tzinfo=UTC)
    monday_early = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    make_answer(user=user, case=case, correct=True, answered_at=sunday_night)
    make_answer(user=user, case=case, correct=False, answered_at=monday_early)
    make_answer(user=user, case=case, correct=False, answered_at=monday_early)
    with timezone.override("Europe/Madrid"):
        weeks = progress.accuracy_by_week(
            Answer.objects.filter(user=user), first=sunday_night, last=monday_early
        )
    assert weeks == [
        (date(2025, 3, 3), progress.Score(1, 1)),
        (date(2025, 3, 10), progress.Score(0, 2)),
    ]


def test_weeks_run_from_the_first_answer_to_the_last_empty_weeks_included():
    user, case = make_user(), make_case()
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)  # a Monday
    make_answer(user=user, case=case, correct=True, answered_at=start)
    make_answer(user=user, case=case, correct=False, answered_at=start + timedelta(weeks=2))
    answers = Answer.objects.filter(user=user)
    last = start + timedelta(weeks=2)
    weeks = progress.accuracy_by_week(answers, first=start, last=last)
    assert weeks == [
        (date(2024, 1, 1), progress.Score(1, 1)),
        (date(2024, 1, 8), progress.Score(0, 0)),
        (date(2024, 1, 15), progress.Score(0, 1)),
    ]


def test_only_the_latest_weeks_are_kept_oldest_first():
    user, case = make_user(), make_case()
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)  # a Monday
    for n in range(5):
        make_answer(user=user, case=case, correct=True, answered_at=start + timedelta(weeks=2 * n))
    answers = Answer.objects.filter(user=user)
    last = start + timedelta(weeks=8)
    weeks = progress.accuracy_by_week(answers, first=start, last=last, weeks=3)
    assert weeks == [
        (date(2024, 2, 12), progress.Score(1, 1)),
        (date(2024, 2, 19), progress.Score(0, 0)),
        (date(2024, 2, 26), progress.Score(1, 1)),
    ]


def test_week_starts_are_mondays_at_local_midnight_across_a_clock_change(settings):
    settings.TIME_ZONE = "Europe/Madrid"
    with timezone.override("Europe/Madrid"):
        # The clocks went forward on Sunday 30 March 2025.
        first = datetime(2025, 3, 26, 12, tzinfo=UTC)
        mondays = progress.week_starts(first, first + timedelta(days=7))
        assert [timezone.localtime(m).isoformat() for m in mondays] == [
            "2025-03-24T00:00:00+01:00",
            "2025-03-31T00:00:00+02:00",
        ]


def test_entities_come_weakest_first_and_the_rest_are_counted():
    user = make_user()
    mechanism = make_mechanism()
    entities = [make_entity(mechanism=mechanism, name_en=f"E{n}") for n in range(4)]
    # E0: 0 of 2, E1: 1 of 2, E2: 0 of 1, E3: 2 of 2.
    plan = {0: [False, False], 1: [True, False], 2: [False], 3: [True, True]}
    for index, results in plan.items():
        case = make_case(diagnosis=entities[index])
        for correct in results:
            make_answer(user=user, case=case, correct=correct)
    topics = progress.accuracy_by_topic(Answer.objects.filter(user=user), limit=3)
    assert [(g.label, g.score.right, g.score.total) for g in topics.entities] == [
        ("E0", 0, 2),  # as weak as E2, but answered more often
        ("E2", 0, 1),
        ("E1", 1, 2),
    ]
    assert topics.more_entities == 1
    assert [(g.label, g.score.right, g.score.total) for g in topics.mechanisms] == [
        (mechanism.name_en, 3, 7)
    ]


def test_mechanisms_come_in_the_glossarys_order():
    user = make_user()
    later = make_mechanism(order=2, name_en="Later")
    first = make_mechanism(order=1, name_en="First")
    make_answer(user=user, case=make_case(diagnosis=make_entity(mechanism=later)), correct=True)
    make_answer(user=user, case=make_case(diagnosis=make_entity(mechanism=first)), correct=False)
    groups = progress.accuracy_by_topic(Answer.objects.filter(user=user)).mechanisms
    assert [(g.label, g.score.percent) for g in groups] == [("First", 0), ("Later", 100)]


def test_totals_count_calibration_and_mistakes_on_cases_gone():
    user = make_user()
    kept, gone = make_case(), make_case()
    make_answer(user=user, case=kept, correct=True, confidence=Confidence.CERTAIN)
    make_answer(user=user, case=kept, correct=False, confidence=Confidence.CERTAIN)
    make_answer(user=user, case=gone, correct=False, confidence=Confidence.GUESSING)
    gone.delete()
    totals = progress.answer_totals(Answer.objects.filter(user=user))
    assert totals.score == progress.Score(1, 3)
    assert [(g.key, g.score) for g in totals.calibration] == [
        ("guessing", progress.Score(0, 1)),
        ("fairly-sure", progress.Score(0, 0)),
        ("certain", progress.Score(1, 2)),
    ]
    assert (totals.wrong_cases, totals.wrong_elsewhere) == (1, 1)
    assert totals.first_answered <= totals.last_answered


def test_wrong_cases_come_latest_mistake_first_with_their_count():
    user = make_user()
    old, recent = make_case(), make_case()
    now = timezone.now()
    make_answer(user=user, case=old, correct=False, answered_at=now - timedelta(days=9))
    make_answer(user=user, case=old, correct=False, answered_at=now - timedelta(days=8))
    make_answer(user=user, case=recent, correct=False, answered_at=now - timedelta(days=1))
    make_answer(user=user, case=recent, correct=True, answered_at=now)
    rows = progress.wrong_cases(Answer.objects.filter(user=user))
    assert [(row.case, row.times_wrong) for row in rows] == [(recent, 1), (old, 2)]
    assert rows[1].last_answered == now - timedelta(days=8)
    assert len(progress.wrong_cases(Answer.objects.filter(user=user), limit=1)) == 1


def test_a_score_of_nothing_has_no_share():
    assert progress.Score(0, 0).share is None
    assert progress.Score(0, 0).percent is None
    assert progress.Score(2, 3).percent == 67
