"""Ranking, conflicts, the next best question and the tree path, on small hand-made knowledge
bases and on many random ones (seeded, so a failure can be replayed)."""

import itertools
import math
import random

import pytest

from wizard.knowledge import KnowledgeBase
from wizard.ranking import (
    MAX_ENUMERATED,
    information_gains,
    next_best_question,
    rank,
    tree_path,
)


def text(s: str) -> dict:
    return {"en": s, "es": s}


def question(qid: str, kind: str, bases: dict[str, float]) -> dict:
    answers = [{"code": code, "label": text(code), "base": b} for code, b in bases.items()]
    return {"id": qid, "kind": kind, "text": text(qid), "answers": answers}


def make_kb(
    questions: list[dict],
    priors: dict[str, float],
    weights: dict[tuple[str, str], float] = (),
    contradictions=(),
    tree: dict | None = None,
) -> KnowledgeBase:
    return KnowledgeBase.from_dict(
        {
            "mechanisms": ["dystrophic"],
            "groups": [{"id": "g", "label": text("g"), "questions": questions}],
            "entities": [
                {"slug": slug, "mechanism": "dystrophic", "prior": p} for slug, p in priors.items()
            ],
            "weights": [
                {"entity": e, "finding": f, "lr": lr} for (e, f), lr in dict(weights).items()
            ],
            "contradictions": [{"findings": list(pair)} for pair in contradictions],
            "tree": tree or {"id": "root", "label": text("root")},
        }
    )


@pytest.fixture
def small() -> KnowledgeBase:
    """Two likely entities and a rare one; a calcium question and a history checklist."""
    return make_kb(
        [
            question("calcium", "single", {"ca.low": 0.1, "ca.normal": 0.8, "ca.high": 0.1}),
            question("hx", "multi", {"hx.trauma": 0.2, "hx.gout": 0.05, "hx.ckd": 0.1}),
        ],
        {"trauma": 6, "gout": 3, "hyperpth": 1},
        {
            ("trauma", "hx.trauma"): 4,
            ("gout", "hx.gout"): 15,
            ("gout", "hx.trauma"): 0.5,
            ("hyperpth", "ca.high"): 8,
            ("hyperpth", "ca.normal"): 0.4,
            ("hyperpth", "hx.ckd"): 1,
        },
        contradictions=[("hx.ckd", "ca.normal")],
    )


# -- the score -------------------------------------------------------------------------------


def test_with_no_answers_entities_rank_by_prior(small):
    ranking = rank(small, [])
    assert [r.entity for r in ranking.results] == ["trauma", "gout", "hyperpth"]
    assert [r.score for r in ranking.results] == pytest.approx([0.6, 0.3, 0.1])


def test_scores_are_a_distribution_sorted_best_first(small):
    ranking = rank(small, ["hx.gout", "ca.high"])
    scores = [r.score for r in ranking.results]
    assert sum(scores) == pytest.approx(1)
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_the_score_is_the_naive_bayes_posterior(small):
    ranking = rank(small, ["hx.trauma", "ca.high"])
    unnormalised = {"trauma": 0.6 * 4, "gout": 0.3 * 0.5, "hyperpth": 0.1 * 8}
    total = sum(unnormalised.values())
    for entity, value in unnormalised.items():
        assert ranking.score(entity) == pytest.approx(value / total)
        assert ranking.log_scores[entity] == pytest.approx(math.log(value))


def test_each_reason_is_a_finding_with_its_likelihood_ratio_strongest_first(small):
    ranking = rank(small, ["hx.trauma", "hx.gout", "ca.normal"])
    gout = ranking.results[ranking.position("gout") - 1]
    assert gout.reasons == [("hx.gout", 15), ("hx.trauma", 0.5)], "strongest first"
    entity, score, reasons = gout
    assert entity == "gout" and 0 < score < 1


def test_a_weight_of_exactly_one_is_not_a_reason(small):
    hyperpth = rank(small, ["hx.ckd"]).results[-1]
    assert hyperpth.entity == "hyperpth"
    assert hyperpth.reasons == []


