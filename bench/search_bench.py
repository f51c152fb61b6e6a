"""Server time of the search page over many padding cases, on SQLite or PostgreSQL.

Run: .venv/bin/python bench/search_bench.py [--cases N] [--repeat R] [--database-url URL]
Without --database-url it uses a throwaway SQLite file. With a PostgreSQL URL it pads that
database up to N cases and keeps them, so a second run only measures (never point it at a
database whose content matters). Prints the median and p90 in milliseconds per query.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Words a radiology history holds, accented as written; the padding draws sentences from them.
WORDS_ES = (
    "paciente dolor crónico tumefacción rodilla cadera codo hombro muñeca tobillo fémur tibia "
    "peroné húmero radio cúbito columna lumbar cervical dorsal calcificación calcificaciones "
    "lineales amorfas periarticulares partes blandas lesión lítica esclerosa bien definida "
    "márgenes escleróticos reacción perióstica fractura patológica edema óseo derrame "
    "articular sinovitis erosiones geodas osteopenia yuxtaarticular densidad heterogénea "
    "nódulo masa quiste hemorragia necrosis realce periférico tras contraste señal "
    "hiperintensa hipointensa secuencias potenciadas difusión restringida tomografía "
    "resonancia ecografía radiografía gammagrafía antecedentes traumatismo previo fiebre "
    "pérdida peso analítica normal elevación reactantes fase aguda biopsia confirmó"
).split()
WORDS_EN = (
    "patient chronic pain swelling knee hip elbow shoulder wrist ankle femur tibia fibula "
    "humerus radius ulna spine lumbar cervical thoracic calcification calcifications linear "
    "amorphous periarticular soft tissue lytic sclerotic well defined lesion sclerotic "
    "margins periosteal reaction pathological fracture bone marrow oedema joint effusion "
    "synovitis erosions cysts juxta-articular osteopenia heterogeneous density nodule mass "
    "cyst haemorrhage necrosis peripheral enhancement after contrast signal hyperintense "
    "hypointense weighted sequences restricted diffusion computed tomography magnetic "
    "resonance ultrasound radiograph scintigraphy history previous trauma fever weight loss "
    "laboratory normal raised inflammatory markers biopsy confirmed"
).split()
RARE_WORD = "xantogranulomatosa"
RARE_EVERY = 5000

QUERIES = {
    "common word": "calcificacion",
    "common prefix": "calcif",
    "two common words": "dolor rodilla",
    "rare word": RARE_WORD,
    "absent word": "zzzqqq",
    "short word": "tc",
    "accented, capitals": "CALCIFICACIÓN PERIARTICULAR",
}


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def pad(target: int) -> None:
    """Bulk-create published cases, with one study each, until there are `target` cases."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from cases.models import Case, Study
    from diagnosis.models import Entity, Mechanism

    have = Case.objects.count()
    if have >= target:
        return
    mechanism, _ = Mechanism.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench", "name_es": "Banco", "order": 99}
    )
    entities = []
    for n in range(40):
        entity, _ = Entity.objects.get_or_create(
            slug=f"bench-entity-{n}",
            defaults={
                "name_en": f"Bench entity {n}",
                "name_es": f"Entidad de banco {n}",
                "mechanism": mechanism,
            },
        )
        entities.append(entity)
    rng = random.Random(12)
    next_id = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    now = timezone.now()
    batch = 2000
    for start in range(have, target, batch):
        cases, studies = [], []
        for n in range(start, min(start + batch, target)):
            history_es = " ".join(sentence(rng, WORDS_ES, 12) for _ in range(5))
            history_en = " ".join(sentence(rng, WORDS_EN, 12) for _ in range(5))
            if n % RARE_EVERY == 0:
                history_es += f" Lesión {RARE_WORD}."
            case = Case(
                pk=next_id,
                slug=f"bench-{n}",
                code=f"bench-{n}",
                age=rng.randint(1, 95),
                sex=rng.choice("FMO"),
                presentation_en=sentence(rng, WORDS_EN, 3),
                presentation_es=sentence(rng, WORDS_ES, 3),
                history_en=history_en,
                history_es=history_es,
                diagnosis=rng.choice(entities),
                certainty=Case.Certainty.CLINICAL,
                discussion_en=sentence(rng, WORDS_EN, 20),
                discussion_es=sentence(rng, WORDS_ES, 20),
                status=Case.Status.PUBLISHED,
                published_at=now - timezone.timedelta(minutes=n),
            )
            study = Study(
                case=case,
                order=1,
                modality="CT",
                description_en="CT",
                description_es="TC",
                findings_en=" ".join(sentence(rng, WORDS_EN, 10) for _ in range(3)),
                findings_es=" ".join(sentence(rng, WORDS_ES, 10) for _ in range(3)),
            )
            # What save() then reindex() would store, without a query per case.
            case._prefetched_objects_cache = {"studies": [study]}
            case.search_text = case.build_search_text()
            case.search_text_revealed = case.build_revealed_search_text()
            del case._prefetched_objects_cache
            cases.append(case)
            studies.append(study)
            next_id += 1
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            Study.objects.bulk_create(studies)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def no_style():
    from django.core.management.color import no_style as style

    return style()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.models import Case

    setup_test_environment()  # so a response carries its context, to count what was found
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    pad(args.cases)
    padding = time.perf_counter() - started
    print(f"{Case.objects.count()} cases on {connection.vendor} (padding {padding:.0f} s)")

    readers = {"hides diagnoses": Client(), "shows diagnoses": Client()}
    readers["shows diagnoses"].post("/en/diagnoses/", {"show": "1"})
    # On a shared machine the wall clock counts time spent waiting for a core; this process's
    # CPU time does not, and on SQLite (in-process) it is close to the time on an idle machine.
    print(f"{'query':22} {'reader':16} {'found':>5} {'median ms':>10} {'p90 ms':>8} {'cpu ms':>7}")
    for label, query in QUERIES.items():
        for reader, client in readers.items():
            times, cpu = [], []
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get("/en/search/", {"q": query})
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, response.status_code
            found = len(response.context["cases"])
            p90 = statistics.quantiles(times, n=10)[-1]
            print(
                f"{label:22} {reader:16} {found:5} {statistics.median(times):10.1f} {p90:8.1f}"
                f" {statistics.median(cpu):7.1f}"
            )


if __name__ == "__main__":
    main()
