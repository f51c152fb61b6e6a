"""Builders for the account tests: a quiz of real cases, and answers given to it."""

from teaching.models import Attempt, Kind, Quiz
from teaching.services import PLAYER, Given, answer_submit, quiz_build
from tests.builders import make_case, make_entity, make_mechanism


def make_quiz(*, cases: int = 2, kinds=(Kind.DIAGNOSIS,), seed: int = 7) -> Quiz:
    """A quiz of new cases whose diagnoses share a mechanism, so each has distractors."""
    mechanism = make_mechanism()
    for _ in range(3):
        make_entity(mechanism=mechanism)
    return quiz_build(
        cases=[make_case(diagnosis=make_entity(mechanism=mechanism)) for _ in range(cases)],
        kinds=list(kinds),
        source=Quiz.Source.FILTERS,
        seed=seed,
    )


def answer_all(attempt: Attempt, *, confidence: str = "certain", right: bool = True) -> None:
    """Answer every question of the attempt's quiz, rightly or not, by choice number."""
    for question in attempt.quiz.questions.order_by("position"):
        keys = [choice["key"] for choice in question.choices]
        wanted = [k for k in keys if (k == question.answer_key) == right][0]
        answer_submit(
            attempt=attempt,
            question=question,
            given=Given(confidence=confidence, number=keys.index(wanted) + 1, seconds=12),
        )


def play_anonymously(client, *, quiz: Quiz | None = None, player: str = "a" * 32) -> Attempt:
    """What an anonymous reader leaves behind after a quiz: their session's token, and an
    attempt under it with every question answered."""
    session = client.session
    session[PLAYER] = player
    session.save()
    attempt = Attempt.objects.create(quiz=quiz or make_quiz(), player=player)
    answer_all(attempt)
    return attempt


def play_as(user, *, quiz: Quiz | None = None, **kwargs) -> Attempt:
    attempt = Attempt.objects.create(quiz=quiz or make_quiz(), user=user)
    answer_all(attempt, **kwargs)
    return attempt