def test_unknown_codes_are_ignored_and_change_nothing(small):
    plain = rank(small, ["hx.trauma"])
    noisy = rank(small, ["lab.unicorn", "hx.trauma", "hx.unicorn"])
    assert noisy.ignored == ["lab.unicorn", "hx.unicorn"]
    assert list(noisy.results) == list(plain.results)
    assert noisy.answers == ("hx.trauma",)


def test_an_answer_given_twice_counts_once(small):
    assert list(rank(small, ["hx.gout", "hx.gout"]).results) == list(
        rank(small, ["hx.gout"]).results
    )


def test_results_can_be_read_by_index_slice_and_iteration(small):
    results = rank(small, ["hx.gout"]).results
    assert len(results) == 3
    assert results[0] == results[:1][0] == next(iter(results))
    assert results[-1].entity == list(results)[-1].entity


# -- conflicts -------------------------------------------------------------------------------


def test_two_answers_to_a_single_choice_question_are_reported_and_both_count(small):
    ranking = rank(small, ["ca.low", "hx.trauma", "ca.high"])
    assert ranking.conflicts == [("ca.low", "ca.high")]
    hyperpth = rank(small, ["ca.high"]).log_scores["hyperpth"]
    assert ranking.log_scores["hyperpth"] == pytest.approx(hyperpth), "both LRs are applied"


def test_a_declared_contradiction_is_reported(small):
    assert rank(small, ["ca.normal", "hx.ckd"]).conflicts == [("ca.normal", "hx.ckd")]


def test_boxes_of_a_multi_choice_question_do_not_conflict(small):
    assert rank(small, ["hx.trauma", "hx.gout", "hx.ckd"]).conflicts == []


# -- monotonicity, on random knowledge bases --------------------------------------------------


def random_kb(rng: random.Random) -> KnowledgeBase:
    questions, codes = [], []
    for q in range(rng.randint(2, 5)):
        kind = rng.choice(["single", "multi"])
        size = rng.randint(2, 4)
        if kind == "single":
            raw = [rng.random() + 0.1 for _ in range(size)]
            bases = {f"q{q}.a{i}": r / sum(raw) for i, r in enumerate(raw)}
        else:
            bases = {f"q{q}.a{i}": rng.uniform(0.02, 0.3) for i in range(size)}
        questions.append(question(f"q{q}", kind, bases))
        codes += [(code, b) for code, b in bases.items()]
    slugs = [f"e{i}" for i in range(rng.randint(3, 12))]
    weights = {}
    for slug in slugs:
        for code, base in rng.sample(codes, rng.randint(0, len(codes))):
            weights[(slug, code)] = min(rng.lognormvariate(0, 1.5), 1 / base, 1000)
    return make_kb(questions, {s: rng.lognormvariate(0, 1) for s in slugs}, weights)


def random_trials(count: int, seed: int):
    """(kb, answers, added finding) triples; the added finding is not among the answers."""
    rng = random.Random(seed)
    for _ in range(count):
        kb = random_kb(rng)
        codes = list(kb.findings)
        answers = rng.sample(codes, rng.randint(0, len(codes) - 1))
        added = rng.choice([c for c in codes if c not in answers])
        yield kb, answers, added


def test_adding_a_finding_moves_each_log_score_by_exactly_its_log_lr():
    """Monotonicity of the unnormalised score: a finding with LR > 1 for an entity raises that
    entity's log-score, LR < 1 lowers it, LR = 1 leaves it, whatever else was answered."""
    for kb, answers, added in random_trials(300, seed=1):
        before = rank(kb, answers).log_scores
        after = rank(kb, [*answers, added]).log_scores
        for entity in before:
            change = after[entity] - before[entity]
            assert change == pytest.approx(math.log(kb.lr(entity, added)), abs=1e-9)
            if kb.lr(entity, added) > 1:
                assert change > 0


