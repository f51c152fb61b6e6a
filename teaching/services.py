"""Writes for self-assessment: building a quiz, answering, and moving anonymous answers.

Each service validates, then writes inside one transaction. The database keeps the rules
that matter under load: one attempt per reader and quiz, one answer per attempt and question.
"""

import functools
import random
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from atlas.lib.i18n import language_codes
from atlas.lib.text import lines
from cases.models import Case, Image
from diagnosis.models import Entity, Mechanism

from .lib import matching, regions, schedule
from .models import Answer, Attempt, Kind, Question, Quiz, ReviewCard

PLAYER = "quiz_player"
CHOICES = 4  # the answer and three distractors; five when the differential is long enough
MAX_CHOICES = 5
MAX_QUESTIONS = 40


# -- who is answering ---------------------------------------------------------------------------


def session_player(request: HttpRequest) -> str:
    """The anonymous reader's token in this session, or ""."""
    session = getattr(request, "session", None)
    return (session.get(PLAYER) or "") if session is not None else ""


def ensure_player(request: HttpRequest) -> str:
    player = session_player(request)
    if not player:
        player = secrets.token_hex(16)
        request.session[PLAYER] = player
    return player


def attempts_of(request: HttpRequest):
    """The attempts that belong to whoever is asking: the user's, or the session's."""
    if request.user.is_authenticated:
        return Attempt.objects.filter(user=request.user)
    player = session_player(request)
    return Attempt.objects.filter(player=player) if player else Attempt.objects.none()


def attempt_start(*, request: HttpRequest, quiz: Quiz, feedback: str) -> Attempt:
    """The reader's attempt at the quiz, started now unless they already have one."""
    owner = (
        {"user": request.user}
        if request.user.is_authenticated
        else {"player": ensure_player(request)}
    )
    existing = Attempt.objects.filter(quiz=quiz, **owner).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Attempt.objects.create(quiz=quiz, feedback=feedback, **owner)
    except IntegrityError:  # the same reader started it twice at once
        return Attempt.objects.get(quiz=quiz, **owner)


# -- building -----------------------------------------------------------------------------------


def _bilingual(entity: Entity, field: str) -> dict[str, str]:
    return {lang: getattr(entity, f"{field}_{lang}", "") or "" for lang in language_codes()}


def entity_names(entity: Entity) -> list[str]:
    """Every name the entity goes by, in every language."""
    names = []
    for lang in language_codes():
        names.append(getattr(entity, f"name_{lang}", "") or "")
        names += lines(getattr(entity, f"synonyms_{lang}", "") or "")
    return [name for name in names if name]


_LOOSE = {
    "a": "aáàâä",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôö",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
}


@functools.lru_cache(maxsize=4096)
def _loose_pattern(name: str) -> re.Pattern:
    """A pattern that finds `name` whatever its accents and case, as a whole word (kept, as
    the glossary's names come back in every quiz)."""
    parts = []
    for ch in name.casefold():
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        letters = _LOOSE.get(base, "")
        parts.append(f"[{re.escape(letters)}]" if letters else re.escape(ch))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


def redact(text: str, names: list[str]) -> str:
    """The text with each of the names put out of sight, longest first."""
    for name in sorted(set(names), key=len, reverse=True):
        text = _loose_pattern(name).sub("…", text)
    return text


class Glossary:
    """Every entity and mechanism, read once, for choosing distractors (two queries)."""

    def __init__(self) -> None:
        entities = Entity.objects.prefetch_related("related")
        self.entities = {entity.pk: entity for entity in entities}
        self.mechanisms = list(Mechanism.objects.order_by("order", "slug"))

    def related(self, entity: Entity, differential: list[int]) -> list[Entity]:
        """Distractors for `entity`, best first: the case's own differential, then the
        glossary's related entries, the entities on the same branch of the tree (parent,
        children, siblings), then those that share its mechanism. Never random entities."""
        seen = {entity.pk}
        ordered: list[Entity] = []

        def add(candidates) -> None:
            for candidate in sorted(candidates, key=lambda e: e.slug):
                if candidate.pk not in seen:
                    seen.add(candidate.pk)
                    ordered.append(candidate)

        add(self.entities[pk] for pk in differential if pk in self.entities)
        # The glossary's own copy of the entity holds its prefetched related entries.
        own = self.entities.get(entity.pk, entity)
        add(self.entities[e.pk] for e in own.related.all() if e.pk in self.entities)
        branch = [
            e
            for e in self.entities.values()
            if e.pk == entity.parent_id
            or e.parent_id == entity.pk
            or (entity.parent_id and e.parent_id == entity.parent_id)
        ]
        add(branch)
        add(e for e in self.entities.values() if e.mechanism_id == entity.mechanism_id)
        return ordered


