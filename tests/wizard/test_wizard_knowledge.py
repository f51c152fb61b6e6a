"""The knowledge base built from the database: loading, validation, the version-keyed cache."""

import os
from copy import deepcopy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from diagnosis.models import Entity
from tests.builders import make_case
from tests.wizard.builders import SMALL_KB, make_knowledge_base, write_topic
from wizard.knowledge import KnowledgeBase, KnowledgeBaseError
from wizard.models import EntityPrior, Finding, FindingWeight, FlowchartNode, KnowledgeVersion
from wizard.services import case_findings_load, knowledge_load
from wizard.snapshot import knowledge_from_db, knowledge_problems, knowledge_snapshot

pytestmark = pytest.mark.django_db


def test_the_database_knowledge_base_is_the_one_loaded():
    make_knowledge_base()
    kb = knowledge_from_db().kb
    expected = KnowledgeBase.from_dict(SMALL_KB)
    assert kb.groups == expected.groups
    assert set(kb.entities) == set(expected.entities)
    assert set(kb.weights) == set(expected.weights)
    assert kb.nodes.keys() == expected.nodes.keys()
    assert kb.nodes["lab-altered"].printed_profiles == (("lab.calcium.high",),)


def test_loading_again_updates_in_place_and_replaces_an_entitys_weights():
    make_knowledge_base()
    data = deepcopy(SMALL_KB)
    data["groups"][0]["label"] = {"en": "Blood tests", "es": "Análisis"}
    gout = data["entities"][0]
    gout["weights"] = [w for w in gout["weights"] if w["finding"] != "site.tendon"]
    knowledge_load(data=data)
    kb = knowledge_from_db().kb
    assert kb.groups[0].label.en == "Blood tests"
    assert kb.weight("tophaceous-gout", "site.tendon") is None
    assert FindingWeight.objects.count() == sum(len(e["weights"]) for e in data["entities"])
    assert Finding.objects.count() == len(kb.findings)


def test_a_bad_knowledge_base_changes_nothing_and_says_what_is_wrong():
    make_knowledge_base()
    data = deepcopy(SMALL_KB)
    data["groups"][0]["label"] = {"en": "Renamed", "es": "Renombrado"}
    data["entities"][0]["weights"][0]["lr"] = 5000
    with pytest.raises(KnowledgeBaseError, match="outside"):
        knowledge_load(data=data)
    assert knowledge_from_db().kb.groups[0].label.en == "Laboratory"


def test_the_content_command_refuses_a_topic_whose_knowledge_base_is_bad(tmp_path):
    data = deepcopy(SMALL_KB)
    data["tree"]["children"][0]["children"][0]["entities"] = ["not-an-entity"]
    write_topic(tmp_path, data)
    with pytest.raises(CommandError, match="not-an-entity"):
        call_command("load_content", tmp_path, stdout=open(os.devnull, "w"))
    assert not Entity.objects.exists()


def test_case_findings_naming_an_unknown_case_or_finding_are_refused():
    make_knowledge_base()
    data = {"cases": [{"case": "no-such-case", "findings": ["no.such.finding"]}]}
    with pytest.raises(KnowledgeBaseError) as error:
        case_findings_load(data=data)
    assert "no-such-case" in str(error.value) and "no.such.finding" in str(error.value)


def test_a_case_gets_its_findings_and_the_assumed_ones_are_marked():
    make_knowledge_base()
    case = make_case(diagnosis=Entity.objects.get(slug="tophaceous-gout"))
    data = {"cases": [{"case": case.slug, "findings": ["hx.gout"], "assumed": ["lab.urate.high"]}]}
    case_findings_load(data=data)
    case_findings_load(data=data)
    assert set(case.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.gout", False),
        ("lab.urate.high", True),
    }


def test_a_warm_cache_costs_one_query_and_a_change_rebuilds_it(django_assert_num_queries):
    entities = make_knowledge_base()
    first = knowledge_snapshot()
    with django_assert_num_queries(1):
        assert knowledge_snapshot() is first
    weight = FindingWeight.objects.get(entity=entities["tophaceous-gout"], finding__code="hx.gout")
    weight.lr = 3
    weight.save()
    # 1 version, then the eleven that build: groups, questions, findings, priors, weights
    # (with their references), contradictions, retired codes (with their parts), nodes,
    # selecting findings, entities on leaves, the glossary's mechanisms.
    with django_assert_num_queries(12):
        rebuilt = knowledge_snapshot()
    assert rebuilt is not first
    assert rebuilt.kb.lr("tophaceous-gout", "hx.gout") == 3


def test_editing_a_node_selection_or_deleting_a_weight_gives_a_new_version():
    make_knowledge_base()
    tokens = [KnowledgeVersion.current()]
    FlowchartNode.objects.get(key="tendon").select.add(Finding.objects.get(code="site.articular"))
    tokens.append(KnowledgeVersion.current())
    FindingWeight.objects.first().delete()
    tokens.append(KnowledgeVersion.current())
    Entity.objects.get(slug="tophaceous-gout").save()
    tokens.append(KnowledgeVersion.current())
    assert len(set(tokens)) == 4


def test_an_inconsistent_database_keeps_the_last_consistent_knowledge_base_in_service():
    make_knowledge_base()
    good = knowledge_snapshot()
    # A flowchart leaf naming an entity the wizard does not rank is inconsistent.
    EntityPrior.objects.get(entity__slug="calcific-tendinitis").delete()
    served = knowledge_snapshot()
    assert served.kb is good.kb
    assert any("calcific-tendinitis" in problem for problem in served.problems)
    assert any("calcific-tendinitis" in problem for problem in knowledge_problems())


def test_with_nothing_consistent_to_serve_the_wizard_is_unavailable_with_the_reason():
    make_knowledge_base()
    FlowchartNode.objects.filter(key="calcinosis").update(key="root")
    FlowchartNode.objects.create(key="second-root", label_en="Second", label_es="Segunda")
    with pytest.raises(KnowledgeBaseError, match="exactly one root"):
        knowledge_snapshot()


def test_an_empty_database_has_no_knowledge_base_to_serve():
    with pytest.raises(KnowledgeBaseError, match="no entities"):
        knowledge_snapshot()


def test_loading_needs_the_entities_in_the_glossary_first():
    with pytest.raises(KnowledgeBaseError, match="not in the glossary"):
        knowledge_load(data=SMALL_KB)
