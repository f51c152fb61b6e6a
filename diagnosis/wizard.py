"""Read side of the differential-diagnosis wizard: the knowledge base built from the database.

``knowledge_snapshot()`` costs one query when nothing has changed: it reads the version token
(``KnowledgeVersion``) and returns the ``KnowledgeBase`` this process built for that token. After
any change to the knowledge-base tables the token is new, and the next request rebuilds the
knowledge base in nine queries. A database that does not make a consistent knowledge base (an
editor's change half-way) keeps the last consistent one in service, with its problems attached
for staff; with none to fall back on, ``KnowledgeUnavailable`` says why.

``differential()`` turns a ranking into what the page and the API show, in one language.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext

from cases.models import Case

from .flowchart_svg import flowchart_svg
from .knowledge import KnowledgeBase, KnowledgeBaseError, Question, Text
from .models import (
    CaseFinding,
    Contradiction,
    EntityPrior,
    Finding,
    FindingWeight,
    FlowchartNode,
    KnowledgeVersion,
    QuestionGroup,
)
from .models import Question as QuestionRow
from .ranking import SCORE_MEANING, next_best_question, rank, tree_path

RESULTS_STEP = "results"
# The page shows this many entities; the API returns up to MAX_LIMIT on request.
SHOWN = 10
MAX_LIMIT = 500
CASES_PER_ENTITY = 3
# More distinct answers than this is not a wizard session; refuse rather than spend time on it.
MAX_ANSWERS = 200


class KnowledgeUnavailable(Exception):
    """No consistent knowledge base can be served; ``problems`` says why."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Snapshot:
    """A knowledge base with what the pages need besides it, built once per version."""

    kb: KnowledgeBase
    token: str | None
    entity_pk: dict[str, int]
    names: dict[str, Text]
    mechanism_names: dict[str, Text]
    why_es: dict[tuple[str, str], str]
    # Set when the database is inconsistent and this is the last consistent knowledge base.
    problems: tuple[str, ...] = ()


# -- building from the database -------------------------------------------------------------


def _text(row: dict, name: str) -> dict:
    return {"en": row[f"{name}_en"] or "", "es": row[f"{name}_es"] or ""}


def _optional_text(row: dict, name: str) -> dict | None:
    text = _text(row, name)
    return text if text["en"] or text["es"] else None


def knowledge_from_db(token: str | None = None) -> Snapshot:
    """Build and validate the knowledge base from the database, in nine queries."""
    problems: list[str] = []
    groups = list(QuestionGroup.objects.order_by("order", "key").values("pk", "key", *_tr("label")))
    questions = list(
        QuestionRow.objects.order_by("order", "key").values(
            "pk", "group_id", "key", "kind", *_tr("text")
        )
    )
    findings = list(
        Finding.objects.order_by("order", "code").values(
            "pk", "question_id", "code", "base", *_tr("label")
        )
    )
    answers_of: dict[int, list[dict]] = {}
    code_of: dict[int, str] = {}
    for row in findings:
        code_of[row["pk"]] = row["code"]
        answers_of.setdefault(row["question_id"], []).append(
            {"code": row["code"], "label": _text(row, "label"), "base": row["base"]}
        )
    questions_of: dict[int, list[dict]] = {}
    for row in questions:
        questions_of.setdefault(row["group_id"], []).append(
            {
                "id": row["key"],
                "kind": row["kind"],
                "text": _text(row, "text"),
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
            "entity__mechanism__name_en",
            "entity__mechanism__name_es",
            "tree_node__key",
        )
    )
    weights = FindingWeight.objects.values_list(
        "entity__slug", "finding__code", "lr", "why_en", "why_es"
    )
    flat_weights, why_es = [], {}
    for slug, code, lr, why_en, why_in_es in weights:
        flat_weights.append({"entity": slug, "finding": code, "lr": lr, "why": why_en or ""})
        if why_in_es:
            why_es[(slug, code)] = why_in_es
    contradictions = [
        {"findings": [first, second], "why": {"en": en or "", "es": es or ""}}
        for first, second, en, es in Contradiction.objects.order_by("pk").values_list(
            "first__code", "second__code", "why_en", "why_es"
        )
    ]
    tree = _tree(problems, code_of)

    data = {
        "groups": [
            {"id": g["key"], "label": _text(g, "label"), "questions": questions_of.get(g["pk"], [])}
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
            p["entity__mechanism__slug"]: Text(
                p["entity__mechanism__name_en"] or "", p["entity__mechanism__name_es"] or ""
            )
            for p in priors
        },
        why_es=why_es,
    )


