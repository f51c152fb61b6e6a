"""One schedule per reader and case, kept by answer_submit and schedule_review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from diagnosis.models import Mechanism
from teaching import services
from teaching.models import Answer, Attempt, Confidence, Kind, ReviewCard
from tests.builders import make_case, make_entity, make_mechanism, make_user

pytestmark = pytest.mark.django_db

LATER = timedelta(days=3650)  # far enough ahead that every card is due


@pytest.fixture(autouse=True)
def distractors():
    """Entities that share a mechanism, so every question has wrong choices to pick."""
    mechanism = make_mechanism()
    return [make_entity(mechanism=mechanism) for _ in range(4)]


def _case() -> Case:
    return make_case(diagnosis=make_entity(mechanism=Mechanism.objects.get()))


def _answer(user, case, *, correct: bool, confidence: str = Confidence.FAIRLY_SURE) -> Answer:
    """A one-question quiz about the case, answered right or wrong by the user."""
    quiz = services.quiz_build(cases=[case], kinds=[Kind.DIAGNOSIS], source="filters", seed=1)
    question = quiz.questions.get()
    keys = [choice["key"] for choice in question.choices]
    right = keys.index(question.answer_key) + 1
    number = right if correct else (right % len(keys)) + 1
    attempt = Attempt.objects.create(quiz=quiz, user=user)
    given = services.Given(confidence=confidence, number=number)
    answer, _new = services.answer_submit(attempt=attempt, question=question, given=given)
    assert answer.correct is correct
    return answer


def test_answering_a_case_gives_the_reader_one_schedule_for_it():
    user, case = make_user(), _case()
    _answer(user, case, correct=True)
    card = ReviewCard.objects.get(user=user, case=case)
    assert card.reviews == 1
    assert card.due > timezone.now()


def test_answering_the_same_case_again_moves_the_same_schedule_on():
    user, case = make_user(), _case()
    _answer(user, case, correct=True)
    first_due = ReviewCard.objects.get(user=user, case=case).due
    _answer(user, case, correct=False)
    _answer(user, case, correct=True, confidence=Confidence.CERTAIN)
    cards = ReviewCard.objects.filter(user=user, case=case)
    assert cards.count() == 1
    assert cards.get().reviews == 3
    assert cards.get().due != first_due


def test_a_double_submitted_answer_moves_the_schedule_once():
    user, case = make_user(), _case()
    answer = _answer(user, case, correct=True)
    given = services.Given(confidence=Confidence.CERTAIN, number=1)
    repeat, new = services.answer_submit(
        attempt=answer.attempt, question=answer.question, given=given
    )
    assert (repeat.pk, new) == (answer.pk, False)
    assert ReviewCard.objects.get(user=user, case=case).reviews == 1


def test_each_reader_has_their_own_schedule_for_a_case():
    case = _case()
    alice, bob = make_user(), make_user()
    _answer(alice, case, correct=True, confidence=Confidence.CERTAIN)
    _answer(bob, case, correct=False)
    assert ReviewCard.objects.filter(case=case).count() == 2
    assert ReviewCard.objects.get(user=bob).due < ReviewCard.objects.get(user=alice).due


def test_schedule_review_called_twice_for_an_answer_keeps_one_card():
    user, case = make_user(), _case()
    answer = _answer(user, case, correct=True)
    services.schedule_review(user_id=user.pk, answer=answer)
    assert ReviewCard.objects.filter(user=user, case=case).count() == 1


def test_a_wrong_answer_is_due_before_a_certain_right_one():
    user = make_user()
    missed, known = _case(), _case()
    _answer(user, missed, correct=False, confidence=Confidence.CERTAIN)
    _answer(user, known, correct=True, confidence=Confidence.CERTAIN)
    tomorrow = timezone.now() + timedelta(days=1, hours=1)
    assert [c.case_id for c in services.due_cases(user, now=tomorrow)] == [missed.pk]
    later = timezone.now() + LATER
    assert [c.case_id for c in services.due_cases(user, now=later)] == [missed.pk, known.pk]


def test_an_anonymous_answer_is_not_scheduled():
    case = _case()
    quiz = services.quiz_build(cases=[case], kinds=[Kind.DIAGNOSIS], source="filters", seed=1)
    attempt = Attempt.objects.create(quiz=quiz, player="p" * 32)
    given = services.Given(confidence=Confidence.GUESSING, number=1)
    services.answer_submit(attempt=attempt, question=quiz.questions.get(), given=given)
    assert not ReviewCard.objects.exists()


def test_an_unpublished_case_leaves_the_due_list_but_not_the_history():
    user = make_user()
    kept, withdrawn = _case(), _case()
    _answer(user, kept, correct=False)
    _answer(user, withdrawn, correct=False)
    withdrawn.status = Case.Status.DRAFT
    withdrawn.save()
    later = timezone.now() + LATER
    assert [c.case_id for c in services.due_cases(user, now=later)] == [kept.pk]
    history = Answer.objects.filter(user=user).order_by("pk")
    assert [(a.case_id, a.correct) for a in history] == [(kept.pk, False), (withdrawn.pk, False)]
    # Published again, it comes back with the schedule it had.
    withdrawn.publish()
    withdrawn.save()
    assert len(services.due_cases(user, now=later)) == 2


def test_a_deleted_case_leaves_the_due_list_and_its_answers_stay():
    user, case = make_user(), _case()
    answer = _answer(user, case, correct=True)
    case.delete()
    assert list(services.due_cases(user, now=timezone.now() + LATER)) == []
    answer.refresh_from_db()
    assert answer.case_id is None and answer.correct
    assert answer.question.answer_label["en"]  # the name it was asked about is still known
