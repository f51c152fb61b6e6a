"""The poster's eight cases through the web: the wizard page and the API, on the demo atlas
loaded into the database as `make run` loads it (not the JSON file the pure tests read)."""

import json
import re

import pytest

from cases.models import Case
from tests.wizard.conftest import DEMO
from tests.wizard.test_poster_cases import CASES
from wizard.services import knowledge_load
from wizard.snapshot import knowledge_from_db, knowledge_problems

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_atlas")]


def query(codes) -> str:
    return "&".join(f"f={code}" for code in codes)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_ranks_its_diagnosis_in_the_top_three_on_the_wizard_page(client, case):
    response = client.get(f"/en/wizard/?{query(case.given + case.assumed)}&step=results")
    assert response.status_code == 200
    ddx = response.context["ddx"]
    assert ddx.ignored == [] and ddx.conflicts == []
    top = [entry.slug for entry in ddx.entries[:3]]
    assert case.diagnosis in top, top
    # The flowchart drawn on the page follows the poster's algorithm to the entity's node.
    assert [node_id for node_id, _label in ddx.path] == list(case.path)
    end = re.search(r'class="flow-node on-path path-end[^"]*" data-node="([^"]+)"', response.text)
    assert end and end.group(1) == case.path[-1]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_ranks_its_diagnosis_in_the_top_three_through_the_api(client, case):
    data = client.get(f"/api/ddx/rank?{query(case.given)}").json()
    assert data["ignored"] == [] and data["conflicts"] == []
    top = [result["entity"] for result in data["results"][:3]]
    assert case.diagnosis in top, top


@pytest.mark.parametrize("case", CASES, ids=str)
def test_opening_a_demo_case_in_the_wizard_enters_the_posters_findings(client, case):
    slug = Case.objects.get(diagnosis__slug=case.diagnosis).slug
    response = client.get(f"/en/wizard/case/{slug}/", follow=True)
    answers = {code for code, _label in response.context["ddx"].answers}
    assert answers == set(case.given + case.assumed)
    assert case.diagnosis in [entry.slug for entry in response.context["ddx"].entries[:3]]


def test_the_database_built_demo_is_the_json_demo_and_its_tree_and_weights_agree(demo):
    kb = knowledge_from_db().kb
    assert set(kb.weights) == set(demo.weights)
    assert set(kb.entities) == set(demo.entities)
    assert kb.groups == demo.groups
    assert kb.tree_disagreements() == []
    assert knowledge_problems() == []


def test_loading_the_demo_knowledge_base_again_changes_nothing():
    before = knowledge_from_db().kb
    knowledge_load(data=json.loads((DEMO / "ddx.json").read_text(encoding="utf-8")))
    after = knowledge_from_db().kb
    assert set(after.weights) == set(before.weights)
    assert after.groups == before.groups
