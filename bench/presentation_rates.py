"""How often a knowledge base puts the right diagnosis first, in the top two and in the top three,
over the table of classic presentations in tests/wizard/presentations.json.

Run from the repository root:

    .venv/bin/python bench/presentation_rates.py [--kb PATH]

PATH defaults to the demo fixture. Codes the knowledge base does not know are left out of the
ranking, as the wizard leaves them out, and counted: run on a knowledge base that predates the
vocabulary of issue 9, the rates are a "before" figure. Top-2 is reported for the rows the table
marks as metastatic with a laboratory value, whose target is the top two; every other row's
target is the top three. Each miss is listed with its rank and the leaders.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.knowledge import DEMO_PATH, KnowledgeBase  # noqa: E402
from wizard.ranking import rank  # noqa: E402

TABLE_PATH = ROOT / "tests" / "wizard" / "presentations.json"


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f} %)" if total else "0/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=DEMO_PATH, help="ddx.json to rank with")
    parser.add_argument("--table", type=Path, default=TABLE_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args()

    kb = KnowledgeBase.from_json(args.kb)
    rows = json.loads(args.table.read_text(encoding="utf-8"))["presentations"]
    known_entities = {entity.slug for entity in kb.entities}

    positions: dict[str, int | None] = {}
    ignored: Counter[str] = Counter()
    rows_with_ignored = 0
    misses = []
    for row in rows:
        ranking = rank(kb, row["findings"])
        ignored.update(ranking.ignored)
        rows_with_ignored += bool(ranking.ignored)
        entity = row["entity"]
        position = ranking.position(entity) if entity in known_entities else None
        positions[row["id"]] = position
        target = 2 if row["metastatic_lab"] else 3
        if position is None or position > target:
            leaders = ", ".join(result.entity for result in ranking.results[:3])
            misses.append((row, position, target, leaders, ranking.ignored))

    def within(n: int, subset: list[dict]) -> int:
        return sum(1 for r in subset if positions[r["id"]] is not None and positions[r["id"]] <= n)

    marked = [r for r in rows if r["metastatic_lab"]]
    print(f"knowledge base: {args.kb}")
    print(f"presentations: {len(rows)} ({len(marked)} metastatic with a laboratory value)")
    print(f"top-1: {rate(within(1, rows), len(rows))}")
    print(f"top-3: {rate(within(3, rows), len(rows))}")
    print(f"top-2, metastatic with a laboratory value: {rate(within(2, marked), len(marked))}")
    print(
        f"unknown codes ignored: {sum(ignored.values())} uses of {len(ignored)} codes,"
        f" in {rows_with_ignored} of {len(rows)} presentations"
    )
    if ignored:
        print("  " + ", ".join(f"{code} ×{n}" for code, n in sorted(ignored.items())))
    print(f"misses (beyond the top three, or the top two where marked): {len(misses)}")
    for row, position, target, leaders, row_ignored in misses:
        where = "not in the knowledge base" if position is None else f"rank {position}"
        print(f"  {row['id']}: {row['entity']} {where} (target top {target}); leaders: {leaders}")
        if row_ignored:
            print(f"    ignored: {', '.join(row_ignored)}")


if __name__ == "__main__":
    main()
