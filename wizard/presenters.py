"""What a ranking looks like to a reader: ``differential()`` describes one in one language.

Everything a reader sees goes through gettext under the active language; the API activates the
one its ``?lang=`` asks for (``translation.override``) before calling in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from atlas.lib.text import fold

from .flowchart_svg import flowchart_svg
from .knowledge import KnowledgeBase, Question, Text
from .ranking import next_best_question, rank, tree_path
from .selectors import entity_cases
from .snapshot import Snapshot

# The page shows this many entities; the API returns up to MAX_LIMIT on request.
SHOWN = 10
MAX_LIMIT = 500
CASES_PER_ENTITY = 3
# More distinct answers than this is not a wizard session; refuse rather than spend time on it.
MAX_ANSWERS = 200

SCORE_MEANING = gettext_lazy(
    "Relative probability among the entities in this knowledge base, under an independence "
    "assumption; not the probability of a diagnosis."
)


@dataclass
class ReasonView:
    code: str
    label: str
    lr: float
    lr_text: str
    raised: bool
    why: str
    why_lang: str
    # The full citation of the reference the figure comes from, if the weight names one.
    source: str = ""


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
class MappedView:
    """A retired code among the answers, read as its parts."""

    code: str
    into: list[str]
    labels: list[str]
    why: str
    why_lang: str


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
    mapped: list[MappedView]
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
    if not kb.question_by_id[finding.question].single:
        return finding.label.get(lang)
    return question_and_answer(kb, code, lang)


def question_and_answer(kb: KnowledgeBase, code: str, lang: str) -> str:
    """An answer with its question whatever the question's kind: "Relevant history: Gout"."""
    finding = kb.findings[code]
    text = kb.question_by_id[finding.question].text.get(lang)
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


def lr_text(lr: float) -> str:
    """A likelihood ratio as its size reads: "1.05", "0.95", "0.5", "3.5", "30", "0.012".

    Two decimals below 2, one below 10, whole numbers above, and two significant digits
    under 0.1, so a weak answer never reads as "×1"; trailing zeros are dropped.
    """
    if lr < 0.1:
        decimals = 1 - math.floor(math.log10(lr)) if lr > 0 else 0
    elif lr < 2:
        decimals = 2
    elif lr < 10:
        decimals = 1
    else:
        decimals = 0
    # number_format cuts a float's digits rather than rounding them.
    text = number_format(round(lr, decimals), decimals)
    if decimals:
        text = text.rstrip("0").rstrip(".,")
    return text


def _reason(snapshot: Snapshot, slug: str, code: str, lr: float, lang: str) -> ReasonView:
    kb = snapshot.kb
    weight = kb.weight(slug, code)
    why, why_lang = weight.why.pick(lang) if weight else ("", "en")
    reference = kb.reference_by_id.get(weight.ref) if weight and weight.ref else None
    return ReasonView(
        code=code,
        label=answer_label(snapshot.kb, code, lang),
        lr=lr,
        lr_text=lr_text(lr),
        raised=lr > 1,
        why=why,
        why_lang=why_lang,
        source=reference.text if reference else "",
    )


def entity_weights(snapshot: Snapshot, slug: str, lang: str) -> list[ReasonView]:
    """Every weight the knowledge base gives ``slug``, as its entity page prints them.

    Raising answers first, strongest first, then lowering ones, strongest first (ties in the
    wizard's order); a ratio of exactly 1 moves nothing and is left out. No query: the
    snapshot holds everything.
    """
    own = [w for w in snapshot.kb.weights if w.entity == slug and w.lr != 1]
    order = {code: i for i, code in enumerate(snapshot.kb.findings)}
    # Equal ratios keep the wizard's question order, whatever order the rows came in.
    own.sort(key=lambda w: (w.lr < 1, -w.lr if w.lr > 1 else w.lr, order[w.finding]))
    reasons = [_reason(snapshot, slug, w.finding, w.lr, lang) for w in own]
    # Out of the wizard a checklist answer needs its question too: "Relevant history: Gout".
    return [replace(r, label=question_and_answer(snapshot.kb, r.code, lang)) for r in reasons]


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


