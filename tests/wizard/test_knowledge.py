"""The knowledge base: loading, validation, and agreement between the tree and the weights."""

import copy
import itertools

import pytest

from tests.wizard.builders import problems_of
from wizard.knowledge import KnowledgeBase, Text, tree_disagreements
from wizard.ranking import tree_path

# The glossary's slugs and mechanisms, as the atlas fixes them.
GLOSSARY = {
    "tumours": "dystrophic",
    "synovial-sarcoma": "dystrophic",
    "trauma": "dystrophic",
    "myositis-ossificans": "dystrophic",
    "heterotopic-ossification": "dystrophic",
    "parasitic-infections": "dystrophic",
    "cysticercosis": "dystrophic",
    "soft-tissue-infection": "dystrophic",
    "burns": "dystrophic",
    "post-radiotherapy": "dystrophic",
    "connective-tissue-disease": "dystrophic",
    "dermatomyositis": "dystrophic",
    "juvenile-dermatomyositis": "dystrophic",
    "polymyositis": "dystrophic",
    "scleroderma": "dystrophic",
    "vascular-calcification": "dystrophic",
    "chronic-venous-thrombosis": "dystrophic",
    "calciphylaxis": "dystrophic",
    "cppd": "dystrophic",
    "bursitis": "dystrophic",
    "calcific-tendinitis": "dystrophic",
    "degenerative-calcification": "dystrophic",
    "pellegrini-stieda": "dystrophic",
    "injection-granuloma": "iatrogenic",
    "hyperparathyroidism": "metastatic",
    "hypoparathyroidism": "metastatic",
    "renal-osteodystrophy": "metastatic",
    "sarcoidosis": "metastatic",
    "massive-osteolysis": "metastatic",
    "chronic-kidney-disease": "metastatic",
    "pseudohypoparathyroidism": "metastatic",
    "tophaceous-gout": "metastatic",
    "tumoral-calcinosis": "idiopathic",
    "idiopathic-calcinosis-universalis": "idiopathic",
}

# The poster's flowchart: leaf -> the entities printed there ("vasculares" is the
# vascular-calcification entity).
FLOWCHART_LEAVES = {
    "metastatic": {
        "chronic-kidney-disease",
        "hyperparathyroidism",
        "pseudohypoparathyroidism",
        "sarcoidosis",
        "tophaceous-gout",
    },
    "iatrogenic": {"injection-granuloma"},
    "idiopathic": {"tumoral-calcinosis"},
    "connective-tissue": {"juvenile-dermatomyositis", "polymyositis"},
    "vascular": {"vascular-calcification"},
    "articular": {"cppd", "bursitis"},
    "soft-tissue": {
        "synovial-sarcoma",
        "myositis-ossificans",
        "soft-tissue-infection",
        "scleroderma",
    },
    "tendon-ligament": {"calcific-tendinitis", "degenerative-calcification", "pellegrini-stieda"},
}


def text(s: str) -> dict:
    return {"en": s, "es": s + " (es)"}


def kb_dict(**overrides) -> dict:
    """A small valid knowledge base: two entities, a single- and a multi-choice question."""
    data = {
        "mechanisms": ["dystrophic", "metastatic", "iatrogenic", "idiopathic"],
        "groups": [
            {
                "id": "g",
                "label": text("Group"),
                "questions": [
                    {
                        "id": "lab.calcium",
                        "kind": "single",
                        "text": text("Calcium"),
                        "answers": [
                            {"code": "lab.calcium.normal", "label": text("Normal"), "base": 0.9},
                            {"code": "lab.calcium.high", "label": text("High"), "base": 0.1},
                        ],
                    },
                    {
                        "id": "hx",
                        "kind": "multi",
                        "text": text("History"),
                        "answers": [
                            {"code": "hx.trauma", "label": text("Trauma"), "base": 0.2},
                            {"code": "hx.gout", "label": text("Gout"), "base": 0.05},
                        ],
                    },
                ],
            }
        ],
        "entities": [
            {
                "slug": "trauma",
                "mechanism": "dystrophic",
                "prior": 3,
                "weights": [
                    {"finding": "hx.trauma", "lr": 4, "why": "injury"},
                    {"finding": "lab.calcium.normal", "lr": 1.1},
                ],
            },
            {
                "slug": "tophaceous-gout",
                "mechanism": "metastatic",
                "prior": 1,
                "weights": [
                    {"finding": "hx.gout", "lr": 15},
                    {"finding": "lab.calcium.high", "lr": 2},
                ],
            },
        ],
        "contradictions": [],
        "tree": {
            "id": "root",
            "label": text("Calcinosis"),
            "children": [
                {
                    "id": "altered",
                    "label": text("Altered"),
                    "select": ["lab.calcium.high"],
                    "children": [
                        {
                            "id": "metastatic",
                            "label": text("Metastatic"),
                            "mechanism": "metastatic",
                            "entities": ["tophaceous-gout"],
                        }
                    ],
                },
                {
                    "id": "normal",
                    "label": text("Normal"),
                    "select": ["lab.calcium.normal"],
                    "mechanism": "dystrophic",
                    "entities": ["trauma"],
                },
            ],
        },
    }
    data.update(overrides)
    return data


