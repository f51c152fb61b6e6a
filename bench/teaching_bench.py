"""Self-assessment at scale: building a quiz, the due list and the progress page.

Run from the repository root:

    .venv/bin/python bench/teaching_bench.py [--cases 10000] [--answers 5000] [--repeat 40]

Uses a throwaway SQLite database, or DATABASE_URL's if given (a scratch database: it is filled
once and reused by later runs). It migrates it, loads the demo atlas, adds --cases published
cases in bulk (each with a study, a region tag and a differential of three), then gives one
reader --answers answers, each about a different case, with the FSRS card each answer leaves;
about half the cards are due. Prints the median and p90 of the wall time in milliseconds, the
median CPU time of this process (SQLite runs in it; on a busy machine the wall time also counts
waiting for a core), the number of runs and the query count of:

- a 20-question quiz built from the atlas filters (teaching.services.quiz_from_filters), with a
  mechanism filter and with none, and with every kind of question; the quiz and its questions
  are written each time;
- the reader's due list (services.due_cases), evaluated whole, and its first 20, as
  services.quiz_from_due reads it;
- the progress page, through the test client (routing, middleware, view, template).

Budget: quiz and due list medians under 50 ms; the progress page under 100 ms.

Most of a quiz's time once went into sample_case_ids reading every matching case's id through
modeltranslation's fallback iterator (a dict and a tuple per row), sorted by the cases' default
ordering; it now reads them with `.rewrite(False).order_by("pk")`, about eight times faster.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_cases(count: int, rng: random.Random) -> None:
    """`count` published cases in bulk, each with its own neutral code (save() is not called,
    so the codes are drawn here, as Case.objects.new_code would)."""
    from django.db import transaction
    from django.utils import timezone

    from atlas.models import Tag
    from cases.models import Case, Study, TaggedCase, random_case_code
    from diagnosis.models import Entity

    entities = list(Entity.objects.all())
    regions = list(Tag.objects.filter(kind=Tag.Kind.REGION)) or list(Tag.objects.all())
    taken = set(Case.objects.values_list("code", flat=True))
    now = timezone.now()
    cases = []
    for n in range(count):
        code = random_case_code()
        while code in taken:
            code = random_case_code()
        taken.add(code)
        cases.append(
            Case(
                slug=f"bench-{n}",
                code=code,
                age=rng.randint(18, 90),
                sex=rng.choice("FM"),
                presentation_en="a lump",
                presentation_es="un bulto",
                history_en="A generated history.",
                history_es="Una historia generada.",
                diagnosis=rng.choice(entities),
                certainty=Case.Certainty.CLINICAL,
                status=Case.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
            )
        )
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=500)
        cases = list(Case.objects.filter(slug__startswith="bench-"))
        Study.objects.bulk_create(
            [Study(case=case, order=1, modality=rng.choice(["CT", "XR", "MR"])) for case in cases],
            batch_size=1000,
        )
        if regions:
            TaggedCase.objects.bulk_create(
                [TaggedCase(content_object=case, tag=rng.choice(regions)) for case in cases],
                batch_size=1000,
            )
        through = Case.differential.through
        rows = []
        for case in cases:
            others = [e for e in rng.sample(entities, 4) if e.pk != case.diagnosis_id][:3]
            rows += [through(case_id=case.pk, entity_id=e.pk) for e in others]
        through.objects.bulk_create(rows, batch_size=1000)


def add_answers(user, count: int, rng: random.Random) -> None:
    """`count` answers by the user, one per case, over the past year, in quizzes of twenty,
    and the FSRS card each answer leaves (about half of them due now)."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from teaching.lib import schedule
    from teaching.models import Answer, Attempt, Confidence, Kind, Question, Quiz, ReviewCard

    now = timezone.now()
    cases = list(Case.objects.published().select_related("diagnosis").order_by("pk")[:count])
    with transaction.atomic():
        answers, cards = [], []
        for start in range(0, len(cases), 20):
            quiz = Quiz.objects.create(source=Quiz.Source.FILTERS)
            attempt = Attempt.objects.create(quiz=quiz, user=user, finished_at=now)
            chunk = cases[start : start + 20]
            questions = Question.objects.bulk_create(
                [
                    Question(
                        quiz=quiz,
                        position=n,
                        kind=Kind.DIAGNOSIS,
                        case=case,
                        entity=case.diagnosis,
                        mechanism_id=case.diagnosis.mechanism_id,
                        answer_key=case.diagnosis.slug,
                        answer_label={"en": case.diagnosis.name_en, "es": case.diagnosis.name_es},
                    )
                    for n, case in enumerate(chunk, start=1)
                ]
            )
            for question, case in zip(questions, chunk, strict=True):
                correct = rng.random() < 0.7
                confidence = rng.choice(Confidence.values)
                when = now - timedelta(days=rng.uniform(0, 365))
                answers.append(
                    Answer(
                        attempt=attempt,
                        question=question,
                        user=user,
                        case=case,
                        choice=case.diagnosis.slug if correct else "other",
                        correct=correct,
                        confidence=confidence,
                    )
                )
                rating = schedule.rating_for(correct=correct, confidence=confidence)
                card, _due = schedule.review(None, rating, when)
                due = now + timedelta(days=rng.uniform(-60, 60))
                cards.append(
                    ReviewCard(
                        user=user, case=case, card=card, due=due, reviews=1, last_rating=rating
                    )
                )
                answers[-1].when = when
        Answer.objects.bulk_create(answers, batch_size=1000)
        for answer in answers:  # answered_at is set on creation; spread it over the year
            answer.answered_at = answer.when
        Answer.objects.bulk_update(answers, ["answered_at"], batch_size=1000)
        ReviewCard.objects.bulk_create(cards, batch_size=1000)


