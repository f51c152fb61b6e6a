"""The FSRS schedule: how an answer and its confidence become a rating and a due date."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from teaching.lib import schedule
from teaching.models import Confidence

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _first_due(*, correct: bool, confidence: str) -> timedelta:
    rating = schedule.rating_for(correct=correct, confidence=confidence)
    _card, due = schedule.review(None, rating, START)
    return due - START


@pytest.mark.parametrize("confidence", Confidence.values)
def test_a_wrong_answer_is_rated_again_however_sure_the_reader_was(confidence):
    assert schedule.rating_for(correct=False, confidence=confidence) == Rating.Again


@pytest.mark.parametrize(
    ("confidence", "rating"),
    [
        (Confidence.GUESSING, Rating.Hard),
        (Confidence.FAIRLY_SURE, Rating.Good),
        (Confidence.CERTAIN, Rating.Easy),
    ],
)
def test_a_right_answer_is_rated_by_how_sure_the_reader_was(confidence, rating):
    assert schedule.rating_for(correct=True, confidence=confidence) == rating


def test_every_confidence_level_has_a_rating():
    assert set(schedule.RATINGS) == set(Confidence.values)


def test_a_wrong_answer_comes_back_sooner_than_a_certain_right_one():
    wrong = _first_due(correct=False, confidence=Confidence.CERTAIN)
    certain = _first_due(correct=True, confidence=Confidence.CERTAIN)
    assert wrong < certain


def test_the_surer_a_right_answer_the_later_the_case_comes_back():
    guessing = _first_due(correct=True, confidence=Confidence.GUESSING)
    fairly_sure = _first_due(correct=True, confidence=Confidence.FAIRLY_SURE)
    certain = _first_due(correct=True, confidence=Confidence.CERTAIN)
    wrong = _first_due(correct=False, confidence=Confidence.GUESSING)
    assert wrong <= guessing < fairly_sure < certain


def test_a_case_comes_back_days_later_not_minutes_later():
    # No learning steps: even a wrong answer waits at least a day.
    assert _first_due(correct=False, confidence=Confidence.GUESSING) >= timedelta(days=1)


def test_repeated_right_answers_spread_the_reviews_out():
    card, when, intervals = None, START, []
    for _ in range(5):
        card, due = schedule.review(card, Rating.Good, when)
        intervals.append(due - when)
        when = due  # answered on the day it fell due
    assert intervals == sorted(intervals)
    assert len(set(intervals)) == len(intervals)
    assert intervals[-1] > timedelta(days=60)


def test_a_wrong_answer_after_a_run_of_right_ones_brings_the_case_back_soon():
    card, when = None, START
    for _ in range(4):
        card, when = schedule.review(card, Rating.Good, when)
    long_interval = when - START
    card, due = schedule.review(card, Rating.Again, when)
    assert due - when < timedelta(days=7) < long_interval


def test_the_same_answers_give_the_same_dates():
    def run() -> list[datetime]:
        card, when, dues = None, START, []
        for rating in (Rating.Good, Rating.Again, Rating.Easy, Rating.Hard):
            card, when = schedule.review(card, rating, when)
            dues.append(when)
        return dues

    assert run() == run()


def test_a_card_survives_a_round_trip_through_json():
    import json

    card, due = schedule.review(None, Rating.Good, START)
    stored = json.loads(json.dumps(card))
    _again, due_from_stored = schedule.review(stored, Rating.Good, due)
    _direct, due_direct = schedule.review(card, Rating.Good, due)
    assert due_from_stored == due_direct > due


def test_retrievability_falls_as_time_passes():
    card, due = schedule.review(None, Rating.Good, START)
    soon = schedule.retrievability(card, START + timedelta(hours=1))
    later = schedule.retrievability(card, due + timedelta(days=30))
    assert 0 <= later < soon <= 1