def _entity_choices(
    entity: Entity, distractors: list[Entity], rng: random.Random, *, own: int
) -> list[dict]:
    """The answer and its distractors, shuffled: five when the case's own differential holds
    four or more, four otherwise."""
    count = MAX_CHOICES if own >= MAX_CHOICES - 1 else CHOICES
    picked = [entity, *distractors[: count - 1]]
    rng.shuffle(picked)
    return [{"key": e.slug, "label": _bilingual(e, "name")} for e in picked]


@dataclass
class Plan:
    kind: str
    case: Case | None
    entity: Entity | None
    image: Image | None = None
    source: Case | None = None  # the case the question came from, for its differential


def _region_image(case: Case) -> Image | None:
    for study in case.studies.all():
        for image in study.images.all():
            if image.is_ready and regions.region_from_annotations(image.annotations):
                return image
    return None


def _plan(cases: list[Case], kinds: list[str]) -> list[Plan]:
    """One question per case, the kinds taken in turn; a case that cannot be asked the kind
    in turn (no region to point at) gets the next kind that it can."""
    plans = []
    for index, case in enumerate(cases):
        for step in range(len(kinds)):
            kind = kinds[(index + step) % len(kinds)]
            if kind == Kind.WHERE:
                image = _region_image(case)
                if image is None:
                    continue
                plans.append(Plan(kind, case, case.diagnosis, image, source=case))
            elif kind == Kind.GLOSSARY:
                plans.append(Plan(kind, None, case.diagnosis, source=case))
            else:
                plans.append(Plan(kind, case, case.diagnosis, source=case))
            break
    return plans


def _question(quiz: Quiz, position: int, plan: Plan, glossary: Glossary, rng) -> Question:
    entity = plan.entity
    question = Question(
        quiz=quiz,
        position=position,
        kind=plan.kind,
        case=plan.case,
        entity=entity,
        mechanism_id=entity.mechanism_id,
    )
    if plan.kind in (Kind.DIAGNOSIS, Kind.GLOSSARY):
        differential = [e.pk for e in plan.source.differential.all()]
        distractors = glossary.related(entity, differential)
        question.choices = _entity_choices(entity, distractors, rng, own=len(differential))
        question.answer_key = entity.slug
        question.answer_label = _bilingual(entity, "name")
        if plan.kind == Kind.GLOSSARY:
            names = entity_names(entity)
            question.prompt = {
                lang: redact(getattr(entity, f"imaging_features_{lang}", "") or "", names)
                for lang in language_codes()
            }
    elif plan.kind == Kind.MECHANISM:
        question.choices = [
            {"key": m.slug, "label": _bilingual(m, "name")} for m in glossary.mechanisms
        ]
        mechanism = next(m for m in glossary.mechanisms if m.pk == entity.mechanism_id)
        question.answer_key = mechanism.slug
        question.answer_label = _bilingual(mechanism, "name")
    else:  # where
        question.image = plan.image
        question.region = regions.region_from_annotations(plan.image.annotations)
        question.answer_key = "region"
        question.answer_label = _bilingual(entity, "name")
    return question


def quiz_cases(cases) -> list[Case]:
    """The cases with what building a quiz reads: diagnosis, differential, images (three
    queries, whatever the count)."""
    return list(
        cases.select_related("diagnosis").prefetch_related("differential", "studies__images")
    )


def sample_case_ids(qs, count: int, rng: random.Random) -> list[int]:
    """`count` case ids drawn at random from the query, in one query of ids only."""
    # Only the ids, in primary-key order: modeltranslation's per-row fallback and the cases'
    # default ordering cost eight times the read itself over 10,000 cases.
    ids = list(qs.rewrite(False).order_by("pk").values_list("pk", flat=True))
    return rng.sample(ids, min(count, len(ids)))


