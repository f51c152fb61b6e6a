"""The differential-diagnosis knowledge base as frozen dataclasses, with no ORM.

A knowledge base holds the wizard's questions and their answers (findings, each with a stable
code such as ``lab.calcium.high``), the entities with a prior and likelihood ratios for the
findings that bear on them, declared contradictions, and the poster's algorithm as a tree.

It is built from plain dicts (``KnowledgeBase.from_dict``), so the same classes serve the JSON
fixture (``KnowledgeBase.from_json``) and rows read from the database (``wizard.snapshot``).
Construction validates everything and reports every problem at once in ``KnowledgeBaseError``.

The mechanisms an entity or a node may name are the glossary's: ``mechanisms`` lists their
slugs. ``wizard.snapshot`` takes them from the ``Mechanism`` rows; ``from_json`` from the
topic's ``glossary.json`` next to ``ddx.json``. A new mechanism is a new glossary row, not code.

Likelihood ratios are relative to the reference population of the knowledge base: a typical
patient whose imaging shows a soft-tissue calcification. ``base`` on a finding is how often that
answer is seen in that population, so ``lr * base`` is the probability of the answer given the
entity, and can never exceed one.

The dict (and ``fixtures/calcifications/ddx.json``) looks like this; texts are {"en", "es"}:

    {"mechanisms": ["dystrophic", "metastatic", "iatrogenic", "idiopathic"],
     "groups": [{"id": "laboratory", "label": {...}, "questions": [
        {"id": "lab.calcium", "kind": "single|multi", "text": {...}, "cost": 0.5,
         "answers": [{"code": "lab.calcium.high", "label": {...}, "base": 0.05}]}]}],
     "entities": [{"slug": "hyperparathyroidism", "mechanism": "metastatic", "prior": 3,
                   "tree_node": "metastatic",
                   "weights": [{"finding": "lab.calcium.high", "lr": 12, "why": {...},
                                "ref": "banks-2005"}]}],
     "weights": [{"entity": "...", "finding": "...", "lr": 2, "why": {...}}],
     "references": [{"id": "banks-2005", "text": "the full citation"}],
     "retired": [{"code": "morph.linear", "into": ["morph.rice-grain", "morph.streaks"],
                  "why": {...}}],
     "contradictions": [{"findings": ["hx.ckd", "lab.renal.normal"], "why": {...}}],
     "tree": {"id": "calcinosis", "label": {...}, "children": [
        {"id": "lab-altered", "label": {...}, "select": ["lab.calcium.high"],
         "printed_profiles": [["lab.calcium.normal", "lab.phosphate.high"]],
         "children": [{"id": "metastatic", "mechanism": "metastatic", "label": {...},
                       "entities": ["hyperparathyroidism"]}]}]}}

Weights may sit under their entity or in the flat top-level list (as database rows would);
``prior`` is a relative weight, normalised on load; ``tree_node`` is needed only for entities
that the flowchart does not print. Unknown keys (``note``) are kept out of the dataclasses.

A weight's ``why`` is {"en", "es"}; a plain string is read as English only, and where the
Spanish is missing the English is shown, marked as English. Its optional ``ref`` is the ``id``
of one of the top-level ``references``. A question's optional ``cost`` (a positive number,
1 by default) is the relative effort of getting its answer: a blood test is cheap.

A ``retired`` code is one that was split into more precise findings: it is no longer an answer,
but addresses and API calls that still use it keep working, read as its parts
(``KnowledgeBase.expand_retired``). A retired code must not be a live finding, and every part
must be one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "es")
SINGLE = "single"
MULTI = "multi"

DEMO_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "calcifications" / "ddx.json"

_CODE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Likelihood ratios outside this range are almost certainly typing errors.
LR_MIN, LR_MAX = 1e-3, 1e3
# Base rates of a single-choice question should add up to one; this much slack is allowed.
BASE_SUM_TOLERANCE = 0.02


class KnowledgeBaseError(ValueError):
    """The knowledge base is inconsistent; ``problems`` lists every fault found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Text:
    """A text a reader sees, in both languages."""

    en: str
    es: str

    def get(self, lang: str) -> str:
        return self.pick(lang)[0]

    def pick(self, lang: str) -> tuple[str, str]:
        """The text in ``lang`` and that language; English, marked so, where it is missing."""
        shown = getattr(self, lang, "")
        return (shown, lang) if shown else (self.en, "en")

    def __bool__(self) -> bool:
        return bool(self.en or self.es)


