"""Time the differential ranking on the demo knowledge base and on a large synthetic one.

Run from the repository root:

    .venv/bin/python bench/ddx_bench.py [--sets 300] [--seed 7]

The synthetic knowledge base has 2,500 entities, 6,000 findings in about 1,200 questions and
50,000 weights, all drawn from a seeded generator, so runs are comparable. Each timing is one
call of ``rank`` or ``next_best_question`` on a random answer set; the first call on each
knowledge base, which builds the cached arrays, is timed on its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wizard.knowledge import KnowledgeBase  # noqa: E402
from wizard.ranking import next_best_question, rank  # noqa: E402

# The demo glossary's mechanisms; the wizard takes them from the glossary, not from code.
MECHANISMS = ("dystrophic", "metastatic", "iatrogenic", "idiopathic")


def synthetic_kb(
    *, entities: int = 2500, findings: int = 6000, weights: int = 50000, seed: int = 7
) -> KnowledgeBase:
    """A large, valid knowledge base with random questions, priors and likelihood ratios."""
    rng = random.Random(seed)

    def text(s: str) -> dict:
        return {"en": s, "es": s}

    questions, made = [], 0
    while made < findings:
        kind = "single" if rng.random() < 0.5 else "multi"
        size = min(rng.randint(2, 6) if kind == "single" else rng.randint(3, 10), findings - made)
        if size < 2:
            kind, size = "multi", max(size, 1)
        qid = f"q{len(questions)}"
        if kind == "single":
            raw = [rng.random() + 0.05 for _ in range(size)]
            bases = [r / sum(raw) for r in raw]
        else:
            bases = [rng.uniform(0.02, 0.3) for _ in range(size)]
        answers = [
            {"code": f"{qid}.a{i}", "label": text(f"{qid} answer {i}"), "base": round(b, 6)}
            for i, b in enumerate(bases)
        ]
        questions.append({"id": qid, "kind": kind, "text": text(qid), "answers": answers})
        made += size
    groups = [
        {"id": f"g{g}", "label": text(f"group {g}"), "questions": questions[g::7]} for g in range(7)
    ]
    base_of = {a["code"]: a["base"] for q in questions for a in q["answers"]}
    codes = list(base_of)

    slugs = [f"entity-{i}" for i in range(entities)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < weights:
        pairs.add((rng.randrange(entities), rng.randrange(len(codes))))
    flat = []
    for e, f in sorted(pairs):
        code = codes[f]
        lr = min(max(rng.lognormvariate(0, 1.2), 0.01), 0.999 / base_of[code], 100.0)
        flat.append({"entity": slugs[e], "finding": code, "lr": round(lr, 4)})

    first = questions[0]
    leaves = [
        {
            "id": f"leaf-{i}",
            "label": text(f"leaf {i}"),
            "select": [answer["code"]],
            "entities": slugs[i * 10 : i * 10 + 10],
        }
        for i, answer in enumerate(first["answers"])
    ]
    return KnowledgeBase.from_dict(
        {
            "mechanisms": list(MECHANISMS),
            "groups": groups,
            "entities": [
                {
                    "slug": slug,
                    "mechanism": rng.choice(MECHANISMS),
                    "prior": rng.lognormvariate(0, 1),
                }
                for slug in slugs
            ],
            "weights": flat,
            "tree": {"id": "root", "label": text("root"), "children": leaves},
        }
    )


def answer_sets(kb: KnowledgeBase, count: int, seed: int) -> list[list[str]]:
    """Random wizard sessions: a few questions answered, the odd unknown code."""
    rng = random.Random(seed)
    questions = kb.questions
    sets = []
    for _ in range(count):
        chosen = rng.sample(questions, min(len(questions), rng.randint(2, 12)))
        answers = []
        for q in chosen:
            if q.single:
                answers.append(rng.choice(q.codes))
            else:
                answers.extend(rng.sample(q.codes, rng.randint(1, min(3, len(q.codes)))))
        if rng.random() < 0.1:
            answers.append("unknown.code")
        sets.append(answers)
    return sets


def rank_first_ten(kb: KnowledgeBase, answers: list[str]) -> list:
    """What the wizard page does: rank, then read the first ten results."""
    return rank(kb, answers).results[:10]


def rank_all(kb: KnowledgeBase, answers: list[str]) -> list:
    """Rank, then make every result, reasons included."""
    return list(rank(kb, answers).results)


def time_calls(function, kb: KnowledgeBase, sets: list[list[str]]) -> list[float]:
    times = []
    for answers in sets:
        start = time.perf_counter()
        function(kb, answers)
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=300, help="random answer sets per timing")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    demo = KnowledgeBase.from_json()
    start = time.perf_counter()
    large = synthetic_kb(seed=args.seed)
    built = time.perf_counter() - start
    print(
        f"demo:  {len(demo.entities):>5} entities {len(demo.findings):>5} findings "
        f"{len(demo.weights):>6} weights"
    )
    print(
        f"large: {len(large.entities):>5} entities {len(large.findings):>5} findings "
        f"{len(large.weights):>6} weights (built and validated in {built:.2f} s)"
    )

    rows = []
    for name, kb in (("demo", demo), ("large", large)):
        start = time.perf_counter()
        rank(kb, [])
        first = (time.perf_counter() - start) * 1000
        sets = answer_sets(kb, args.sets, args.seed)
        rows.append(
            (
                name,
                first,
                summary(time_calls(rank_first_ten, kb, sets)),
                summary(time_calls(rank_all, kb, sets)),
                summary(time_calls(next_best_question, kb, sets)),
            )
        )

    print()
    print(f"{'':28}{'demo':>12}{'large':>12}{'ratio':>9}")
    (_, first_d, rank_d, all_d, next_d), (_, first_l, rank_l, all_l, next_l) = rows
    lines = [
        ("first call (builds index)", first_d, first_l),
        ("rank, top 10 read: median", rank_d[0], rank_l[0]),
        ("rank, top 10 read: p95", rank_d[1], rank_l[1]),
        ("rank, all read: median", all_d[0], all_l[0]),
        ("rank, all read: p95", all_d[1], all_l[1]),
        ("next question: median", next_d[0], next_l[0]),
        ("next question: p95", next_d[1], next_l[1]),
    ]
    for label, d, lg in lines:
        print(f"{label:28}{d:>9.3f} ms{lg:>9.3f} ms{lg / d:>8.1f}x")
    print(
        f"\n{args.sets} random answer sets per row; budget for rank: median under 50 ms. "
        "Tails on the large knowledge base are mostly Python's garbage collector walking its "
        "objects."
    )


if __name__ == "__main__":
    main()
