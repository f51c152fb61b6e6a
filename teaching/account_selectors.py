"""Reads for a reader's own account: their answers, as the history download lists them."""

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Answer, Feedback

HISTORY_CHUNK = 500


def history_answers(user):
    """The user's answers, oldest first, with their question, quiz and case (one query)."""
    return (
        Answer.objects.filter(user=user)
        .select_related("question__quiz", "case", "attempt")
        .order_by("answered_at", "pk")
    )


def history_header() -> list[str]:
    return [
        _("Date"),
        _("Quiz"),
        _("Question"),
        _("Kind"),
        _("Case"),
        _("Correct answer"),
        _("Your answer"),
        _("Correct"),
        _("Confidence"),
        _("Seconds"),
    ]


def _given(answer: Answer) -> str:
    """What the reader typed or chose (Question.given_label), else the point clicked."""
    given = answer.question.given_label(answer)
    if given:
        return given
    if answer.x is not None and answer.y is not None:
        return f"{answer.x:.3f}, {answer.y:.3f}"
    return answer.choice


def _waits_for_the_end(answer: Answer) -> bool:
    """An answer of a quiz whose answers are shown at the end, before that end: the download
    must not show what the quiz itself still keeps back."""
    attempt = answer.attempt
    return attempt.feedback == Feedback.END and attempt.finished_at is None


def history_row(answer: Answer) -> list:
    question = answer.question
    if _waits_for_the_end(answer):
        kept = _("after the quiz")
        return [
            timezone.localtime(answer.answered_at).strftime("%Y-%m-%d %H:%M:%S"),
            question.quiz.code,
            question.position,
            question.get_kind_display(),
            answer.case.code if answer.case else "",
            kept,
            _given(answer),
            kept,
            answer.get_confidence_display(),
            answer.seconds,
        ]
    return [
        timezone.localtime(answer.answered_at).strftime("%Y-%m-%d %H:%M:%S"),
        question.quiz.code,
        question.position,
        question.get_kind_display(),
        answer.case.code if answer.case else "",
        question.answer_name,
        _given(answer),
        _("yes") if answer.correct else _("no"),
        answer.get_confidence_display(),
        answer.seconds,
    ]


def history_rows(user) -> Iterator[list]:
    """Each of the user's answers as a row, read in chunks so a long history streams."""
    for answer in history_answers(user).iterator(chunk_size=HISTORY_CHUNK):
        yield history_row(answer)
