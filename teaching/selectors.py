"""Reads for the quiz pages; each one's query count is fixed, whatever the rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from cases.models import Case, Image, Study

from .models import Answer, Attempt, Confidence, Kind, Question, Quiz

# What others answered is shown once this many readers have answered the same question.
SHARES_FROM = 5


def question_at(quiz: Quiz, position: int) -> Question | None:
    """The question with what its page shows: the case's studies and images, the key image,
    the entity and mechanism (two queries; three with the case's studies)."""
    studies = Study.objects.order_by("order").prefetch_related(
        Prefetch("images", queryset=Image.objects.order_by("order"))
    )
    return (
        Question.objects.select_related("case", "image", "entity", "mechanism", "quiz")
        .prefetch_related(Prefetch("case__studies", queryset=studies))
        .filter(quiz=quiz, position=position)
        .first()
    )


def attempt_for(attempts, quiz: Quiz) -> Attempt | None:
    attempt = attempts.filter(quiz=quiz).first()
    if attempt is not None:
        attempt.quiz = quiz  # already read: spare the query
    return attempt


def next_open_position(attempt: Attempt) -> int | None:
    """The first question the reader has not answered and can still answer (one query)."""
    rows = (
        Question.objects.filter(quiz_id=attempt.quiz_id)
        .filter(
            Q(kind=Kind.GLOSSARY, entity__isnull=False)
            | (~Q(kind=Kind.GLOSSARY) & Q(case__status=Case.Status.PUBLISHED))
        )
        .exclude(answers__attempt=attempt)
        .order_by("position")
        .values_list("position", flat=True)
    )
    return rows.first()


@dataclass
class Share:
    label: str
    percent: int
    count: int
    correct: bool
    mine: bool = False


def answer_shares(question: Question, mine: str = "") -> tuple[int, list[Share]]:
    """How everyone answered this question's case (or entity) and kind: (readers, shares);
    no shares under SHARES_FROM readers (one query)."""
    same = Q(question__kind=question.kind)
    if question.kind == Kind.GLOSSARY:
        same &= Q(question__entity_id=question.entity_id)
    else:
        same &= Q(question__case_id=question.case_id)
    if question.entity_id is None and question.case_id is None:
        return 0, []
    counts = dict(
        Answer.objects.filter(same).values_list("choice").annotate(n=Count("pk")).order_by()
    )
    total = sum(counts.values())
    if total < SHARES_FROM:
        return total, []
    if question.kind == Kind.WHERE:
        from django.utils.translation import gettext as _

        options = [("region", _("On the lesion")), ("outside", _("Elsewhere"))]
    else:
        options = [(key, label) for _n, key, label in question.choice_labels()]
    shares = []
    for key, label in options:
        n = counts.pop(key, 0)
        correct = key == question.answer_key
        shares.append(Share(label, round(100 * n / total), n, correct, key == mine))
    rest = sum(counts.values())
    if rest:
        from django.utils.translation import gettext as _

        shares.append(Share(_("Another answer"), round(100 * rest / total), rest, False))
    return total, shares


@dataclass
class Calibration:
    confidence: str
    label: str
    answered: int
    right: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None


@dataclass
class Summary:
    questions: int
    answered: int
    right: int
    seconds: int
    calibration: list[Calibration] = field(default_factory=list)
    mistakes: list[Answer] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def rest_seconds(self) -> int:
        return self.seconds % 60

    @property
    def unanswered(self) -> int:
        return self.questions - self.answered


def attempt_summary(attempt: Attempt) -> Summary:
    """Score, time, calibration and mistakes of one attempt (two queries)."""
    answers = list(
        attempt.answers.select_related("question__case", "question__entity").order_by(
            "question__position"
        )
    )
    questions = Question.objects.filter(quiz_id=attempt.quiz_id).count()
    for answer in answers:
        answer.given = answer.question.given_label(answer)
    calibration = []
    for value, label in Confidence.choices:
        given = [a for a in answers if a.confidence == value]
        calibration.append(Calibration(value, label, len(given), sum(a.correct for a in given)))
    return Summary(
        questions=questions,
        answered=len(answers),
        right=sum(a.correct for a in answers),
        seconds=sum(a.seconds for a in answers),
        calibration=calibration,
        mistakes=[a for a in answers if not a.correct],
        answers=answers,
    )
