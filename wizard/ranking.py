"""Differential ranking for the wizard: naive Bayes over likelihood ratios, in log-odds.

For each entity E of the knowledge base and the set of answers A,

    log_score(E) = log prior(E) + sum over findings f in A of log LR_E(f)

where LR_E(f) is 1 unless the knowledge base gives a weight. The score shown is the softmax of
the log-scores: a relative probability among the entities in this knowledge base, under the
assumption that findings are independent given the entity. It is not the probability that the
patient has the disease: entities missing from the knowledge base get no share, and correlated
findings (a history of radiotherapy and of a malignancy, say) are counted twice. The page says
so in ``wizard.presenters.SCORE_MEANING``.

An answer says what is present; an unticked box is not evidence of absence. Unknown codes are
set aside in ``Ranking.ignored``; contradictory answers are kept, used, and reported in
``Ranking.conflicts``. A retired code (one split into more precise findings) is read as its
parts before anything else, and reported in ``Ranking.mapped``.

The next best question is the unanswered one with the largest expected information gain per
unit of its ``cost`` (the relative effort of getting the answer: 1 by default, less for a blood
test), so a cheap question that tells almost as much is asked first; ties go to the question
that comes first in the wizard.

Nothing here touches the ORM: everything works on ``wizard.knowledge.KnowledgeBase``, however
it was built. The per-entity arrays are computed once per knowledge base and cached.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

import numpy as np

from .knowledge import KnowledgeBase, Retired, TreeNode

# Multi-choice questions are scored by enumerating every combination of ticked boxes; past
# this many boxes only the most informative ones are enumerated (the gain is then a lower bound).
MAX_ENUMERATED = 16
# Probabilities of a box being ticked are kept this far from 0 and 1 so logs stay finite.
_EPS = 1e-9
# A question whose expected gain is below this (in bits) would not change the leaders.
MIN_GAIN = 1e-9


class Reason(NamedTuple):
    """A finding that moved an entity's score, and its likelihood ratio."""

    code: str
    lr: float


class Result(NamedTuple):
    entity: str
    score: float
    reasons: list[Reason]


class Results(Sequence[Result]):
    """The ranked entities, best first, as a read-only sequence.

    Each ``Result`` is made when it is read, so a page that shows the first ten of a few
    thousand entities does not pay for the rest; ``list(results)`` makes them all.
    """

    __slots__ = ("_order", "_posterior", "_reasons", "_slugs")

    def __init__(self, slugs, order, posterior, reasons):
        self._slugs = slugs
        self._order = order
        self._posterior = posterior
        self._reasons = reasons

    def position(self, slug: str) -> int:
        """Rank of ``slug``, counting from 1."""
        return self._order.index(self._slugs.index(slug)) + 1

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self._result(e) for e in self._order[item]]
        return self._result(self._order[item])

    def _result(self, entity: int) -> Result:
        reasons = self._reasons.get(entity)
        return Result(
            self._slugs[entity], self._posterior[entity], list(reasons) if reasons else []
        )

    def __repr__(self) -> str:
        return f"<Results of {len(self)} entities, first {self[:3]!r}>"


@dataclass(frozen=True)
class Ranking:
    """Entities sorted by score (ties broken by slug), with what was ignored or conflicting."""

    results: Results
    ignored: list[str]
    conflicts: list[tuple[str, str]]
    answers: tuple[str, ...]
    log_scores: dict[str, float]
    # Retired codes among the answers, each read as its parts.
    mapped: tuple[Retired, ...] = ()

    def position(self, slug: str) -> int:
        """Rank of ``slug``, counting from 1."""
        return self.results.position(slug)

    def score(self, slug: str) -> float:
        return self.results[self.position(slug) - 1].score


def rank(kb: KnowledgeBase, answers: Iterable[str]) -> Ranking:
    """Rank every entity of ``kb`` given the answers (finding codes), best first.

    Retired codes are first replaced by their parts (``Ranking.mapped`` says which).
    """
    index = _index_for(kb)
    answers, mapped = kb.expand_retired(answers)
    known, ignored = index.split(answers)
    log_scores = index.log_scores(known)
    posterior = _softmax(log_scores)
    order = np.lexsort((index.slug_rank, -log_scores))
    reasons = index.reasons(known)
    return Ranking(
        results=Results(index.slugs, order.tolist(), posterior.tolist(), reasons),
        ignored=ignored,
        conflicts=index.conflicts(known),
        answers=tuple(known),
        log_scores=dict(zip(index.slugs, log_scores.tolist(), strict=True)),
        mapped=tuple(mapped),
    )


def information_gains(
    kb: KnowledgeBase, answers: Iterable[str], top_n: int = 5
) -> dict[str, float]:
    """Expected entropy reduction, in bits, of each unanswered question over the leaders.

    The leaders are the ``top_n`` entities with the highest scores; their posterior is
    renormalised among them. A single-choice answer is predicted, for entity E, with
    probability proportional to LR_E(answer) x base(answer) within its question; each box of a
    multi-choice question is ticked with probability LR_E(box) x base(box), independently given
    E. The gain is the mutual information between the leading entity and the answer.
    """
    index = _index_for(kb)
    known, _ignored = index.split(kb.expand_retired(answers)[0])
    return index.gains(known, top_n)