def test_a_finding_can_only_push_an_entity_down_behind_entities_it_favours_more():
    """The rank-position property: after adding finding f, every entity ranked above E was
    either above E already, or has a larger LR for f than E has. So a finding that favours E
    at least as much as any other entity never lowers E's position."""
    for kb, answers, added in random_trials(300, seed=2):
        before = [r.entity for r in rank(kb, answers).results]
        after = [r.entity for r in rank(kb, [*answers, added]).results]
        for entity in before:
            above_before = set(before[: before.index(entity)])
            above_after = set(after[: after.index(entity)])
            overtaking = {x for x in before if kb.lr(x, added) > kb.lr(entity, added)}
            assert above_after <= above_before | overtaking, (entity, added)
            if not overtaking:
                assert after.index(entity) <= before.index(entity)


def test_a_normalised_score_rises_exactly_when_the_lr_beats_the_posterior_mean_lr():
    """Why the displayed score is not monotone by itself: adding f raises E's share only if
    LR_E(f) exceeds the posterior-weighted mean of LR(f) over all entities."""
    for kb, answers, added in random_trials(300, seed=3):
        before = rank(kb, answers)
        after = rank(kb, [*answers, added])
        mean_lr = sum(r.score * kb.lr(r.entity, added) for r in before.results)
        for r in before.results:
            lr = kb.lr(r.entity, added)
            if abs(lr - mean_lr) < 1e-9 * mean_lr:
                continue
            assert (after.score(r.entity) > r.score) == (lr > mean_lr), (r.entity, added)


# -- the next best question ------------------------------------------------------------------


@pytest.fixture
def leaders_kb() -> KnowledgeBase:
    """A and B lead; C..F trail. 'shape' splits A from B, 'noise' splits nobody, 'tail' splits
    only the trailing entities."""
    priors = {"a": 40, "b": 40, "c": 1, "d": 1, "e": 1, "f": 1}
    return make_kb(
        [
            question("noise", "single", {"noise.x": 0.5, "noise.y": 0.5}),
            question("tail", "single", {"tail.x": 0.5, "tail.y": 0.5}),
            question("shape", "single", {"shape.round": 0.5, "shape.linear": 0.5}),
        ],
        priors,
        {
            ("a", "shape.round"): 1.9,
            ("a", "shape.linear"): 0.1,
            ("b", "shape.round"): 0.1,
            ("b", "shape.linear"): 1.9,
            ("c", "tail.x"): 1.99,
            ("c", "tail.y"): 0.01,
            ("d", "tail.x"): 0.01,
            ("d", "tail.y"): 1.99,
        },
    )


def test_next_best_question_picks_the_one_that_separates_the_leaders(leaders_kb):
    assert next_best_question(leaders_kb, [], top_n=2) == "shape"
    gains = information_gains(leaders_kb, [], top_n=2)
    assert gains["noise"] == pytest.approx(0)
    assert gains["tail"] == pytest.approx(0), "the tail entities are not among the leaders"
    assert gains["shape"] > 0.5


def test_a_question_that_splits_two_equal_leaders_perfectly_is_worth_one_bit():
    kb = make_kb(
        [question("side", "single", {"side.left": 0.5, "side.right": 0.5})],
        {"a": 1, "b": 1},
        {
            ("a", "side.left"): 2,
            ("a", "side.right"): 1e-3,
            ("b", "side.left"): 1e-3,
            ("b", "side.right"): 2,
        },
    )
    assert information_gains(kb, [], top_n=2)["side"] == pytest.approx(1, abs=0.02)


def test_answered_questions_are_not_asked_again(leaders_kb):
    assert next_best_question(leaders_kb, ["shape.round"], top_n=2) != "shape"
    assert "shape" not in information_gains(leaders_kb, ["shape.round"], top_n=2)


def test_there_is_no_next_question_when_nothing_is_left_to_learn(leaders_kb):
    assert next_best_question(leaders_kb, ["shape.round", "noise.x", "tail.x"]) is None
    # With only 'noise' and 'tail' left and the leaders A and B, nothing helps.
    assert next_best_question(leaders_kb, ["shape.round"], top_n=1) is None


