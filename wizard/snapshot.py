"""The knowledge base as the database holds it, built once per version and cached.

``knowledge_snapshot()`` costs one query when nothing has changed: it reads the version token
(``KnowledgeVersion``) and returns the ``KnowledgeBase`` this process built for that token. After
any change to the knowledge-base tables the token is new, and the next request rebuilds the
knowledge base in eleven queries. A database that does not make a consistent knowledge base (an
editor's change half-way) keeps the last consistent one in service, with its problems attached
for staff; with none to fall back on, ``KnowledgeBaseError`` says why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from atlas.lib.i18n import columns, gather
from diagnosis.models import Mechanism

from .knowledge import KnowledgeBase, KnowledgeBaseError, Text
from .models import (
    Contradiction,
    EntityPrior,
    Finding,
    FindingWeight,
    FlowchartNode,
    KnowledgeVersion,
    QuestionGroup,
    RetiredFinding,
)
from .models import Question as QuestionRow

# The wizard's last step; no question group may take its key.
RESULTS_STEP = "results"


@dataclass(frozen=True)
class Snapshot:
    """A knowledge base with what the pages need besides it, built once per version."""

    kb: KnowledgeBase
    token: str | None
    entity_pk: dict[str, int]
    names: dict[str, Text]
    mechanism_names: dict[str, Text]
    # Set when the database is inconsistent and this is the last consistent knowledge base.
    problems: tuple[str, ...] = ()


def _optional_text(row: dict, name: str) -> dict | None:
    text = gather(row, name)
    return text if any(text.values()) else None


def knowledge_from_db(token: str | None = None) -> Snapshot:
    """Build and validate the knowledge base from the database, in eleven queries.

    Groups, questions, findings, priors, weights (with their references), contradictions,
    retired codes (with their parts), the three of the flowchart, and the glossary's mechanisms.
    """
    problems: list[str] = []
    groups = list(
        QuestionGroup.objects.order_by("order", "key").values("pk", "key", *columns("label"))
    )
    questions = list(
        QuestionRow.objects.order_by("order", "key").values(
            "pk", "group_id", "key", "kind", "cost", *columns("text")
        )
    )
    findings = list(
        Finding.objects.order_by("order", "code").values(
            "pk", "question_id", "code", "base", *columns("label")
        )
    )
    answers_of: dict[int, list[dict]] = {}
    code_of: dict[int, str] = {}
    for row in findings:
        code_of[row["pk"]] = row["code"]
        answers_of.setdefault(row["question_id"], []).append(
            {"code": row["code"], "label": gather(row, "label"), "base": row["base"]}
        )
    questions_of: dict[int, list[dict]] = {}
    for row in questions:
        questions_of.setdefault(row["group_id"], []).append(
            {
                "id": row["key"],
                "kind": row["kind"],
                "cost": row["cost"],
                "text": gather(row, "text"),
                "answers": answers_of.get(row["pk"], []),
            }
        )
    for row in groups:
        if row["key"] == RESULTS_STEP:
            problems.append(f"group key {RESULTS_STEP!r} is kept for the wizard's last step")

    priors = list(
        EntityPrior.objects.order_by("entity__slug").values(
            "entity_id",
            "prior",
            "entity__slug",
            "entity__name_en",
            "entity__name_es",
            "entity__mechanism__slug",
            "tree_node__key",
        )
    )
    # The references come with the weights that cite them: one query for both.
    weights = FindingWeight.objects.values_list(
        "entity__slug",
        "finding__code",
        "lr",
        "why_en",
        "why_es",
        "reference__key",
        "reference__text",
    )
    flat_weights, references = [], {}
    for slug, code, lr, why_en, why_es, ref, citation in weights:
        flat_weights.append(
            {
                "entity": slug,
                "finding": code,
                "lr": lr,
                "why": {"en": why_en or "", "es": why_es or ""},
                "ref": ref,
            }
        )
        if ref:
            references[ref] = citation
    contradictions = [
        {"findings": [first, second], "why": {"en": en or "", "es": es or ""}}
        for first, second, en, es in Contradiction.objects.order_by("pk").values_list(
            "first__code", "second__code", "why_en", "why_es"
        )
    ]
    retired = _retired(code_of)
    tree = _tree(problems, code_of)
    # The glossary's mechanisms are the ones the knowledge base may name.
    mechanisms = list(Mechanism.objects.values("slug", *columns("name")))

    data = {
        "mechanisms": [m["slug"] for m in mechanisms],
        "groups": [
            {
                "id": g["key"],
                "label": gather(g, "label"),
                "questions": questions_of.get(g["pk"], []),
            }
            for g in groups
        ],
        "entities": [
            {
                "slug": p["entity__slug"],
                "mechanism": p["entity__mechanism__slug"],
                "prior": p["prior"],
                "tree_node": p["tree_node__key"],
            }
            for p in priors
        ],
        "weights": flat_weights,
        "references": [{"id": key, "text": text} for key, text in sorted(references.items())],
        "retired": retired,
        "contradictions": contradictions,
        "tree": tree,
    }
    try:
        kb = KnowledgeBase.from_dict(data)
    except KnowledgeBaseError as error:
        raise KnowledgeBaseError(problems + error.problems) from None
    if problems:
        raise KnowledgeBaseError(problems)
    return Snapshot(
        kb=kb,
        token=token,
        entity_pk={p["entity__slug"]: p["entity_id"] for p in priors},
        names={
            p["entity__slug"]: Text(p["entity__name_en"] or "", p["entity__name_es"] or "")
            for p in priors
        },
        mechanism_names={
            m["slug"]: Text(m["name_en"] or "", m["name_es"] or "") for m in mechanisms
        },
    )


def _retired(code_of: dict[int, str]) -> list[dict]:
    """Retired codes with their parts in wizard order, as ``from_dict`` reads them (one query)."""
    order = {code: i for i, code in enumerate(code_of.values())}
    retired: dict[str, dict] = {}
    # A left join: a retired code whose parts were all deleted still comes, with none.
    for code, why_en, why_es, part in RetiredFinding.objects.order_by("code").values_list(
        "code", "why_en", "why_es", "into__code"
    ):
        row = retired.setdefault(code, {"code": code, "into": []})
        if why_en or why_es:
            row["why"] = {"en": why_en or "", "es": why_es or ""}
        if part:
            row["into"].append(part)
    for row in retired.values():
        row["into"].sort(key=lambda c: order.get(c, -1))
    return list(retired.values())


def _tree(problems: list[str], code_of: dict[int, str]) -> dict:
    """The flowchart as the nested dict ``KnowledgeBase.from_dict`` reads (three queries)."""
    nodes = list(
        FlowchartNode.objects.order_by("order", "key").values(
            "pk",
            "key",
            "parent_id",
            "mechanism__slug",
            "printed_profiles",
            *columns("label"),
            *columns("note"),
        )
    )
    select: dict[int, list[str]] = {}
    for node_id, finding_id in FlowchartNode.select.through.objects.values_list(
        "flowchartnode_id", "finding_id"
    ):
        select.setdefault(node_id, []).append(code_of.get(finding_id, ""))
    placed: dict[int, list[str]] = {}
    for node_id, slug in FlowchartNode.entities.through.objects.order_by(
        "entity__slug"
    ).values_list("flowchartnode_id", "entity__slug"):
        placed.setdefault(node_id, []).append(slug)
    children: dict[int | None, list[dict]] = {}
    for node in nodes:
        children.setdefault(node["parent_id"], []).append(node)
    roots = children.get(None, [])
    if len(roots) != 1:
        problems.append(f"the flowchart needs exactly one root node, not {len(roots)}")
    if not roots:
        return {}
    reached: set[int] = set()
    order = {code: i for i, code in enumerate(code_of.values())}

    def as_dict(node: dict) -> dict:
        reached.add(node["pk"])
        return {
            "id": node["key"],
            "label": gather(node, "label"),
            "note": _optional_text(node, "note"),
            "mechanism": node["mechanism__slug"],
            "select": sorted(select.get(node["pk"], []), key=lambda c: order.get(c, -1)),
            "entities": placed.get(node["pk"], []),
            "printed_profiles": node["printed_profiles"] or [],
            "children": [as_dict(child) for child in children.get(node["pk"], [])],
        }

    tree = as_dict(roots[0])
    lost = sorted(n["key"] for n in nodes if n["pk"] not in reached and n not in roots)
    if lost:
        problems.append(f"flowchart nodes not under the root: {', '.join(lost)}")
    return tree


# -- the cache ----------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, object] = {"snapshot": None, "failed": None}


def knowledge_snapshot() -> Snapshot:
    """The current knowledge base: one query when cached, twelve when the version has changed."""
    token = KnowledgeVersion.current()
    cached = _cache["snapshot"]
    if token is not None and cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _cache["snapshot"]
        if token is not None and cached is not None and cached.token == token:
            return cached
        failed = _cache["failed"]
        if token is None or failed is None or failed[0] != token:
            try:
                snapshot = knowledge_from_db(token)
            except KnowledgeBaseError as error:
                failed = _cache["failed"] = (token, tuple(error.problems))
            else:
                if token is not None:
                    _cache["snapshot"] = snapshot
                    _cache["failed"] = None
                return snapshot
        if cached is not None:
            return replace(cached, problems=failed[1])
        raise KnowledgeBaseError(failed[1])


def knowledge_cache_clear() -> None:
    """Forget the cached knowledge base (tests that swap databases call this)."""
    with _lock:
        _cache["snapshot"] = None
        _cache["failed"] = None


def knowledge_problems() -> list[str]:
    """What stops the database from making a knowledge base, plus tree disagreements."""
    try:
        snapshot = knowledge_from_db()
    except KnowledgeBaseError as error:
        return list(error.problems)
    return snapshot.kb.tree_disagreements()