@dataclass(frozen=True)
class Finding:
    """One answer of one question: what the resident ticks."""

    code: str
    question: str
    label: Text
    base: float


@dataclass(frozen=True)
class Question:
    id: str
    group: str
    kind: str
    text: Text
    findings: tuple[Finding, ...]
    # The relative effort of getting the answer; the next best question is chosen per unit.
    cost: float = 1.0

    @property
    def single(self) -> bool:
        """Single-choice: its answers exclude one another, like the three calcium levels."""
        return self.kind == SINGLE

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


@dataclass(frozen=True)
class Group:
    """A wizard step: laboratory, history, distribution, site, morphology, age, clinical."""

    id: str
    label: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Entity:
    """A diagnosis the wizard can rank; ``slug`` matches the glossary's ``Entity.slug``."""

    slug: str
    mechanism: str
    prior: float
    tree_node: str | None = None


@dataclass(frozen=True)
class Weight:
    """How much more (lr > 1) or less (lr < 1) often ``finding`` is seen with ``entity``."""

    entity: str
    finding: str
    lr: float
    why: Text = Text("", "")
    # The id of the reference (``KnowledgeBase.references``) the figure comes from, if any.
    ref: str | None = None


@dataclass(frozen=True)
class Reference:
    """A source that weights cite: ``id`` is what a weight's ``ref`` names."""

    id: str
    text: str


@dataclass(frozen=True)
class Retired:
    """A code that was split into ``into``; answers that still use it are read as its parts."""

    code: str
    into: tuple[str, ...]
    why: Text | None = None


@dataclass(frozen=True)
class Contradiction:
    """Two answers that should not both be true; they are allowed, and reported."""

    first: str
    second: str
    why: Text | None = None