@transaction.atomic
def quiz_build(
    *,
    cases: list[Case],
    kinds: list[str],
    source: str,
    filters: dict | None = None,
    curated_set=None,
    created_by=None,
    seed: int | None = None,
) -> Quiz:
    """A quiz of one question per case, in the order given."""
    if not cases:
        raise ValueError("A quiz needs at least one case.")
    rng = random.Random(seed)
    quiz = Quiz.objects.create(
        source=source,
        filters=filters or {},
        kinds=list(kinds),
        curated_set=curated_set,
        created_by=created_by if created_by and created_by.is_authenticated else None,
    )
    glossary = Glossary()
    plans = _plan(cases[:MAX_QUESTIONS], list(kinds) or [Kind.DIAGNOSIS])
    Question.objects.bulk_create(
        [_question(quiz, n, plan, glossary, rng) for n, plan in enumerate(plans, start=1)]
    )
    return quiz


# -- answering ----------------------------------------------------------------------------------


class AnswerRefused(Exception):
    """An answer that cannot be stored, with the reason to show the reader."""


@dataclass
class Given:
    """What the reader sent for one question, already checked for shape by the form."""

    confidence: str
    number: int | None = None
    text: str = ""
    point: tuple[float, float] | None = None
    seconds: int = 0


def grade(question: Question, given: Given) -> tuple[str, bool]:
    """(the key chosen, whether it was right) for what the reader gave."""
    if question.kind == Kind.WHERE:
        if given.point is None:
            raise AnswerRefused("point")
        image = question.image
        width = (image.width if image else 0) or 1
        height = (image.height if image else 0) or 1
        inside = regions.is_inside(question.region, *given.point, width=width, height=height)
        return ("region" if inside else "outside"), inside
    if given.number is not None:
        if not 1 <= given.number <= len(question.choices):
            raise AnswerRefused("choice")
        key = question.choices[given.number - 1]["key"]
        return key, key == question.answer_key
    if given.text and question.kind in (Kind.DIAGNOSIS, Kind.GLOSSARY):
        entities = {e.slug: entity_names(e) for e in Entity.objects.all()}
        wanted = entities.get(question.answer_key, list(question.answer_label.values()))
        if matching.names_match(given.text, wanted):
            return question.answer_key, True
        others = {key: names for key, names in entities.items() if key != question.answer_key}
        return matching.best_match(given.text, others) or "", False
    raise AnswerRefused("empty")


def answer_submit(*, attempt: Attempt, question: Question, given: Given) -> tuple[Answer, bool]:
    """Store the answer; (the answer, True) if new, (the first answer, False) on a repeat."""
    if question.quiz_id != attempt.quiz_id:
        raise AnswerRefused("quiz")
    if attempt.is_finished:
        raise AnswerRefused("finished")
    existing = Answer.objects.filter(attempt=attempt, question=question).first()
    if existing is not None:
        return existing, False
    if not question_is_open(question):
        raise AnswerRefused("withdrawn")
    key, correct = grade(question, given)
    x, y = given.point if given.point else (None, None)
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                attempt=attempt,
                question=question,
                user=attempt.user,
                case=question.case,
                choice=key,
                text=given.text[: matching.MAX_TEXT],
                x=x,
                y=y,
                correct=correct,
                confidence=given.confidence,
                seconds=min(given.seconds, 3600),
            )
            if attempt.user_id and question.case_id:
                schedule_review(user_id=attempt.user_id, answer=answer)
            _finish_if_complete(attempt)
    except IntegrityError:  # a double submit that raced this one: the first one counts
        return Answer.objects.get(attempt=attempt, question=question), False
    return answer, True


def question_is_open(question: Question) -> bool:
    """A question about a case that has since been unpublished or deleted is withdrawn."""
    if question.kind == Kind.GLOSSARY:
        return question.entity_id is not None
    return question.case_id is not None and question.case.is_published


def _finish_if_complete(attempt: Attempt) -> None:
    open_ids = [q.pk for q in attempt.quiz.questions.select_related("case") if question_is_open(q)]
    answered = attempt.answers.filter(question_id__in=open_ids).count()
    if answered >= len(open_ids):
        Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )


def attempt_finish(*, attempt: Attempt) -> None:
    """End the attempt now; unanswered questions stay unanswered."""
    Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )


def schedule_review(*, user_id: int, answer: Answer) -> ReviewCard:
    """Move the reader's card for the answer's case on by one FSRS review."""
    card, _created = ReviewCard.objects.select_for_update().get_or_create(
        user_id=user_id,
        case_id=answer.case_id,
        defaults={"card": {}, "due": answer.answered_at},
    )
    rating = schedule.rating_for(correct=answer.correct, confidence=answer.confidence)
    card.card, card.due = schedule.review(card.card or None, rating, answer.answered_at)
    card.reviews += 1
    card.last_rating = int(rating)
    card.save()
    return card


