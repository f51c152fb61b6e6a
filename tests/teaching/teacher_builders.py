"""Builders for the teachers' tests: a teacher, a curated set, and residents taking it."""

from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory

from teaching.models import Attempt, CuratedSet, CuratedSetCase, Learner, Question
from teaching.services import Given, answer_submit, attempt_start, quiz_from_set
from tests.builders import make_case, make_entity, make_mechanism, make_user


def make_teacher(*, username: str, staff: bool = True):
    """A member of the "Teachers" group that migration 0002 made; staff, to reach the admin."""
    user = make_user(username=username, staff=staff)
    user.groups.add(Group.objects.get(name="Teachers"))
    return user


def make_resident(*, username: str, shows_name: bool | None = None, first="", last=""):
    """A signed-in resident; `shows_name` makes their Learner row (None: they have none)."""
    user = make_user(username=username)
    if first or last:
        user.first_name, user.last_name = first, last
        user.save()
    if shows_name is not None:
        Learner.objects.create(user=user, shows_name_to_teachers=shows_name)
    return user


def make_diagnoses(count: int = 4) -> list:
    """Entities of one mechanism, so a diagnosis question offers them all as choices."""
    mechanism = make_mechanism()
    return [make_entity(mechanism=mechanism) for _ in range(count)]


def make_set(*, owner, cases, title: str = "Calcifications I") -> CuratedSet:
    curated_set = CuratedSet.objects.create(title=title, owner=owner)
    for position, case in enumerate(cases, start=1):
        CuratedSetCase.objects.create(curated_set=curated_set, case=case, position=position)
    return curated_set


def make_set_case(diagnosis, **overrides):
    return make_case(diagnosis=diagnosis, images=0, **overrides)


def set_quiz(curated_set):
    return quiz_from_set(curated_set=curated_set, kinds=["diagnosis"], seed=1)


def start(quiz, reader) -> Attempt:
    """The reader's attempt: a user, or an anonymous session given as a dict."""
    request = RequestFactory().get("/")
    if isinstance(reader, dict):
        request.user, request.session = AnonymousUser(), reader
    else:
        request.user, request.session = reader, {}
    return attempt_start(request=request, quiz=quiz, feedback="each")


def answer(attempt: Attempt, case, key: str, confidence: str):
    """Answer the attempt's question about `case` by choosing the entity whose slug is `key`."""
    question = Question.objects.get(quiz=attempt.quiz, case=case)
    number = [choice["key"] for choice in question.choices].index(key) + 1
    stored, _new = answer_submit(
        attempt=attempt, question=question, given=Given(confidence=confidence, number=number)
    )
    return stored


class Example:
    """A set of two cases, B then A, taken through two quizzes by four readers:

    reader                       case B                    case A
    Ana Ruiz (agreed to a name)  right, certain            wrong (e3), guessing
    bob (no choice made)         wrong (e1), fairly sure   right, certain
    an anonymous player          right, certain            -
    carl (declined)              -                         right, fairly sure

    Ana and bob took the first quiz of the set, the player and carl the second.
    """

    def __init__(self) -> None:
        self.e1, self.e2, self.e3, self.e4 = make_diagnoses(4)
        self.teacher = make_teacher(username="teacher")
        self.case_a = make_set_case(self.e1, presentation_en="ankle ulcer")
        self.case_b = make_set_case(self.e2, presentation_en="painful knee")
        self.curated_set = make_set(owner=self.teacher, cases=[self.case_b, self.case_a])
        self.ana = make_resident(username="ana", shows_name=True, first="Ana", last="Ruiz")
        self.bob = make_resident(username="bob")
        self.carl = make_resident(username="carl", shows_name=False)
        self.player = {}
        first, second = set_quiz(self.curated_set), set_quiz(self.curated_set)
        ana, bob = start(first, self.ana), start(first, self.bob)
        player, carl = start(second, self.player), start(second, self.carl)
        answer(ana, self.case_b, self.e2.slug, "certain")
        answer(ana, self.case_a, self.e3.slug, "guessing")
        answer(bob, self.case_b, self.e1.slug, "fairly-sure")
        answer(bob, self.case_a, self.e1.slug, "certain")
        answer(player, self.case_b, self.e2.slug, "certain")
        answer(carl, self.case_a, self.e1.slug, "fairly-sure")
