"""The wizard's mechanisms are the glossary's: a topic adds one without a change to the code."""

import json
from copy import deepcopy

import pytest

from atlas.content import ContentError, content_load
from tests.wizard.builders import SMALL_KB, answer, write_topic
from wizard.knowledge import KnowledgeBase, KnowledgeBaseError

pytestmark = pytest.mark.django_db

FIVE = ["dystrophic", "metastatic", "iatrogenic", "idiopathic", "neoplastic"]


def with_neoplastic_branch() -> dict:
    """The small knowledge base with a fifth mechanism: a neoplastic branch and entity."""
    data = deepcopy(SMALL_KB)
    data["mechanisms"] = FIVE
    site = data["groups"][2]["questions"][0]
    site["answers"].append(answer("site.soft-tissue", "Soft-tissue mass", 0.1, "Masa"))
    data["entities"].append(
        {
            "slug": "synovial-sarcoma",
            "mechanism": "neoplastic",
            "prior": 100,
            "weights": [{"finding": "site.soft-tissue", "lr": 10, "why": "a calcified mass"}],
        }
    )
    lab_normal = data["tree"]["children"][1]
    lab_normal["children"].append(
        {
            "id": "neoplastic",
            "label": {"en": "Neoplastic", "es": "Neoplásica"},
            "mechanism": "neoplastic",
            "select": ["site.soft-tissue"],
            "entities": ["synovial-sarcoma"],
        }
    )
    return data


def test_a_fifth_mechanism_in_the_glossary_works_from_the_json_files(tmp_path):
    write_topic(tmp_path, with_neoplastic_branch())
    kb = KnowledgeBase.from_json(tmp_path / "ddx.json")
    assert kb.mechanisms == tuple(FIVE)
    assert kb.entity_by_slug["synovial-sarcoma"].mechanism == "neoplastic"
    assert kb.tree_disagreements() == []


def test_a_fifth_mechanism_works_end_to_end_through_the_database(client, tmp_path):
    content_load(path=write_topic(tmp_path, with_neoplastic_branch()))
    url = "/en/wizard/?f=lab.calcium.normal&f=site.soft-tissue&step=results"
    response = client.get(url)
    ddx = response.context["ddx"]
    assert ddx.entries[0].slug == "synovial-sarcoma"
    assert ddx.entries[0].mechanism == "Neoplastic"
    assert [node_id for node_id, _label in ddx.path] == ["calcinosis", "lab-normal", "neoplastic"]
    assert "flow-node--neoplastic" in response.text
    data = client.get("/api/ddx/rank?f=lab.calcium.normal&f=site.soft-tissue").json()
    assert data["results"][0]["mechanism"] == "neoplastic"


def test_a_mechanism_the_glossary_lacks_is_still_a_problem(tmp_path):
    write_topic(tmp_path, with_neoplastic_branch(), mechanisms=FIVE[:4])
    with pytest.raises(KnowledgeBaseError) as error:
        KnowledgeBase.from_json(tmp_path / "ddx.json")
    assert "entity 'synovial-sarcoma': unknown mechanism 'neoplastic'" in error.value.problems
    assert "tree node 'neoplastic': unknown mechanism 'neoplastic'" in error.value.problems


def test_loading_a_mechanism_the_glossary_lacks_is_refused(tmp_path):
    data = with_neoplastic_branch()
    # The glossary files the sarcoma as dystrophic; only the wizard's file names "neoplastic".
    glossary_view = deepcopy(data)
    glossary_view["entities"][-1]["mechanism"] = "dystrophic"
    write_topic(tmp_path, glossary_view, mechanisms=FIVE[:4])
    del data["mechanisms"]
    (tmp_path / "ddx.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError, match="unknown mechanism 'neoplastic'"):
        content_load(path=tmp_path)


def test_a_knowledge_base_without_mechanisms_is_a_problem():
    data = {key: value for key, value in SMALL_KB.items() if key != "mechanisms"}
    with pytest.raises(KnowledgeBaseError, match="lists no mechanisms"):
        KnowledgeBase.from_dict(data)