def mapped_views(kb: KnowledgeBase, mapped: Iterable, lang: str) -> list[MappedView]:
    views = []
    for retired in mapped:
        why, why_lang = retired.why.pick(lang) if retired.why else ("", lang)
        views.append(
            MappedView(
                code=retired.code,
                into=list(retired.into),
                labels=[answer_label(kb, code, lang) for code in retired.into],
                why=why,
                why_lang=why_lang,
            )
        )
    return views


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
    """Rank the answers and describe the result in ``lang`` (one query, for the cases).

    Retired codes among the answers are read as their parts, and listed in ``mapped``.
    """
    kb = snapshot.kb
    expanded, mapped = kb.expand_retired(codes)
    known, ignored = split_answers(kb, expanded)
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
                url=reverse("entity", args=[slug]),
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
        mapped=mapped_views(kb, mapped, lang),
        conflicts=[_conflict(kb, a, b, lang) for a, b in ranking.conflicts],
        next_question=question_view(kb, next_best_question(kb, known), lang),
        path=[(node_id, nodes[node_id].label.get(lang)) for node_id in path],
        path_complete=not nodes[path[-1]].children,
        score_meaning=str(SCORE_MEANING),
        total=len(ranking.results),
    )
    if with_svg:
        names = {slug: text.get(lang) for slug, text in snapshot.names.items()}
        result.svg = flowchart_svg(
            kb.tree,
            path,
            lang=lang,
            names=names,
            emphasis=[e.slug for e in entries[:3]],
            finding_labels=_printed_finding_labels(kb, lang),
        )
    return result


def poster_flowchart(snapshot: Snapshot, lang: str, *, printed: Mapping[str, str]) -> str:
    """The poster's flowchart with no answers, each listed entity linking to its glossary entry
    and followed by its label as printed (``printed``: slug -> label) where that differs."""
    names = {}
    for slug, text in snapshot.names.items():
        name = text.get(lang)
        label = printed.get(slug, "")
        names[slug] = f"{name} ({label})" if label and fold(label) != fold(name) else name
    kb = snapshot.kb
    return flowchart_svg(
        kb.tree,
        [],  # no answers: nothing marked on the path
        lang=lang,
        names=names,
        finding_labels=_printed_finding_labels(kb, lang),
        links={slug: reverse("entity", args=[slug]) for slug in kb.leaf_of},
        description=gettext(
            "The poster's diagnostic algorithm: from the laboratory values, through the "
            "mechanism and the distribution, to the entities listed at each branch."
        ),
    )


def diagnosis_flowchart(
    snapshot: Snapshot, lang: str, *, slug: str, printed_as: Iterable[str] = ()
) -> str:
    """The poster's flowchart with the path down to the node of entity ``slug`` marked, and the
    entity in bold where a leaf lists it (``printed_as``: the broader entities, such as its
    parent, that the leaf lists instead); empty for an entity the flowchart has no node for.
    The path names the diagnosis: only for a case already revealed."""
    kb = snapshot.kb
    node = next((e.tree_node for e in kb.entities if e.slug == slug), None)
    node = node or kb.leaf_of.get(slug)
    if node is None or node not in kb.nodes:
        return ""
    names = {entity: text.get(lang) for entity, text in snapshot.names.items()}
    return flowchart_svg(
        kb.tree,
        [step.id for step in kb.path_to(node)],
        lang=lang,
        names=names,
        emphasis=[slug, *printed_as],
        finding_labels=_printed_finding_labels(kb, lang),
        description=gettext("The poster's flowchart, with the path to this case's diagnosis."),
    )


def _printed_finding_labels(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    """Labels for the answers the flowchart prints, so its profiles read as answers."""
    printed = {code for node in kb.nodes.values() for p in node.printed_profiles for code in p}
    return {code: answer_label(kb, code, lang) for code in printed}