def next_best_question(kb: KnowledgeBase, answers: Iterable[str], top_n: int = 5) -> str | None:
    """The unanswered question with the largest expected gain per unit cost, or None.

    Each question's expected information gain over the leaders (``information_gains``) is
    divided by its ``cost``, the relative effort of getting the answer (1 by default), so a
    blood test at 0.5 is asked before an examination at 1 that tells a little more, but not
    before one that tells more than twice as much. None means every question is answered, or
    no unanswered one is expected to change the posterior among the leaders (a gain below
    ``MIN_GAIN`` bits, whatever its cost). Ties go to the question that comes first in the
    wizard.
    """
    gains = information_gains(kb, answers, top_n)
    questions = kb.question_by_id
    best, best_value = None, 0.0
    for qid, gain in gains.items():
        if gain <= MIN_GAIN:
            continue
        value = gain / questions[qid].cost
        if best is None or value > best_value:
            best, best_value = qid, value
    return best


def tree_path(tree: TreeNode, answers: Iterable[str]) -> list[str]:
    """Ids of the nodes the answers take through the poster's algorithm, from the root.

    At each node the children are tried in order and the first one selected by an answer is
    taken (a child without selecting findings is always taken). The walk stops at a leaf, or
    where no child is selected: where the answers run out.
    """
    given = set(answers)
    path, node = [tree.id], tree
    while node.children:
        following = next((child for child in node.children if child.matches(given)), None)
        if following is None:
            break
        path.append(following.id)
        node = following
    return path


