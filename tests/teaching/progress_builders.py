"""Answers made directly, for the progress page's tests: a one-question quiz per answer."""

from datetime import datetime

from cases.models import Case
from teaching.models import Answer, Attempt, Confidence, Kind, Question, Quiz


def make_answer(
    *,
    case: Case | None,
    correct: bool,
    user=None,
    player: str = "",
    confidence: str = Confidence.FAIRLY_SURE,
    answered_at: datetime | None = None,
    entity=None,
) -> Answer:
    """One answer by the user (or the anonymous player) about the case."""
    entity = entity or case.diagnosis
    quiz = Quiz.objects.create(source=Quiz.Source.FILTERS)
    question = Question.objects.create(
        quiz=quiz,
        position=1,
        kind=Kind.DIAGNOSIS,
        case=case,
        entity=entity,
        mechanism_id=entity.mechanism_id,
        answer_key=entity.slug,
        answer_label={"en": entity.name_en, "es": entity.name_es},
    )
    attempt = Attempt.objects.create(quiz=quiz, user=user, player=player)
    answer = Answer.objects.create(
        attempt=attempt,
        question=question,
        user=user,
        case=case,
        choice=entity.slug if correct else "other",
        correct=correct,
        confidence=confidence,
    )
    if answered_at is not None:  # answered_at is set on creation; move it afterwards
        Answer.objects.filter(pk=answer.pk).update(answered_at=answered_at)
        answer.answered_at = answered_at
    return answer