# -- the demo knowledge base -----------------------------------------------------------------


def test_the_demo_knowledge_base_loads_whole(demo):
    assert len(demo.entities) == 34
    assert len(demo.questions) >= 8
    assert demo.tree.id == "calcinosis"


def test_demo_entities_are_the_glossary_slugs_with_their_mechanisms(demo):
    assert {e.slug: e.mechanism for e in demo.entities} == GLOSSARY


def test_dystrophic_causes_hold_95_to_98_percent_of_the_prior_as_the_poster_says(demo):
    dystrophic = sum(e.prior for e in demo.entities if e.mechanism == "dystrophic")
    assert 0.95 <= dystrophic <= 0.98
    assert sum(e.prior for e in demo.entities) == pytest.approx(1)


def test_the_wizard_steps_come_in_order_with_their_questions(demo):
    assert [g.id for g in demo.groups] == [
        "laboratory",
        "history",
        "distribution",
        "site",
        "morphology",
        "signs",
        "age",
        "clinical",
    ]
    kinds = {q.id: q.kind for q in demo.questions}
    assert kinds["lab.calcium"] == kinds["lab.phosphate"] == kinds["lab.renal"] == "single"
    assert kinds["dist"] == kinds["age"] == "single"
    assert kinds["hx"] == kinds["site"] == kinds["morph"] == kinds["clinical"] == "multi"
    # The poster's "other associated signs": beside the calcification, and elsewhere.
    assert kinds["signs.local"] == kinds["signs.elsewhere"] == kinds["skin"] == "multi"
    assert demo.question_by_id["lab.calcium"].codes == (
        "lab.calcium.low",
        "lab.calcium.normal",
        "lab.calcium.high",
    )


def test_every_demo_finding_is_in_exactly_one_question(demo):
    codes = [code for q in demo.questions for code in q.codes]
    assert len(codes) == len(set(codes)) == len(demo.findings)


def test_every_demo_weight_with_an_effect_says_why(demo):
    silent = [(w.entity, w.finding) for w in demo.weights if w.lr != 1 and not w.why.en.strip()]
    assert silent == []


def test_every_demo_entity_has_a_place_in_the_tree(demo):
    homeless = [e.slug for e in demo.entities if e.tree_node not in demo.nodes]
    assert homeless == []


def test_the_flowchart_prints_the_poster_entities_at_its_leaves(demo):
    leaves = {n.id: set(n.entities) for n in demo.tree.walk() if n.entities}
    assert leaves == FLOWCHART_LEAVES


def test_the_two_printed_laboratory_profiles_are_kept_and_select_the_metastatic_branch(demo):
    altered = demo.nodes["lab-altered"]
    assert altered.printed_profiles == (
        ("lab.calcium.normal", "lab.phosphate.high"),
        ("lab.calcium.high", "lab.phosphate.high"),
    )
    for profile in altered.printed_profiles:
        assert tree_path(demo.tree, profile) == ["calcinosis", "lab-altered", "metastatic"]


@pytest.mark.parametrize("leaf", sorted(FLOWCHART_LEAVES))
def test_every_flowchart_leaf_is_reachable_with_findings_of_its_own_path(demo, leaf):
    path = demo.path_to(leaf)
    choices = [node.select for node in path[1:] if node.select]
    # One selecting finding per node on the path; some combination must lead to the leaf.
    reached = [
        answers
        for answers in itertools.product(*choices)
        if tree_path(demo.tree, answers) == [n.id for n in path]
    ]
    assert reached, f"no answers lead to {leaf!r}"


def test_the_tree_and_the_weights_of_the_demo_agree(demo):
    assert tree_disagreements(demo) == []


def test_entities_not_printed_in_the_flowchart_are_filed_under_their_own_mechanism(demo):
    for entity in demo.entities:
        named = [node.mechanism for node in demo.path_to(entity.tree_node) if node.mechanism]
        assert named and named[-1] == entity.mechanism, entity.slug


def test_a_weight_never_implies_a_probability_above_one(demo):
    for w in demo.weights:
        assert w.lr * demo.findings[w.finding].base <= 1, (w.entity, w.finding)


# -- validation --------------------------------------------------------------------------------


