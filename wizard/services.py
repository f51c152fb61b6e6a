"""Writes to the wizard's knowledge base: loading it, and the findings of cases, from content.

Both run inside the caller's transaction (the content loader's), validate before and after
writing, and raise ``KnowledgeBaseError`` listing every problem, so a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from atlas.lib.i18n import spread
from cases.models import Case
from diagnosis.models import Entity, Mechanism

from .knowledge import KnowledgeBase, KnowledgeBaseError
from .models import (
    CaseFinding,
    Contradiction,
    EntityPrior,
    Finding,
    FindingWeight,
    FlowchartNode,
    KnowledgeVersion,
    Question,
    QuestionGroup,
    Reference,
    RetiredFinding,
)
from .snapshot import knowledge_from_db


@transaction.atomic
def knowledge_load(*, data: Mapping[str, Any]) -> dict[str, int]:
    """Write a knowledge base given as ``ddx.json`` reads into the database, matched by key.

    Groups, questions and findings are matched by key or code, priors by entity, contradictions
    by their pair, flowchart nodes by key, and updated in place. The lists under a row (an
    entity's weights, a node's selecting findings and entities) become the file's lists. Rows
    the file does not mention are left alone. Entities and mechanisms must already be in the
    glossary: its mechanisms are the ones the knowledge base may name.

    A code the file retires (``retired``) stops being a finding: the cases that recorded it
    record each of its parts instead (assumed if it was, and if the case did not already state
    the part), then its row goes, with its weights, selections and contradictions. A code the
    file lists as a finding is no longer retired. References are matched by ``id``.
    """
    problems: list[str] = []
    entities = {e.slug: e for e in Entity.objects.all()}
    missing = [e.get("slug") for e in data.get("entities") or [] if e.get("slug") not in entities]
    if missing:
        problems.append(f"entities not in the glossary: {', '.join(map(str, missing))}")
    mechanisms = {m.slug: m for m in Mechanism.objects.all()}
    try:
        KnowledgeBase.from_dict({**data, "mechanisms": list(mechanisms)})
    except KnowledgeBaseError as error:
        problems += error.problems
    if problems:
        raise KnowledgeBaseError(problems)

    findings: dict[str, Finding] = {}
    for g_order, g in enumerate(data.get("groups") or []):
        group, _ = QuestionGroup.objects.update_or_create(
            key=g["id"], defaults={"order": g_order, **spread("label", g["label"])}
        )
        for q_order, q in enumerate(g.get("questions") or []):
            question, _ = Question.objects.update_or_create(
                key=q["id"],
                defaults={
                    "group": group,
                    "kind": q["kind"],
                    "order": q_order,
                    "cost": q.get("cost", 1),
                    **spread("text", q["text"]),
                },
            )
            answers = q.get("answers") or []
            for a_order, a in enumerate(answers):
                base = a.get("base")
                if base is None:
                    base = 1 / len(answers) if q["kind"] == Question.Kind.SINGLE else 0.1
                findings[a["code"]], _ = Finding.objects.update_or_create(
                    code=a["code"],
                    defaults={
                        "question": question,
                        "base": base,
                        "order": a_order,
                        **spread("label", a["label"]),
                    },
                )

    _retire(data.get("retired") or [], findings)
    references = {
        r["id"]: Reference.objects.update_or_create(key=r["id"], defaults={"text": r["text"]})[0]
        for r in data.get("references") or []
    }

    nodes: dict[str, FlowchartNode] = {}

    def load_node(raw: Mapping, parent: FlowchartNode | None, order: int) -> None:
        node, _ = FlowchartNode.objects.update_or_create(
            key=raw["id"],
            defaults={
                "parent": parent,
                "order": order,
                "mechanism": mechanisms.get(raw.get("mechanism") or ""),
                "printed_profiles": [list(p) for p in raw.get("printed_profiles") or []],
                **spread("label", raw["label"]),
                **spread("note", raw.get("note")),
            },
        )
        node.select.set([findings[code] for code in raw.get("select") or []])
        node.entities.set([entities[slug] for slug in raw.get("entities") or []])
        nodes[node.key] = node
        for child_order, child in enumerate(raw.get("children") or []):
            load_node(child, node, child_order)

    load_node(data["tree"], None, 0)

    weights = {
        (w.entity_id, w.finding_id): w
        for w in FindingWeight.objects.filter(
            entity__slug__in=[e["slug"] for e in data.get("entities") or []]
        )
    }
    keep, new, changed = set(), [], []
    flat = [
        {**w, "entity": e["slug"]}
        for e in data.get("entities") or []
        for w in e.get("weights") or []
    ] + list(data.get("weights") or [])
    for e in data.get("entities") or []:
        EntityPrior.objects.update_or_create(
            entity=entities[e["slug"]],
            defaults={
                "prior": e["prior"],
                "tree_node": nodes.get(e.get("tree_node") or ""),
                "note": e.get("note") or "",
            },
        )
    for w in flat:
        entity, finding = entities[w["entity"]], findings[w["finding"]]
        reference = references.get(w.get("ref") or "")
        values = {"lr": w["lr"], "reference_id": reference.pk if reference else None}
        values.update(spread("why", w.get("why")))
        row = weights.get((entity.pk, finding.pk))
        keep.add((entity.pk, finding.pk))
        if row is None:
            new.append(FindingWeight(entity=entity, finding=finding, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    FindingWeight.objects.bulk_create(new)
    FindingWeight.objects.bulk_update(changed, ["lr", "reference", "why_en", "why_es"])
    stale = [row.pk for key, row in weights.items() if key not in keep]
    FindingWeight.objects.filter(pk__in=stale).delete()

    for c in data.get("contradictions") or []:
        first, second = (findings[code] for code in c["findings"])
        row = (
            Contradiction.objects.filter(first=first, second=second).first()
            or Contradiction.objects.filter(first=second, second=first).first()
            or Contradiction(first=first, second=second)
        )
        for key, value in spread("why", c.get("why")).items():
            setattr(row, key, value)
        row.save()

    # Bulk writes send no signals; the cached knowledge base must still see them.
    KnowledgeVersion.bump()
    knowledge_from_db()
    return {
        "questions": sum(len(g.get("questions") or []) for g in data.get("groups") or []),
        "findings": len(findings),
        "weights": len(flat),
        "flowchart nodes": len(nodes),
        "retired codes": len(data.get("retired") or []),
    }


def _retire(raw: list[Mapping[str, Any]], findings: dict[str, Finding]) -> None:
    """Write the retired codes, moving what recorded an old finding onto its parts."""
    RetiredFinding.objects.filter(code__in=findings).delete()  # live again
    for r in raw:
        parts = [findings[code] for code in r["into"]]
        old = Finding.objects.filter(code=r["code"]).first()
        if old is not None:
            stated = {
                (row.case_id, row.finding_id): row
                for row in CaseFinding.objects.filter(
                    case__in=old.case_findings.values("case"), finding__in=parts
                )
            }
            for moved in old.case_findings.all():
                for part in parts:
                    row = stated.get((moved.case_id, part.pk))
                    if row is None:
                        CaseFinding.objects.create(
                            case_id=moved.case_id, finding=part, assumed=moved.assumed
                        )
                    elif row.assumed and not moved.assumed:
                        # Stated under the old code: the part is stated, not assumed.
                        row.assumed = False
                        row.save(update_fields=["assumed"])
            old.delete()
        retired, _ = RetiredFinding.objects.update_or_create(
            code=r["code"], defaults=spread("why", r.get("why"))
        )
        retired.into.set(parts)


@transaction.atomic
def case_findings_load(*, data: Mapping[str, Any]) -> dict[str, int]:
    """Record each listed case's findings (``case_findings.json``); its list replaces the old."""
    rows = data.get("cases") or []
    codes = {c for row in rows for c in [*row.get("findings", []), *row.get("assumed", [])]}
    # A retired code is recorded as its parts.
    parts: dict[str, list[str]] = {}
    for code, part in RetiredFinding.objects.filter(code__in=codes).values_list(
        "code", "into__code"
    ):
        if part:
            parts.setdefault(code, []).append(part)
    rows = [
        {
            **row,
            "findings": _expand(row.get("findings", []), parts),
            "assumed": _expand(row.get("assumed", []), parts),
        }
        for row in rows
    ]
    codes = {c for row in rows for c in [*row["findings"], *row["assumed"]]}
    findings = {f.code: f for f in Finding.objects.filter(code__in=codes)}
    cases = {c.slug: c for c in Case.objects.filter(slug__in=[r.get("case") for r in rows])}
    problems = [
        f"case findings: no case {r.get('case')!r}" for r in rows if r.get("case") not in cases
    ]
    problems += [
        f"case findings: unknown finding {code!r}" for code in sorted(codes - set(findings))
    ]
    if problems:
        raise KnowledgeBaseError(problems)
    for row in rows:
        case = cases[row["case"]]
        wanted = {code: False for code in row["findings"]}
        wanted.update({code: True for code in row["assumed"]})
        CaseFinding.objects.filter(case=case).exclude(finding__code__in=wanted).delete()
        for code, assumed in wanted.items():
            CaseFinding.objects.update_or_create(
                case=case, finding=findings[code], defaults={"assumed": assumed}
            )
    return {"cases with findings": len(rows)}


def _expand(codes: list[str], parts: dict[str, list[str]]) -> list[str]:
    return [part for code in codes for part in parts.get(code, [code])]