def measure(label: str, run, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm caches and template loading
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        run()
    p90 = statistics.quantiles(times, n=10)[-1]
    print(
        f"{label:42} {statistics.median(times):10.2f} {p90:8.2f} "
        f"{statistics.median(cpu):8.2f} {repeat:6d} {len(queries):8d}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cases.models import Case
    from diagnosis.models import Mechanism
    from teaching import services
    from teaching.models import Kind

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    # With DEBUG every query is kept in a log of 9,000, which then miscounts; and DEBUG's
    # extra work is not what a server does.
    settings.DEBUG = False
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, unused here
    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    user = get_user_model().objects.filter(username="bench-reader").first()
    if user is None:  # a database given in DATABASE_URL is filled once, then reused
        call_command("load_demo", "--no-admin", stdout=open(os.devnull, "w"))
        add_cases(args.cases, rng)
        user = get_user_model().objects.create_user("bench-reader", password="pw")
        add_answers(user, args.answers, rng)
    print(
        f"{connection.vendor}: {Case.objects.published().count()} published cases; "
        f"{args.answers} answers and review cards for one reader; "
        f"data made in {time.perf_counter() - started:.1f} s"
    )
    mechanism = (
        Mechanism.objects.filter(entities__cases__isnull=False).order_by("order").first().slug
    )
    now = timezone.now()
    print(f"due now: {services.due_cases(user, now=now).count()} cards")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'measure':42} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8} {'runs':>6} {'queries':>8}"
    )
    kinds = [Kind.DIAGNOSIS]
    every_kind = [Kind.DIAGNOSIS, Kind.MECHANISM, Kind.WHERE, Kind.GLOSSARY]
    measure(
        f"quiz of 20, filter mechanism={mechanism}",
        lambda: services.quiz_from_filters(filters={"mechanism": mechanism}, count=20, kinds=kinds),
        args.repeat,
    )
    measure(
        "quiz of 20, no filter",
        lambda: services.quiz_from_filters(filters={}, count=20, kinds=kinds),
        args.repeat,
    )
    measure(
        "quiz of 20, no filter, every kind",
        lambda: services.quiz_from_filters(filters={}, count=20, kinds=every_kind),
        args.repeat,
    )
    measure(
        "due list, evaluated whole",
        lambda: list(services.due_cases(user, now=now)),
        args.repeat,
    )
    measure(
        "due list, first 20 case ids",
        lambda: list(services.due_cases(user, now=now, limit=20).values_list("case_id", flat=True)),
        args.repeat,
    )
    client = Client()
    client.force_login(user)

    def progress_page() -> None:
        response = client.get("/en/quiz/progress/")
        assert response.status_code == 200, response.status_code

    measure("progress page (test client)", progress_page, args.repeat)


if __name__ == "__main__":
    main()