def test_a_valid_dict_builds_a_knowledge_base_with_normalised_priors():
    kb = KnowledgeBase.from_dict(kb_dict())
    assert kb.entity_by_slug["trauma"].prior == pytest.approx(0.75)
    assert kb.lr("trauma", "hx.trauma") == 4
    assert kb.lr("trauma", "hx.gout") == 1, "no weight means a likelihood ratio of one"
    assert kb.entity_by_slug["trauma"].tree_node == "normal", "a printed entity sits at its leaf"


def test_weights_can_also_be_given_as_a_flat_list_as_database_rows_would_be():
    data = kb_dict()
    data["entities"][0].pop("weights")
    data["weights"] = [{"entity": "trauma", "finding": "hx.trauma", "lr": 4, "why": "injury"}]
    kb = KnowledgeBase.from_dict(data)
    assert kb.weight("trauma", "hx.trauma").why == Text("injury", "")


def test_a_weight_on_an_unknown_finding_is_rejected():
    data = kb_dict()
    data["entities"][0]["weights"].append({"finding": "hx.nothing", "lr": 2})
    assert any("unknown finding 'hx.nothing'" in p for p in problems_of(data))


def test_a_weight_on_an_unknown_entity_is_rejected():
    data = kb_dict(weights=[{"entity": "gout", "finding": "hx.gout", "lr": 2}])
    assert any("unknown entity 'gout'" in p for p in problems_of(data))


def test_a_weight_given_twice_is_rejected():
    data = kb_dict(weights=[{"entity": "trauma", "finding": "hx.trauma", "lr": 2}])
    assert any("given twice" in p for p in problems_of(data))


def test_a_finding_in_two_questions_is_rejected():
    data = kb_dict()
    questions = data["groups"][0]["questions"]
    questions[1]["answers"].append(copy.deepcopy(questions[0]["answers"][1]))
    assert any("in more than one question" in p for p in problems_of(data))


def test_a_tree_leaf_naming_an_unknown_entity_is_rejected():
    data = kb_dict()
    data["tree"]["children"][1]["entities"].append("gout")
    assert any("unknown entity 'gout'" in p for p in problems_of(data))


def test_a_tree_node_selecting_on_an_unknown_finding_is_rejected():
    data = kb_dict()
    data["tree"]["children"][0]["select"] = ["lab.calcium.sky-high"]
    assert any("unknown finding 'lab.calcium.sky-high'" in p for p in problems_of(data))


def test_an_entity_filed_under_another_mechanism_is_rejected():
    data = kb_dict()
    data["entities"][0]["mechanism"] = "idiopathic"
    assert any("under the dystrophic branch" in p for p in problems_of(data))


def test_a_likelihood_ratio_that_makes_a_probability_above_one_is_rejected():
    data = kb_dict()
    data["entities"][0]["weights"][0]["lr"] = 6  # base 0.2: a probability of 1.2
    assert any("probability above one" in p for p in problems_of(data))


def test_base_rates_of_a_single_choice_question_must_add_up_to_one():
    data = kb_dict()
    data["groups"][0]["questions"][0]["answers"][0]["base"] = 0.5
    assert any("add up to 0.600" in p for p in problems_of(data))


def test_a_label_missing_its_spanish_text_is_rejected():
    data = kb_dict()
    data["groups"][0]["questions"][1]["answers"][0]["label"] = {"en": "Trauma"}
    assert any("missing text in es" in p for p in problems_of(data))


def test_every_problem_is_reported_at_once():
    data = kb_dict(weights=[{"entity": "gout", "finding": "hx.nothing", "lr": -1}])
    data["entities"][1]["mechanism"] = "magic"
    found = problems_of(data)
    assert len(found) >= 4
    assert any("unknown mechanism 'magic'" in p for p in found)


# -- the tree-agreement check ----------------------------------------------------------------


def test_tree_agreement_holds_for_the_small_knowledge_base():
    assert tree_disagreements(KnowledgeBase.from_dict(kb_dict())) == []


def test_tree_agreement_flags_a_sibling_branch_that_favours_the_entity_more():
    data = kb_dict()
    data["entities"][0]["weights"].append({"finding": "lab.calcium.high", "lr": 3})  # > 1.1
    found = tree_disagreements(KnowledgeBase.from_dict(data))
    assert any("trauma: sibling branch 'altered'" in p for p in found)


def test_tree_agreement_flags_a_path_that_counts_against_its_entity():
    data = kb_dict()
    data["entities"][1]["weights"][1]["lr"] = 0.5  # high calcium now argues against gout
    found = tree_disagreements(KnowledgeBase.from_dict(data))
    assert any("every finding selecting 'altered' counts against it" in p for p in found)
    assert any("no finding selecting 'altered' favours it" in p for p in found)