@dataclass(frozen=True)
class TreeNode:
    """A node of the poster's algorithm.

    A node is taken when any of ``select`` is among the answers; a node without ``select``
    is always taken (it is then its parent's only child). ``entities`` sit on leaves.
    """

    id: str
    label: Text
    select: tuple[str, ...] = ()
    children: tuple[TreeNode, ...] = ()
    entities: tuple[str, ...] = ()
    mechanism: str | None = None
    printed_profiles: tuple[tuple[str, ...], ...] = ()
    note: Text | None = None

    def walk(self) -> Iterator[TreeNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def matches(self, answers: Iterable[str]) -> bool:
        if not self.select:
            return True
        given = answers if isinstance(answers, set | frozenset) else set(answers)
        return any(code in given for code in self.select)


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """The whole knowledge base. Compared by identity, so it can key caches cheaply."""

    groups: tuple[Group, ...]
    entities: tuple[Entity, ...]
    weights: tuple[Weight, ...]
    tree: TreeNode
    contradictions: tuple[Contradiction, ...] = ()
    mechanisms: tuple[str, ...] = ()
    title: Text | None = None
    references: tuple[Reference, ...] = ()
    retired: tuple[Retired, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_json(cls, path: str | Path = DEMO_PATH) -> KnowledgeBase:
        """Read ``ddx.json``; without a ``mechanisms`` list, the topic's glossary gives it."""
        path = Path(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        glossary = path.with_name("glossary.json")
        if "mechanisms" not in data and glossary.exists():
            mechanisms = json.loads(glossary.read_text(encoding="utf-8")).get("mechanisms") or []
            data["mechanisms"] = [m.get("slug") for m in mechanisms]
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KnowledgeBase:
        """Build and validate; raises ``KnowledgeBaseError`` listing every problem."""
        return _Parser(data).build()

    # -- lookups ------------------------------------------------------------------------

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for g in self.groups for q in g.questions)

    @cached_property
    def findings(self) -> dict[str, Finding]:
        return {f.code: f for q in self.questions for f in q.findings}

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def entity_by_slug(self) -> dict[str, Entity]:
        return {e.slug: e for e in self.entities}

    @cached_property
    def reference_by_id(self) -> dict[str, Reference]:
        return {r.id: r for r in self.references}

    @cached_property
    def retired_by_code(self) -> dict[str, Retired]:
        return {r.code: r for r in self.retired}

    def expand_retired(self, codes: Iterable[str]) -> tuple[list[str], list[Retired]]:
        """Replace each retired code by its parts, in place; also which retired codes were met.

        Other codes, known or not, pass through unchanged; each retired code is reported once.
        """
        if isinstance(codes, str):
            codes = [codes]
        retired = self.retired_by_code
        expanded: list[str] = []
        mapped: dict[str, Retired] = {}
        for code in codes:
            found = retired.get(code)
            if found is None:
                expanded.append(code)
            else:
                expanded.extend(found.into)
                mapped.setdefault(code, found)
        return expanded, list(mapped.values())

    @cached_property
    def _lr(self) -> dict[tuple[str, str], Weight]:
        return {(w.entity, w.finding): w for w in self.weights}

    @cached_property
    def nodes(self) -> dict[str, TreeNode]:
        return {node.id: node for node in self.tree.walk()}

    @cached_property
    def leaf_of(self) -> dict[str, str]:
        """Entity slug -> id of the flowchart leaf that prints it."""
        return {slug: node.id for node in self.tree.walk() for slug in node.entities}

    def question_of(self, code: str) -> Question:
        return self.question_by_id[self.findings[code].question]

    def weight(self, entity: str, code: str) -> Weight | None:
        return self._lr.get((entity, code))

    def lr(self, entity: str, code: str) -> float:
        """The likelihood ratio of ``code`` for ``entity``; 1 where no weight is given."""
        weight = self._lr.get((entity, code))
        return weight.lr if weight else 1.0

    def path_to(self, node_id: str) -> list[TreeNode]:
        """Nodes from the root down to ``node_id``, both included."""

        def search(node: TreeNode, trail: list[TreeNode]) -> list[TreeNode] | None:
            trail = [*trail, node]
            if node.id == node_id:
                return trail
            for child in node.children:
                found = search(child, trail)
                if found:
                    return found
            return None

        found = search(self.tree, [])
        if found is None:
            raise KeyError(node_id)
        return found

    def contradiction(self, first: str, second: str) -> Contradiction | None:
        for c in self.contradictions:
            if {c.first, c.second} == {first, second}:
                return c
        return None

    def tree_disagreements(self) -> list[str]:
        """Where the weights contradict the tree; see ``tree_disagreements``."""
        return tree_disagreements(self)


def tree_disagreements(kb: KnowledgeBase) -> list[str]:
    """Check that the weights agree with the poster's tree, for every flowchart leaf entity.

    For an entity E printed at a leaf, walk the nodes from the root to that leaf. At each node N
    that has selecting findings (nodes without them are always taken), write best(N) for the
    largest likelihood ratio E gives to any finding that selects N. The rules are:

    1. best(N) >= 1 at every node: each step towards E can be taken with a finding that does
       not count against E.
    2. best(N) > 1 at the deepest selecting node: the finding that picks E's branch among its
       siblings favours E.
    3. For every sibling S of N, best(S) <= best(N), counting only findings of S that do not
       also select N: the evidence for the branch not taken never favours E more than the
       evidence for E's own branch at the same fork.

    Entities that the flowchart does not print (``tree_node`` only) are not held to these
    rules; ``KnowledgeBase`` validation checks only that their mechanism agrees with the node.
    Returns one message per broken rule; an empty list means the two agree.
    """
    problems = []
    for slug, leaf_id in kb.leaf_of.items():
        path = kb.path_to(leaf_id)
        selecting = [node for node in path[1:] if node.select]

        def best(node: TreeNode, exclude: tuple[str, ...] = (), slug: str = slug) -> float:
            codes = [code for code in node.select if code not in exclude]
            return max((kb.lr(slug, code) for code in codes), default=1.0)

        for node in selecting:
            if best(node) < 1:
                problems.append(f"{slug}: every finding selecting {node.id!r} counts against it")
        if selecting and best(selecting[-1]) <= 1:
            problems.append(f"{slug}: no finding selecting {selecting[-1].id!r} favours it")
        for parent, node in zip(path, path[1:], strict=False):
            if not node.select:
                continue
            own = best(node)
            for sibling in parent.children:
                if sibling is node or not sibling.select:
                    continue
                other = best(sibling, exclude=node.select)
                if other > own:
                    problems.append(
                        f"{slug}: sibling branch {sibling.id!r} favours it (LR {other:g}) "
                        f"more than its own branch {node.id!r} (LR {own:g})"
                    )
    return problems


class _Parser:
    """Turns a dict into a ``KnowledgeBase``, collecting every problem before raising."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def text(self, value: Any, where: str) -> Text:
        if not isinstance(value, Mapping):
            self.fail(f"{where}: expected {{'en': ..., 'es': ...}}")
            return Text("", "")
        missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
        if missing:
            self.fail(f"{where}: missing text in {', '.join(missing)}")
        return Text(str(value.get("en") or ""), str(value.get("es") or ""))

    def number(self, value: Any, where: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(f"{where}: expected a finite number, got {value!r}")
            return math.nan
        return float(value)

    def build(self) -> KnowledgeBase:
        data = self.data
        self.mechanisms = self.mechanism_slugs(data.get("mechanisms"))
        groups = self.groups(data.get("groups") or [])
        findings = {f.code: f for g in groups for q in g.questions for f in q.findings}
        entities = self.entities(data.get("entities") or [])
        slugs = {e.slug for e in entities}
        references = self.references(data.get("references") or [])
        weights = self.weights(data, findings, slugs, {r.id for r in references})
        retired = self.retired(data.get("retired") or [], findings)
        contradictions = self.contradictions(data.get("contradictions") or [], findings)
        tree = self.node(data.get("tree") or {}, "tree", set())
        self.check_tree(tree, findings, slugs, entities)
        # A printed entity's place in the tree is its leaf; say so once, here.
        leaf_of = {slug: node.id for node in tree.walk() for slug in node.entities}
        entities = tuple(
            replace(e, tree_node=leaf_of[e.slug]) if e.slug in leaf_of else e for e in entities
        )
        title = data.get("title")
        title = self.text(title, "title") if title is not None else None
        if self.problems:
            raise KnowledgeBaseError(self.problems)
        return KnowledgeBase(
            groups=groups,
            entities=entities,
            weights=weights,
            tree=tree,
            contradictions=contradictions,
            mechanisms=self.mechanisms,
            title=title,
            references=references,
            retired=retired,
            extra={k: v for k, v in data.items() if k in {"schema", "source", "note"}},
        )

    def mechanism_slugs(self, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list | tuple) or not raw:
            self.fail("the knowledge base lists no mechanisms (the glossary's slugs)")
            return ()
        for slug in raw:
            if not isinstance(slug, str) or not _SLUG.match(slug):
                self.fail(f"mechanism {slug!r} is not a slug")
        return tuple(str(slug) for slug in raw)

    def groups(self, raw: list) -> tuple[Group, ...]:
        groups, question_ids, seen_codes, group_ids = [], set(), {}, set()
        for gi, g in enumerate(raw):
            gid = str(g.get("id") or f"#{gi}")
            if gid in group_ids:
                self.fail(f"group {gid!r} is defined twice")
            group_ids.add(gid)
            questions = []
            for qi, q in enumerate(g.get("questions") or []):
                qid = str(q.get("id") or f"{gid}#{qi}")
                where = f"question {qid!r}"
                if qid in question_ids:
                    self.fail(f"{where} is defined twice")
                question_ids.add(qid)
                kind = q.get("kind")
                if kind not in (SINGLE, MULTI):
                    self.fail(f"{where}: kind must be 'single' or 'multi', got {kind!r}")
                answers = q.get("answers") or []
                if len(answers) < (2 if kind == SINGLE else 1):
                    self.fail(f"{where}: too few answers")
                findings = []
                for a in answers:
                    code = str(a.get("code") or "")
                    if not _CODE.match(code):
                        self.fail(f"{where}: finding code {code!r} is not a dotted lowercase code")
                    if code in seen_codes:
                        self.fail(
                            f"finding {code!r} is in more than one question "
                            f"({seen_codes[code]!r} and {qid!r})"
                        )
                    seen_codes[code] = qid
                    base = a.get("base")
                    if base is None:
                        # Without a stated base rate, single-choice answers share evenly.
                        base = 1 / len(answers) if kind == SINGLE else 0.1
                    base = self.number(base, f"finding {code!r} base")
                    if not 0 < base <= 1:
                        self.fail(f"finding {code!r}: base rate must be in (0, 1], got {base}")
                    findings.append(
                        Finding(code, qid, self.text(a.get("label"), f"finding {code!r}"), base)
                    )
                if kind == SINGLE and findings:
                    total = sum(f.base for f in findings)
                    if abs(total - 1) > BASE_SUM_TOLERANCE:
                        self.fail(
                            f"{where}: base rates of its answers add up to {total:.3f}, not 1"
                        )
                cost = self.number(q.get("cost", 1), f"{where} cost")
                if cost <= 0:
                    self.fail(f"{where} cost must be a positive number, got {cost:g}")
                questions.append(
                    Question(qid, gid, kind, self.text(q.get("text"), where), tuple(findings), cost)
                )
            groups.append(Group(gid, self.text(g.get("label"), f"group {gid!r}"), tuple(questions)))
        return tuple(groups)

    def entities(self, raw: list) -> tuple[Entity, ...]:
        entities, seen = [], set()
        for e in raw:
            slug = str(e.get("slug") or "")
            if not _SLUG.match(slug):
                self.fail(f"entity slug {slug!r} is not a slug")
            if slug in seen:
                self.fail(f"entity {slug!r} is defined twice")
            seen.add(slug)
            mechanism = e.get("mechanism")
            if mechanism not in self.mechanisms:
                self.fail(f"entity {slug!r}: unknown mechanism {mechanism!r}")
            prior = self.number(e.get("prior"), f"entity {slug!r} prior")
            if not prior > 0:
                self.fail(f"entity {slug!r}: prior must be positive")
            entities.append(Entity(slug, mechanism, prior, e.get("tree_node") or None))
        total = sum(e.prior for e in entities if e.prior > 0)
        if not entities:
            self.fail("the knowledge base has no entities")
        elif total > 0:
            # Priors are written as relative weights; store them as probabilities.
            entities = [Entity(e.slug, e.mechanism, e.prior / total, e.tree_node) for e in entities]
        return tuple(entities)

    def weight_why(self, value: Any, where: str) -> Text:
        """A weight's reason: {"en", "es"}, or a plain string (English only); Spanish may wait."""
        if value is None or isinstance(value, str):
            return Text(value or "", "")
        if not isinstance(value, Mapping):
            self.fail(f"{where}: why must be a string or {{'en': ..., 'es': ...}}")
            return Text("", "")
        if not str(value.get("en") or "").strip() and str(value.get("es") or "").strip():
            self.fail(f"{where}: why has Spanish but no English")
        return Text(str(value.get("en") or ""), str(value.get("es") or ""))

    def references(self, raw: Any) -> tuple[Reference, ...]:
        if not isinstance(raw, list | tuple):
            self.fail("references must be a list of {'id': ..., 'text': ...}")
            return ()
        references, seen = [], set()
        for r in raw:
            rid = str(r.get("id") or "") if isinstance(r, Mapping) else ""
            if not _SLUG.match(rid):
                self.fail(f"reference id {rid!r} is not a slug")
            if rid in seen:
                self.fail(f"reference {rid!r} is defined twice")
            seen.add(rid)
            text = str(r.get("text") or "").strip() if isinstance(r, Mapping) else ""
            if not text:
                self.fail(f"reference {rid!r} has no text")
            references.append(Reference(rid, text))
        return tuple(references)

    def retired(self, raw: Any, findings: dict[str, Finding]) -> tuple[Retired, ...]:
        if not isinstance(raw, list | tuple):
            self.fail("retired must be a list of {'code': ..., 'into': [...], 'why': {...}}")
            return ()
        result, seen = [], set()
        order = {code: i for i, code in enumerate(findings)}
        for r in raw:
            if not isinstance(r, Mapping):
                self.fail(f"retired entry {r!r} is not an object")
                continue
            code = str(r.get("code") or "")
            where = f"retired code {code!r}"
            if not _CODE.match(code):
                self.fail(f"{where} is not a dotted lowercase code")
            if code in seen:
                self.fail(f"{where} is retired twice")
            seen.add(code)
            if code in findings:
                self.fail(f"{where} is still a live finding")
            into = r.get("into")
            if not isinstance(into, list | tuple) or not into:
                self.fail(f"{where}: into must list the findings it was split into")
                into = []
            into = tuple(dict.fromkeys(str(part) for part in into))
            for part in into:
                if part not in findings:
                    self.fail(f"{where}: part {part!r} is not a live finding")
            # Parts in wizard order, as the database (which keeps no order) gives them too.
            into = tuple(sorted(into, key=lambda c: order.get(c, len(order))))
            why = r.get("why")
            result.append(Retired(code, into, self.text(why, where) if why is not None else None))
        return tuple(result)

    def weights(
        self,
        data: Mapping,
        findings: dict[str, Finding],
        slugs: set[str],
        references: set[str] = frozenset(),
    ):
        raw = [
            {**w, "entity": e.get("slug")}
            for e in data.get("entities") or []
            for w in e.get("weights") or []
        ]
        raw += list(data.get("weights") or [])
        weights, seen = [], set()
        for w in raw:
            entity, code = w.get("entity"), w.get("finding")
            where = f"weight ({entity!r}, {code!r})"
            if entity not in slugs:
                self.fail(f"{where}: unknown entity {entity!r}")
            if code not in findings:
                self.fail(f"{where}: unknown finding {code!r}")
            if (entity, code) in seen:
                self.fail(f"{where} is given twice")
            seen.add((entity, code))
            lr = self.number(w.get("lr"), where)
            if not LR_MIN <= lr <= LR_MAX:
                self.fail(f"{where}: LR {lr} is outside [{LR_MIN:g}, {LR_MAX:g}]")
            elif code in findings and lr * findings[code].base > 1 + 1e-9:
                self.fail(
                    f"{where}: LR {lr:g} times base rate {findings[code].base:g} "
                    "is a probability above one"
                )
            ref = w.get("ref") or None
            if ref is not None and ref not in references:
                self.fail(f"{where}: unknown reference {ref!r}")
            why = self.weight_why(w.get("why"), where)
            weights.append(Weight(str(entity), str(code), lr, why, ref))
        return tuple(weights)

    def contradictions(self, raw: list, findings: dict[str, Finding]):
        result = []
        for c in raw:
            pair = list(c.get("findings") or [])
            if len(pair) != 2 or pair[0] == pair[1]:
                self.fail(f"contradiction {pair!r}: needs two different findings")
                continue
            for code in pair:
                if code not in findings:
                    self.fail(f"contradiction {pair!r}: unknown finding {code!r}")
            why = c.get("why")
            result.append(
                Contradiction(pair[0], pair[1], self.text(why, f"contradiction {pair!r}"))
                if why is not None
                else Contradiction(pair[0], pair[1])
            )
        return tuple(result)

    def node(self, raw: Mapping, where: str, seen: set[str]) -> TreeNode:
        nid = str(raw.get("id") or "")
        if not nid:
            self.fail(f"{where}: tree node without id")
        if nid in seen:
            self.fail(f"tree node {nid!r} is defined twice")
        seen.add(nid)
        children = tuple(
            self.node(child, f"tree node {nid!r}", seen) for child in raw.get("children") or []
        )
        note = raw.get("note")
        return TreeNode(
            id=nid,
            label=self.text(raw.get("label"), f"tree node {nid!r}"),
            select=tuple(raw.get("select") or ()),
            children=children,
            entities=tuple(raw.get("entities") or ()),
            mechanism=raw.get("mechanism") or None,
            printed_profiles=tuple(tuple(p) for p in raw.get("printed_profiles") or ()),
            note=self.text(note, f"tree node {nid!r} note") if note is not None else None,
        )

    def check_tree(self, tree: TreeNode, findings, slugs: set[str], entities) -> None:
        nodes = {}
        parent_of: dict[str, TreeNode] = {}
        for node in tree.walk():
            nodes[node.id] = node
            for child in node.children:
                parent_of[child.id] = node
            where = f"tree node {node.id!r}"
            if node.mechanism is not None and node.mechanism not in self.mechanisms:
                self.fail(f"{where}: unknown mechanism {node.mechanism!r}")
            for code in node.select:
                if code not in findings:
                    self.fail(f"{where}: selects on unknown finding {code!r}")
            for profile in node.printed_profiles:
                for code in profile:
                    if code not in findings:
                        self.fail(f"{where}: printed profile has unknown finding {code!r}")
                if not node.matches(profile):
                    self.fail(f"{where}: printed profile {list(profile)!r} would not select it")
            for slug in node.entities:
                if slug not in slugs:
                    self.fail(f"{where}: unknown entity {slug!r}")
            if node.entities and node.children:
                self.fail(f"{where}: entities belong on leaves, not on a node with children")
            if len(node.children) > 1 and any(not child.select for child in node.children):
                self.fail(f"{where}: a child that is always taken must be the only child")
        if tree.select:
            self.fail("the tree's root must not select on findings")

        def mechanism(node_id: str) -> str | None:
            while node_id:
                node = nodes[node_id]
                if node.mechanism:
                    return node.mechanism
                node_id = parent_of[node_id].id if node_id in parent_of else ""
            return None

        leaf_of = {slug: node.id for node in nodes.values() for slug in node.entities}
        for e in entities:
            if e.slug in leaf_of and e.tree_node not in (None, leaf_of[e.slug]):
                self.fail(
                    f"entity {e.slug!r}: tree_node {e.tree_node!r} is not the leaf "
                    f"{leaf_of[e.slug]!r} that prints it"
                )
            node_id = e.tree_node or leaf_of.get(e.slug)
            if node_id is None:
                continue
            if node_id not in nodes:
                self.fail(f"entity {e.slug!r}: unknown tree node {node_id!r}")
            elif mechanism(node_id) not in (None, e.mechanism):
                self.fail(
                    f"entity {e.slug!r} is {e.mechanism}, but tree node {node_id!r} "
                    f"is under the {mechanism(node_id)} branch"
                )
