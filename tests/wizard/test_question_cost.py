"""A question's cost: the next best question is the one that tells most per unit of effort."""

from copy import deepcopy

import pytest

from tests.wizard.builders import SMALL_KB, make_knowledge_base, problems_of, text
from tests.wizard.test_wizard_admin import change_form
from wizard.knowledge import KnowledgeBase
from wizard.models import Question
from wizard.ranking import information_gains, next_best_question
from wizard.services import knowledge_load
from wizard.snapshot import knowledge_from_db


def two_leaders(*, lab_split: float, exam_split: float, lab_cost: float, exam_cost: float = 1):
    """Two equally likely entities A and B. Each single-choice question has a "yes" answer
    seen in ``split`` of A and ``1 - split`` of B (and half of everyone)."""

    def question(qid: str, split: float, cost: float) -> dict:
        return {
            "id": qid,
            "kind": "single",
            "text": text(qid),
            "cost": cost,
            "answers": [
                {"code": f"{qid}.yes", "label": text("yes"), "base": 0.5},
                {"code": f"{qid}.no", "label": text("no"), "base": 0.5},
            ],
        }

    def weights(qid: str, split: float) -> list[dict]:
        return [
            {"entity": "a", "finding": f"{qid}.yes", "lr": 2 * split},
            {"entity": "a", "finding": f"{qid}.no", "lr": 2 * (1 - split)},
            {"entity": "b", "finding": f"{qid}.yes", "lr": 2 * (1 - split)},
            {"entity": "b", "finding": f"{qid}.no", "lr": 2 * split},
        ]

    return KnowledgeBase.from_dict(
        {
            "mechanisms": ["dystrophic"],
            "groups": [
                # The examination comes first in the wizard, so a tie would go to it.
                {
                    "id": "exam",
                    "label": text("exam"),
                    "questions": [question("exam", exam_split, exam_cost)],
                },
                {
                    "id": "lab",
                    "label": text("lab"),
                    "questions": [question("lab", lab_split, lab_cost)],
                },
            ],
            "entities": [
                {"slug": "a", "mechanism": "dystrophic", "prior": 1},
                {"slug": "b", "mechanism": "dystrophic", "prior": 1},
            ],
            "weights": weights("exam", exam_split) + weights("lab", lab_split),
            "tree": {"id": "root", "label": text("root")},
        }
    )


def test_a_cheap_lab_question_beats_a_costlier_one_that_tells_slightly_more():
    kb = two_leaders(lab_split=0.8, exam_split=0.85, lab_cost=0.5)
    gains = information_gains(kb, [], top_n=2)
    assert gains["exam"] > gains["lab"] > gains["exam"] / 2  # more, but not twice as much
    assert next_best_question(kb, [], top_n=2) == "lab"
    # At equal cost the examination, which tells more, would be asked.
    assert next_best_question(two_leaders(lab_split=0.8, exam_split=0.85, lab_cost=1), []) == (
        "exam"
    )


def test_cost_does_not_overturn_a_much_larger_gain():
    kb = two_leaders(lab_split=0.8, exam_split=0.99, lab_cost=0.5)
    gains = information_gains(kb, [], top_n=2)
    assert gains["exam"] > 2 * gains["lab"]
    assert next_best_question(kb, [], top_n=2) == "exam"


def test_equal_gains_per_unit_cost_go_to_the_first_question_in_the_wizard():
    kb = two_leaders(lab_split=0.8, exam_split=0.8, lab_cost=2, exam_cost=2)
    assert next_best_question(kb, [], top_n=2) == "exam"


def test_a_question_without_a_cost_costs_one():
    kb = KnowledgeBase.from_dict(SMALL_KB)
    assert {q.cost for q in kb.questions} == {1}


@pytest.mark.parametrize("cost", [0, -1, "cheap", True, float("inf")])
def test_a_cost_that_is_not_a_positive_number_is_a_problem(cost):
    data = deepcopy(SMALL_KB)
    data["groups"][0]["questions"][0]["cost"] = cost
    assert any("question 'lab.calcium' cost" in p for p in problems_of(data))


@pytest.mark.django_db
def test_the_loader_stores_the_cost_and_the_snapshot_reads_it():
    make_knowledge_base()
    data = deepcopy(SMALL_KB)
    data["groups"][0]["questions"][0]["cost"] = 0.5
    knowledge_load(data=data)
    assert Question.objects.get(key="lab.calcium").cost == 0.5
    assert Question.objects.get(key="hx").cost == 1
    kb = knowledge_from_db().kb
    assert kb.question_by_id["lab.calcium"].cost == 0.5
    assert kb.question_by_id["site"].cost == 1


@pytest.mark.django_db
def test_the_admin_refuses_a_cost_that_is_not_positive(client, superuser):
    make_knowledge_base()
    client.force_login(superuser)
    question = Question.objects.get(key="lab.calcium")
    url = f"/en/admin/wizard/question/{question.pk}/change/"
    page = client.get(url)
    assert 'name="cost"' in page.text
    data = change_form(client, url)
    data["cost"] = "0"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The cost must be a positive number." in response.text
    assert Question.objects.get(key="lab.calcium").cost == 1


def test_the_demo_asks_for_renal_function_to_tell_uraemic_from_familial_tumoral_calcinosis(demo):
    # Lobulated periarticular masses with a high phosphate: kidney disease (metastatic) leads
    # tumoral calcinosis (idiopathic). The history tells a little more than renal function, but
    # one blood test settles it for half the effort, so the wizard asks for that.
    answers = ["lab.phosphate.high", "site.articular", "morph.multilobular"]
    gains = information_gains(demo, answers)
    assert gains["hx"] > gains["lab.renal"]
    assert next_best_question(demo, answers) == "lab.renal"