# -- signing in ---------------------------------------------------------------------------------


@transaction.atomic
def answers_claim(*, player: str, user) -> int:
    """Give the session's anonymous attempts to the account; returns how many moved. An
    attempt at a quiz the account already took stays anonymous rather than merge two runs."""
    taken = set(Attempt.objects.filter(user=user).values_list("quiz_id", flat=True))
    moving = list(
        Attempt.objects.filter(player=player, user__isnull=True).exclude(quiz_id__in=taken)
    )
    ids = [attempt.pk for attempt in moving]
    Attempt.objects.filter(pk__in=ids).update(user=user)
    Answer.objects.filter(attempt_id__in=ids).update(user=user)
    for answer in Answer.objects.filter(attempt_id__in=ids, case__isnull=False).order_by(
        "answered_at", "pk"
    ):
        schedule_review(user_id=user.pk, answer=answer)
    return len(ids)


def due_cases(user, *, now=None, limit: int | None = None):
    """The user's published cases due for review, soonest first (one query)."""
    now = now or timezone.now()
    qs = (
        ReviewCard.objects.filter(
            Q(user=user), Q(due__lte=now), Q(case__status=Case.Status.PUBLISHED)
        )
        .order_by("due", "pk")
        .defer("card")
    )
    return qs[:limit] if limit else qs


class NoCases(ValueError):
    """Nothing to ask: no published case matches."""


def _in_order(ids: list[int]) -> list[Case]:
    by_id = {case.pk: case for case in quiz_cases(Case.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def quiz_from_filters(
    *, filters: dict, count: int, kinds: list[str], created_by=None, seed: int | None = None
) -> Quiz:
    """`count` published cases drawn at random from those the atlas filters match."""
    from cases.selectors import cases_filtered

    rng = random.Random(seed)
    ids = sample_case_ids(cases_filtered(Case.objects.published(), filters), count, rng)
    if not ids:
        raise NoCases()
    return quiz_build(
        cases=_in_order(ids),
        kinds=kinds,
        source=Quiz.Source.FILTERS,
        filters=filters,
        created_by=created_by,
        seed=rng.randrange(2**32),
    )


def quiz_from_set(*, curated_set, kinds: list[str], created_by=None, seed=None) -> Quiz:
    """The teacher's set, in the teacher's order, its unpublished cases left out."""
    ids = list(
        curated_set.entries.filter(case__status=Case.Status.PUBLISHED).values_list(
            "case_id", flat=True
        )
    )
    if not ids:
        raise NoCases()
    return quiz_build(
        cases=_in_order(ids),
        kinds=kinds,
        source=Quiz.Source.SET,
        curated_set=curated_set,
        created_by=created_by,
        seed=seed,
    )


def quiz_from_due(*, user, count: int, kinds: list[str] | None = None, seed=None) -> Quiz:
    """The user's due cases, soonest first."""
    ids = list(due_cases(user, limit=count).values_list("case_id", flat=True))
    if not ids:
        raise NoCases(_("Nothing is due for review yet."))
    return quiz_build(
        cases=_in_order(ids),
        kinds=kinds or [Kind.DIAGNOSIS],
        source=Quiz.Source.DUE,
        created_by=user,
        seed=seed,
    )


# -- teaching sessions --------------------------------------------------------------------------


@transaction.atomic
def live_session_start(*, playlist, host, seed: int | None = None):
    """A live session of the playlist: a quiz with one question per case step that asks one,
    numbered as the step is, so the projector's place names the question phones answer."""
    from .models import LiveSession, PlaylistItem

    items = list(
        playlist.items.filter(case__status=Case.Status.PUBLISHED)
        .exclude(question=PlaylistItem.Ask.NONE)
        .order_by("position")
    )
    rng = random.Random(seed)
    quiz = Quiz.objects.create(source=Quiz.Source.SET, created_by=host, kinds=[])
    by_id = {case.pk: case for case in _in_order([item.case_id for item in items])}
    glossary = Glossary()
    questions = []
    for item in items:
        case = by_id.get(item.case_id)
        if case is None:
            continue
        plans = _plan([case], [item.question])
        if plans:  # a "where" step whose case has no region asks nothing
            questions.append(_question(quiz, item.position, plans[0], glossary, rng))
    Question.objects.bulk_create(questions)
    return LiveSession.objects.create(playlist=playlist, quiz=quiz, host=host)
