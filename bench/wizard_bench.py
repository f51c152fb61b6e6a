"""Server time of the differential-diagnosis wizard, on the demo and on a large knowledge base.

Run from the repository root:

    .venv/bin/python bench/wizard_bench.py [--repeat 60] [--seed 7]

Uses a throwaway SQLite database: migrates it, loads the demo atlas, times the wizard's pages,
then replaces the knowledge base with the large synthetic one of bench/ddx_bench.py (2,500
entities, 6,000 findings, 50,000 weights) written into the database, and times them again.
Each request goes through Django's test client (URL routing, middleware, view, templates), with
the knowledge base already cached, as it is after the first request of a process; building it
from the database is timed on its own. Answer sets are random but seeded.

Budget: ranking median under 50 ms and the wizard page under 100 ms at the large size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=10)[-1]


def write_large_knowledge_base(kb, *, cases: int, seed: int) -> None:
    """Replace the database's knowledge base with ``kb``, in bulk (signals are not sent)."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, random_case_code
    from diagnosis.models import Entity, Mechanism
    from wizard.models import (
        Contradiction,
        EntityPrior,
        Finding,
        FindingWeight,
        FlowchartNode,
        KnowledgeVersion,
        Question,
        QuestionGroup,
        RetiredFinding,
    )

    rng = random.Random(seed)
    with transaction.atomic():
        FlowchartNode.objects.all().delete()
        # The demo's retired codes name demo findings that the large base does not have.
        RetiredFinding.objects.all().delete()
        Contradiction.objects.all().delete()
        EntityPrior.objects.all().delete()
        QuestionGroup.objects.all().delete()
        mechanisms = {m.slug: m for m in Mechanism.objects.all()}
        Entity.objects.bulk_create(
            [
                Entity(
                    slug=e.slug,
                    name=f"Synthetic {e.slug}",
                    name_en=f"Synthetic {e.slug}",
                    name_es=f"Sintética {e.slug}",
                    definition="Synthetic.",
                    mechanism=mechanisms[e.mechanism],
                )
                for e in kb.entities
            ],
            batch_size=500,
        )
        entity_pk = dict(
            Entity.objects.filter(slug__in=[e.slug for e in kb.entities]).values_list("slug", "pk")
        )
        EntityPrior.objects.bulk_create(
            [EntityPrior(entity_id=entity_pk[e.slug], prior=e.prior) for e in kb.entities],
            batch_size=500,
        )
        groups = QuestionGroup.objects.bulk_create(
            [
                QuestionGroup(key=g.id, label_en=g.label.en, label_es=g.label.es, order=i)
                for i, g in enumerate(kb.groups)
            ]
        )
        group_pk = {g.key: g.pk for g in groups}
        Question.objects.bulk_create(
            [
                Question(
                    key=q.id,
                    group_id=group_pk[q.group],
                    kind=q.kind,
                    text_en=q.text.en,
                    text_es=q.text.es,
                    order=i,
                    cost=q.cost,
                )
                for i, q in enumerate(kb.questions)
            ],
            batch_size=500,
        )
        question_pk = dict(Question.objects.values_list("key", "pk"))
        Finding.objects.bulk_create(
            [
                Finding(
                    code=f.code,
                    question_id=question_pk[q.id],
                    label_en=f.label.en,
                    label_es=f.label.es,
                    base=f.base,
                    order=i,
                )
                for q in kb.questions
                for i, f in enumerate(q.findings)
            ],
            batch_size=500,
        )
        finding_pk = dict(Finding.objects.values_list("code", "pk"))
        FindingWeight.objects.bulk_create(
            [
                FindingWeight(
                    entity_id=entity_pk[w.entity],
                    finding_id=finding_pk[w.finding],
                    lr=w.lr,
                    why_en="synthetic",
                )
                for w in kb.weights
            ],
            batch_size=1000,
        )

        def write(node, parent, order):
            row = FlowchartNode.objects.create(
                key=node.id,
                parent=parent,
                order=order,
                label_en=node.label.en,
                label_es=node.label.es,
            )
            row.select.set([finding_pk[c] for c in node.select])
            row.entities.set([entity_pk[s] for s in node.entities])
            for i, child in enumerate(node.children):
                write(child, row, i)

        write(kb.tree, None, 0)
        # Synthetic entities get filed under a leaf when the tree does not print them.
        leaf = FlowchartNode.objects.filter(children__isnull=True).first()
        EntityPrior.objects.exclude(entity__flowchart_nodes__isnull=False).update(tree_node=leaf)
        slugs = [e.slug for e in kb.entities]
        codes: set[str] = set()
        while len(codes) < cases:
            codes.add(random_case_code())
        Case.objects.bulk_create(
            [
                Case(
                    slug=f"synthetic-case-{n}",
                    # bulk_create skips save(), which gives a case its public code.
                    code=code,
                    age=rng.randint(1, 95),
                    sex=rng.choice("FM"),
                    presentation_en="synthetic presentation",
                    presentation_es="presentación sintética",
                    history_en="Synthetic.",
                    diagnosis_id=entity_pk[rng.choice(slugs)],
                    certainty="clinical",
                    status="published",
                    published_at=timezone.now(),
                )
                for n, code in enumerate(codes)
            ],
            batch_size=500,
        )
        KnowledgeVersion.bump()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60, help="requests per page and size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", type=int, default=2000, help="cases for the large size")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/wizard-bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from ddx_bench import answer_sets, synthetic_kb
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from wizard.ranking import next_best_question, rank
    from wizard.snapshot import knowledge_cache_clear, knowledge_from_db, knowledge_snapshot

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-admin", stdout=open(os.devnull, "w"))
    client = Client()

    def urls_for(kb, rng: random.Random) -> dict[str, list[str]]:
        sets = answer_sets(kb, args.repeat, args.seed)
        steps = [g.id for g in kb.groups]
        pages: dict[str, list[str]] = {"wizard step": [], "wizard results": [], "fragment": []}
        pages["API rank"] = []
        for answers in sets:
            query = urlencode([("f", code) for code in answers])
            pages["wizard step"].append(f"/en/wizard/?{query}&step={rng.choice(steps)}")
            pages["wizard results"].append(f"/en/wizard/?{query}&step=results")
            pages["fragment"].append(f"/en/wizard/results/?{query}&step={rng.choice(steps)}")
            pages["API rank"].append(f"/api/ddx/rank?{query}")
        return pages

    def measure(label: str) -> dict[str, tuple]:
        knowledge_cache_clear()
        start = time.perf_counter()
        knowledge_from_db()
        build = (time.perf_counter() - start) * 1000
        snapshot = knowledge_snapshot()
        kb = snapshot.kb
        rank(kb, [])  # the first call builds the ranking arrays
        rng = random.Random(args.seed)
        sets = answer_sets(kb, args.repeat, args.seed)
        rows: dict[str, tuple] = {"build from database (once)": ((build, build), "")}
        for name, function in (("rank", rank), ("next question", next_best_question)):
            times = []
            for answers in sets:
                start = time.perf_counter()
                function(kb, answers)
                times.append((time.perf_counter() - start) * 1000)
            rows[name] = (summary(times), "")
        for name, urls in urls_for(kb, rng).items():
            client.get(urls[0])
            times = []
            for url in urls:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url[:80], response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(urls[-1])
            rows[name] = (summary(times), len(queries))
        print(
            f"{label}: {len(kb.entities)} entities, {len(kb.findings)} findings, "
            f"{len(kb.weights)} weights, {len(kb.questions)} questions"
        )
        return rows

    demo = measure("demo")
    start = time.perf_counter()
    large_kb = synthetic_kb(seed=args.seed)
    write_large_knowledge_base(large_kb, cases=args.cases, seed=args.seed)
    print(f"large knowledge base written to the database in {time.perf_counter() - start:.1f} s")
    large = measure("large")

    print()
    print(f"{'median / p90, ms':30}{'demo':>18}{'large':>18}{'ratio':>8}{'queries':>9}")
    for name in demo:
        (d_med, d_p90), _ = demo[name]
        (l_med, l_p90), queries = large[name]
        print(
            f"{name:30}{d_med:>8.2f} /{d_p90:>7.2f}{l_med:>9.2f} /{l_p90:>7.2f}"
            f"{l_med / d_med:>7.1f}x{queries!s:>9}"
        )
    (rank_median, _), _ = large["rank"]
    (page_median, _), _ = large["wizard step"]
    print(
        f"\n{args.repeat} requests per row, random seeded answer sets (2 to 12 questions). "
        f"Budget at the large size: rank median {rank_median:.1f} ms (< 50), "
        f"wizard step median {page_median:.1f} ms (< 100)."
    )


if __name__ == "__main__":
    main()