def brute_force_gain(kb: KnowledgeBase, qid: str, answers: list[str], top_n: int) -> float:
    """Mutual information by listing every combination of boxes, straight from the model."""
    ranking = rank(kb, answers)
    leaders = ranking.results[:top_n]
    total = sum(r.score for r in leaders)
    prior = {r.entity: r.score / total for r in leaders}
    codes = kb.question_by_id[qid].codes

    def ticked(entity, code):
        p = kb.lr(entity, code) * kb.findings[code].base
        return min(max(p, 1e-9), 1 - 1e-9)

    gain = 0.0
    for outcome in itertools.product([0, 1], repeat=len(codes)):
        likelihood = {
            e: math.prod(
                ticked(e, c) if on else 1 - ticked(e, c)
                for c, on in zip(codes, outcome, strict=True)
            )
            for e in prior
        }
        marginal = sum(prior[e] * likelihood[e] for e in prior)
        for e in prior:
            joint = prior[e] * likelihood[e]
            gain += joint * math.log2(likelihood[e] / marginal)
    return gain


def test_multi_choice_gains_match_a_brute_force_enumeration():
    rng = random.Random(4)
    for _ in range(30):
        kb = random_kb(rng)
        for q in kb.questions:
            if q.single:
                continue
            expected = brute_force_gain(kb, q.id, [], top_n=4)
            assert information_gains(kb, [], top_n=4)[q.id] == pytest.approx(expected, abs=1e-9)


def test_a_very_long_checklist_is_scored_on_its_most_informative_boxes():
    bases = {f"box.{i}": 0.1 for i in range(MAX_ENUMERATED + 4)}
    weights = {("a", f"box.{i}"): 1 + i / 4 for i in range(len(bases))}
    kb = make_kb([question("box", "multi", bases)], {"a": 1, "b": 1}, weights)
    gain = information_gains(kb, [], top_n=2)["box"]
    assert 0 < gain <= 1


# -- the tree path ---------------------------------------------------------------------------


@pytest.fixture
def tree_kb() -> KnowledgeBase:
    def node(nid, select=(), children=(), entities=()):
        return {
            "id": nid,
            "label": text(nid),
            "select": list(select),
            "children": list(children),
            "entities": list(entities),
        }

    tree = node(
        "root",
        children=[
            node("altered", ["ca.high"], [node("metastatic", entities=["gout"])]),
            node(
                "normal",
                ["ca.normal"],
                [
                    node("iatrogenic", ["hx.injection"], entities=["granuloma"]),
                    node("dystrophic", ["hx.trauma"], entities=["trauma"]),
                ],
            ),
        ],
    )
    return make_kb(
        [
            question("calcium", "single", {"ca.normal": 0.9, "ca.high": 0.1}),
            question("hx", "multi", {"hx.trauma": 0.2, "hx.injection": 0.1}),
        ],
        {"gout": 1, "granuloma": 1, "trauma": 1},
        tree=tree,
    )


def test_the_tree_path_stops_where_the_answers_run_out(tree_kb):
    assert tree_path(tree_kb.tree, []) == ["root"]
    assert tree_path(tree_kb.tree, ["ca.normal"]) == ["root", "normal"]


def test_the_tree_path_follows_the_answers_to_a_leaf(tree_kb):
    assert tree_path(tree_kb.tree, ["hx.trauma", "ca.normal"]) == ["root", "normal", "dystrophic"]


def test_a_node_without_selecting_findings_is_always_taken(tree_kb):
    assert tree_path(tree_kb.tree, ["ca.high"]) == ["root", "altered", "metastatic"]


def test_when_two_children_match_the_first_one_wins(tree_kb):
    path = tree_path(tree_kb.tree, ["ca.normal", "hx.trauma", "hx.injection"])
    assert path == ["root", "normal", "iatrogenic"]