def _tr(name: str) -> tuple[str, str]:
    return (f"{name}_en", f"{name}_es")


def _tree(problems: list[str], code_of: dict[int, str]) -> dict:
    """The flowchart as the nested dict ``KnowledgeBase.from_dict`` reads (three queries)."""
    nodes = list(
        FlowchartNode.objects.order_by("order", "key").values(
            "pk",
            "key",
            "parent_id",
            "mechanism__slug",
            "printed_profiles",
            *_tr("label"),
            *_tr("note"),
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
            "label": _text(node, "label"),
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


# -- the cache ------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, object] = {"snapshot": None, "failed": None}


def knowledge_snapshot() -> Snapshot:
    """The current knowledge base: one query when cached, ten when the version has changed."""
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
        raise KnowledgeUnavailable(failed[1])


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


# -- selectors ------------------------------------------------------------------------------


def entity_cases(entity_pks: Iterable[int], *, per_entity: int) -> dict[int, tuple[list, int]]:
    """Published cases of each entity, newest first: (the first few, how many), in one query."""
    pks = list(entity_pks)
    if not pks:
        return {}
    rows = (
        Case.objects.published()
        .filter(diagnosis_id__in=pks)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("diagnosis_id")],
                order_by=[F("published_at").desc(), F("slug").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("diagnosis_id")]),
        )
        .filter(position__lte=per_entity)
        .order_by("diagnosis_id", "position")
    )
    found: dict[int, tuple[list, int]] = {}
    for case in rows:
        found.setdefault(case.diagnosis_id, ([], case.total))[0].append(case)
    return found


def case_findings(case: Case) -> list[tuple[str, bool]]:
    """(finding code, assumed) recorded for a case, in wizard order."""
    return list(CaseFinding.objects.filter(case=case).values_list("finding__code", "assumed"))


# -- what a ranking looks like to a reader --------------------------------------------------


@dataclass
class ReasonView:
    code: str
    label: str
    lr: float
    lr_text: str
    raised: bool
    why: str
    why_lang: str


@dataclass
class EntryView:
    rank: int
    slug: str
    name: str
    mechanism: str
    score: float
    percent: str
    bar: str
    url: str
    reasons: list[ReasonView]
    cases: list = field(default_factory=list)
    case_count: int = 0
    cases_url: str = ""

    @property
    def raised_by(self) -> list[ReasonView]:
        return [r for r in self.reasons if r.raised]

    @property
    def lowered_by(self) -> list[ReasonView]:
        return [r for r in self.reasons if not r.raised]


@dataclass
class ConflictView:
    codes: tuple[str, str]
    labels: tuple[str, str]
    why: str


@dataclass
class NextQuestionView:
    id: str
    text: str
    group: str
    group_label: str


@dataclass
class Differential:
    entries: list[EntryView]
    answers: list[tuple[str, str]]
    ignored: list[str]
    conflicts: list[ConflictView]
    next_question: NextQuestionView | None
    path: list[tuple[str, str]]
    path_complete: bool
    score_meaning: str
    total: int
    svg: str = ""


def answer_label(kb: KnowledgeBase, code: str, lang: str) -> str:
    """How an answer reads out of its question: "Serum calcium: High", or "Gout" in a checklist."""
    finding = kb.findings[code]
    question = kb.question_by_id[finding.question]
    if not question.single:
        return finding.label.get(lang)
    text = question.text.get(lang)
    joiner = " " if text.endswith("?") else ": "
    return f"{text}{joiner}{finding.label.get(lang)}"


def percent(score: float) -> str:
    """The score as a percentage a reader can take in: "62 %", "0.4 %", "< 0.1 %"."""
    value = score * 100
    if value >= 99.5 and score < 1:
        shown = "> 99"
    elif value >= 10:
        shown = number_format(value, 0)
    elif value >= 0.1:
        shown = number_format(value, 1)
    else:
        shown = f"< {number_format(0.1, 1)}"
    return gettext("%(value)s%%") % {"value": shown}


def _lr_text(lr: float) -> str:
    return number_format(lr, 2 if lr < 0.1 else 1).rstrip("0").rstrip(".,")


