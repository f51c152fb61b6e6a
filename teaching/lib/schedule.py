"""Spaced repetition with FSRS (the `fsrs` package): one card per reader and case.

An answer becomes an FSRS rating from whether it was right and how sure the reader said they
were:
- wrong, however sure: Again;
- right but guessing: Hard (the case is not yet known, only lucky);
- right and fairly sure: Good;
- right and certain: Easy.
Cases are met again days later, not minutes: there are no learning or relearning steps, so
FSRS sets each interval from the card's stability alone. Fuzzing is off, so the same answers
always give the same dates.
"""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)

RATINGS = {"guessing": Rating.Hard, "fairly-sure": Rating.Good, "certain": Rating.Easy}


def rating_for(*, correct: bool, confidence: str) -> Rating:
    if not correct:
        return Rating.Again
    return RATINGS[confidence]


def new_card() -> dict:
    return Card().to_dict()


def review(card: dict | None, rating: Rating, when: datetime) -> tuple[dict, datetime]:
    """The card after one review at `when`, and its next due date."""
    current = Card.from_dict(card) if card else Card(due=when)
    updated, _log = SCHEDULER.review_card(current, rating, when)
    return updated.to_dict(), updated.due


def retrievability(card: dict, when: datetime) -> float:
    """The chance, from 0 to 1, that the reader would now get the case right."""
    return SCHEDULER.get_card_retrievability(Card.from_dict(card), when)