def _softmax(log_scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(log_scores - log_scores.max())
    return shifted / shifted.sum()


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index_for(kb: KnowledgeBase) -> _Index:
    index = _INDEXES.get(kb)
    if index is None:
        index = _INDEXES[kb] = _Index(kb)
    return index


class _Index:
    """Arrays precomputed from one knowledge base, so a ranking is a few vector additions."""

    def __init__(self, kb: KnowledgeBase):
        self.slugs = [e.slug for e in kb.entities]
        n = len(self.slugs)
        entity_pos = {slug: i for i, slug in enumerate(self.slugs)}
        self.log_prior = np.log(np.array([e.prior for e in kb.entities], dtype=float))
        self.slug_rank = np.empty(n, dtype=np.int64)
        self.slug_rank[sorted(range(n), key=self.slugs.__getitem__)] = np.arange(n)

        self.questions = kb.questions
        self.codes = [f.code for q in self.questions for f in q.findings]
        self.code_pos = {code: i for i, code in enumerate(self.codes)}
        self.base = np.array([f.base for q in self.questions for f in q.findings], dtype=float)
        self.question_of = {f.code: qi for qi, q in enumerate(self.questions) for f in q.findings}

        by_code: dict[str, tuple[list[int], list[float]]] = {}
        by_entity: dict[int, tuple[list[int], list[float]]] = {}
        for w in kb.weights:
            if w.lr == 1:
                continue
            entities, lrs = by_code.setdefault(w.finding, ([], []))
            entities.append(entity_pos[w.entity])
            lrs.append(w.lr)
            positions, entity_lrs = by_entity.setdefault(entity_pos[w.entity], ([], []))
            positions.append(self.code_pos[w.finding])
            entity_lrs.append(w.lr)
        # finding code -> (entity indices, their log-LRs, their LRs)
        self.rows = {
            code: (np.array(ents, dtype=np.int64), np.log(np.array(lrs)), lrs)
            for code, (ents, lrs) in by_code.items()
        }
        # entity index -> (finding positions, LRs), for the question-gain matrices
        self.entity_rows = {
            e: (np.array(pos, dtype=np.int64), np.array(lrs)) for e, (pos, lrs) in by_entity.items()
        }

        self.contradicts: dict[str, set[str]] = {}
        for c in kb.contradictions:
            self.contradicts.setdefault(c.first, set()).add(c.second)
            self.contradicts.setdefault(c.second, set()).add(c.first)

        # Question layout for the gains: single-choice answers as segments for reduceat,
        # multi-choice questions grouped by their number of boxes.
        single = [qi for qi, q in enumerate(self.questions) if q.single]
        self.single_qi = np.array(single, dtype=np.int64)
        positions = [[self.code_pos[c] for c in self.questions[qi].codes] for qi in single]
        self.single_idx = np.array([p for ps in positions for p in ps], dtype=np.int64)
        sizes = [len(ps) for ps in positions]
        self.single_sizes = np.array(sizes, dtype=np.int64)
        self.single_starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.multi_by_size: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        grouped: dict[int, list[int]] = {}
        for qi, q in enumerate(self.questions):
            if not q.single:
                grouped.setdefault(len(q.findings), []).append(qi)
        for k, qis in grouped.items():
            idx = np.array([[self.code_pos[c] for c in self.questions[qi].codes] for qi in qis])
            self.multi_by_size[k] = (np.array(qis, dtype=np.int64), idx.reshape(len(qis), k))

    # -- ranking ------------------------------------------------------------------------

    def split(self, answers: Iterable[str]) -> tuple[list[str], list[str]]:
        if isinstance(answers, str):
            answers = [answers]
        known, ignored, seen = [], [], set()
        for code in answers:
            if code in seen:
                continue
            seen.add(code)
            (known if code in self.code_pos else ignored).append(code)
        return known, ignored

    def log_scores(self, known: list[str]) -> np.ndarray:
        scores = self.log_prior.copy()
        for code in known:
            row = self.rows.get(code)
            if row is not None:
                scores[row[0]] += row[1]
        return scores

    def reasons(self, known: list[str]) -> dict[int, list[Reason]]:
        reasons: dict[int, list[Reason]] = {}
        for code in known:
            row = self.rows.get(code)
            if row is None:
                continue
            for entity, lr in zip(row[0].tolist(), row[2], strict=True):
                reasons.setdefault(entity, []).append(Reason(code, lr))
        for found in reasons.values():
            found.sort(key=lambda reason: -abs(math.log(reason.lr)))
        return reasons

    def conflicts(self, known: list[str]) -> list[tuple[str, str]]:
        pairs = []
        for first, second in combinations(known, 2):
            same_question = self.question_of[first] == self.question_of[second]
            if (same_question and self.questions[self.question_of[first]].single) or (
                second in self.contradicts.get(first, ())
            ):
                pairs.append((first, second))
        return pairs

    # -- question gains -----------------------------------------------------------------

    def gains(self, known: list[str], top_n: int) -> dict[str, float]:
        answered = np.zeros(len(self.questions), dtype=bool)
        for code in known:
            answered[self.question_of[code]] = True
        log_scores = self.log_scores(known)
        n = len(self.slugs)
        top_n = max(1, min(top_n, n))
        leaders = np.argpartition(-log_scores, top_n - 1)[:top_n] if top_n < n else np.arange(n)
        p = _softmax(log_scores[leaders])
        lr = np.ones((len(self.codes), len(leaders)))
        for j, entity in enumerate(leaders.tolist()):
            row = self.entity_rows.get(entity)
            if row is not None:
                lr[row[0], j] = row[1]
        likely = lr * self.base[:, None]

        gains = np.zeros(len(self.questions))
        if len(self.single_qi):
            self._single_gains(likely, p, gains)
        for k, (qis, idx) in self.multi_by_size.items():
            self._multi_gains(k, qis, idx, likely, p, gains)
        return {q.id: float(gains[qi]) for qi, q in enumerate(self.questions) if not answered[qi]}

    def _single_gains(self, likely: np.ndarray, p: np.ndarray, gains: np.ndarray) -> None:
        # P(answer | entity), normalised within each question so the answers add up to one.
        probs = likely[self.single_idx]
        totals = np.add.reduceat(probs, self.single_starts, axis=0)
        probs = probs / np.repeat(totals, self.single_sizes, axis=0)
        mixture = probs @ p
        with np.errstate(divide="ignore", invalid="ignore"):
            h_mix = np.where(mixture > 0, -mixture * np.log2(mixture), 0.0)
            h_cond = np.where(probs > 0, -probs * np.log2(probs), 0.0) @ p
        gains[self.single_qi] = np.add.reduceat(h_mix - h_cond, self.single_starts)

    def _multi_gains(self, k, qis, idx, likely, p, gains) -> None:
        probs = np.clip(likely[idx], _EPS, 1 - _EPS)  # (questions, boxes, leaders)
        if k > MAX_ENUMERATED:
            for row, qi in enumerate(qis.tolist()):
                keep = np.argsort(-self._box_gains(probs[row], p))[:MAX_ENUMERATED]
                gains[qi] = self._joint_gains(probs[row : row + 1, keep], p)[0]
            return
        gains[qis] = self._joint_gains(probs, p)

    @staticmethod
    def _box_gains(probs: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Information of each box on its own: (boxes, leaders) -> (boxes,)."""

        def h(x):
            return -(x * np.log2(x) + (1 - x) * np.log2(1 - x))

        return h(probs @ p) - h(probs) @ p

    @staticmethod
    def _joint_gains(probs: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Mutual information between the leader and the whole set of ticked boxes.

        Boxes are independent given the entity, so H(boxes | entity) is a sum over boxes;
        H(boxes) is the entropy of a mixture and needs the probability of every combination,
        built box by box: (questions, boxes, leaders) -> (questions,).
        """
        joint = np.ones((probs.shape[0], 1, probs.shape[2]))
        for box in range(probs.shape[1]):
            ticked = probs[:, box : box + 1, :]
            joint = np.concatenate([joint * (1 - ticked), joint * ticked], axis=1)
        mixture = joint @ p
        h_mix = -(mixture * np.log2(mixture)).sum(axis=1)
        h_box = -(probs * np.log2(probs) + (1 - probs) * np.log2(1 - probs))
        return h_mix - h_box.sum(axis=1) @ p