def _reason(snapshot: Snapshot, slug: str, code: str, lr: float, lang: str) -> ReasonView:
    weight = snapshot.kb.weight(slug, code)
    why, why_lang = (weight.why if weight else ""), "en"
    if lang == "es" and (slug, code) in snapshot.why_es:
        why, why_lang = snapshot.why_es[(slug, code)], "es"
    return ReasonView(
        code=code,
        label=answer_label(snapshot.kb, code, lang),
        lr=lr,
        lr_text=_lr_text(lr),
        raised=lr > 1,
        why=why,
        why_lang=why_lang,
    )


def _conflict(kb: KnowledgeBase, first: str, second: str, lang: str) -> ConflictView:
    declared = kb.contradiction(first, second)
    if declared and declared.why:
        why = declared.why.get(lang)
    elif kb.findings[first].question == kb.findings[second].question:
        why = gettext("Both answer a question that takes one answer.")
    else:
        why = ""
    return ConflictView(
        codes=(first, second),
        labels=(answer_label(kb, first, lang), answer_label(kb, second, lang)),
        why=why,
    )


def split_answers(kb: KnowledgeBase, codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """Known codes in wizard order, and unknown ones as given; each once."""
    given = list(dict.fromkeys(c for c in codes if c))
    known = set(kb.findings)
    order = {code: i for i, code in enumerate(kb.findings)}
    return sorted((c for c in given if c in known), key=order.__getitem__), [
        c for c in given if c not in known
    ]


def question_view(kb: KnowledgeBase, qid: str | None, lang: str) -> NextQuestionView | None:
    if qid is None:
        return None
    question: Question = kb.question_by_id[qid]
    group = next(g for g in kb.groups if g.id == question.group)
    return NextQuestionView(qid, question.text.get(lang), group.id, group.label.get(lang))


def differential(
    snapshot: Snapshot,
    codes: Iterable[str],
    lang: str,
    *,
    limit: int = SHOWN,
    with_cases: bool = True,
    with_svg: bool = True,
) -> Differential:
    """Rank the answers and describe the result in ``lang`` (one query, for the cases)."""
    kb = snapshot.kb
    known, ignored = split_answers(kb, codes)
    ranking = rank(kb, known)
    results = ranking.results[:limit]
    entries = []
    for position, result in enumerate(results, start=1):
        slug = result.entity
        mechanism = kb.entity_by_slug[slug].mechanism
        entries.append(
            EntryView(
                rank=position,
                slug=slug,
                name=snapshot.names[slug].get(lang),
                mechanism=snapshot.mechanism_names.get(mechanism, Text(mechanism, "")).get(lang),
                score=result.score,
                percent=percent(result.score),
                bar=f"{max(result.score * 100, 0.5):.1f}",
                url=reverse("diagnosis:entity", args=[slug]),
                reasons=[_reason(snapshot, slug, r.code, r.lr, lang) for r in result.reasons],
            )
        )
    if with_cases:
        cases = entity_cases(
            [snapshot.entity_pk[e.slug] for e in entries], per_entity=CASES_PER_ENTITY
        )
        case_list = reverse("cases:list")
        for entry in entries:
            entry.cases, entry.case_count = cases.get(snapshot.entity_pk[entry.slug], ([], 0))
            entry.cases_url = f"{case_list}?entity={entry.slug}"
    path = tree_path(kb.tree, known)
    nodes = kb.nodes
    result = Differential(
        entries=entries,
        answers=[(code, answer_label(kb, code, lang)) for code in known],
        ignored=ignored,
        conflicts=[_conflict(kb, a, b, lang) for a, b in ranking.conflicts],
        next_question=question_view(kb, next_best_question(kb, known), lang),
        path=[(node_id, nodes[node_id].label.get(lang)) for node_id in path],
        path_complete=not nodes[path[-1]].children,
        score_meaning=SCORE_MEANING.get(lang),
        total=len(ranking.results),
    )
    if with_svg:
        names = {slug: text.get(lang) for slug, text in snapshot.names.items()}
        printed = {code for node in nodes.values() for p in node.printed_profiles for code in p}
        result.svg = flowchart_svg(
            kb.tree,
            path,
            lang=lang,
            names=names,
            emphasis=[e.slug for e in entries[:3]],
            finding_labels={code: answer_label(kb, code, lang) for code in printed},
        )
    return result
