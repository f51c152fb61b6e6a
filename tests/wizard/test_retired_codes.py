"""Retired codes: a finding split into more precise ones keeps working in addresses and the API,
read as its parts, and the loader moves what recorded it onto them."""

from copy import deepcopy

import pytest

from tests.builders import make_case
from tests.wizard.builders import (
    SMALL_KB,
    answer,
    make_knowledge_base,
    problems_of,
    record_findings,
    text,
)
from wizard.knowledge import KnowledgeBase, Retired, Text
from wizard.models import CaseFinding, Contradiction, Finding, FindingWeight, RetiredFinding
from wizard.ranking import information_gains, rank
from wizard.services import case_findings_load, knowledge_load
from wizard.snapshot import knowledge_from_db

WHY = text("Injury and surgery are told apart now.", "Ahora se distinguen lesión y cirugía.")


def with_trauma_weight() -> dict:
    """The small knowledge base, where a history of trauma also bears on tendinitis and
    contradicts gout: what the old code carries before it is split."""
    data = deepcopy(SMALL_KB)
    tendinitis = next(e for e in data["entities"] if e["slug"] == "calcific-tendinitis")
    tendinitis["weights"].append({"finding": "hx.trauma", "lr": 2, "why": "overuse"})
    data["contradictions"].append({"findings": ["hx.trauma", "hx.gout"], "why": text("Odd.")})
    return data


def split_trauma() -> dict:
    """The small knowledge base with "hx.trauma" split into an injury and a surgery."""
    data = deepcopy(SMALL_KB)
    history = data["groups"][1]["questions"][0]
    history["answers"] = [
        answer("hx.gout", "Gout", 0.03, "Gota"),
        answer("hx.injury", "Injury", 0.15, "Lesión"),
        answer("hx.surgery", "Surgery", 0.05, "Cirugía"),
        answer("hx.ckd", "Chronic kidney disease", 0.08, "Enfermedad renal"),
    ]
    tendinitis = next(e for e in data["entities"] if e["slug"] == "calcific-tendinitis")
    tendinitis["weights"].append({"finding": "hx.injury", "lr": 2, "why": "overuse"})
    data["retired"] = [{"code": "hx.trauma", "into": ["hx.surgery", "hx.injury"], "why": WHY}]
    return data


# -- the knowledge base ------------------------------------------------------------------------


def test_a_retired_code_is_kept_with_its_parts_in_wizard_order():
    kb = KnowledgeBase.from_dict(split_trauma())
    assert kb.retired == (Retired("hx.trauma", ("hx.injury", "hx.surgery"), Text(**WHY)),)
    assert "hx.trauma" not in kb.findings


def test_a_retired_code_must_not_be_live_and_its_parts_must_be():
    data = split_trauma()
    data["retired"] = [
        {"code": "hx.gout", "into": ["hx.injury"]},
        {"code": "hx.old", "into": ["hx.injury", "hx.nothing"]},
        {"code": "hx.empty", "into": []},
        {"code": "hx.old", "into": ["hx.surgery"]},
    ]
    problems = problems_of(data)
    assert "retired code 'hx.gout' is still a live finding" in problems
    assert "retired code 'hx.old': part 'hx.nothing' is not a live finding" in problems
    assert "retired code 'hx.empty': into must list the findings it was split into" in problems
    assert "retired code 'hx.old' is retired twice" in problems


def test_expanding_answers_replaces_each_retired_code_by_its_parts_and_says_which():
    kb = KnowledgeBase.from_dict(split_trauma())
    codes, mapped = kb.expand_retired(["hx.gout", "hx.trauma", "nonsense", "hx.trauma"])
    assert codes == ["hx.gout", "hx.injury", "hx.surgery", "nonsense", "hx.injury", "hx.surgery"]
    assert [r.code for r in mapped] == ["hx.trauma"]


def test_a_retired_code_ranks_as_its_parts_and_is_not_ignored():
    kb = KnowledgeBase.from_dict(split_trauma())
    old = rank(kb, ["hx.trauma", "site.tendon"])
    new = rank(kb, ["hx.injury", "hx.surgery", "site.tendon"])
    assert old.ignored == []
    assert old.answers == new.answers == ("hx.injury", "hx.surgery", "site.tendon")
    assert old.log_scores == new.log_scores
    assert [r.code for r in old.mapped] == ["hx.trauma"] and new.mapped == ()
    # Its question counts as answered.
    assert "hx" not in information_gains(kb, ["hx.trauma"])


# -- the loader --------------------------------------------------------------------------------


@pytest.fixture
def before_the_split(db):
    """The small knowledge base in the database before the split, with two cases that
    recorded the old code: one stated it, one assumed it."""
    entities = make_knowledge_base()
    knowledge_load(data=with_trauma_weight())
    stated = make_case(diagnosis=entities["calcific-tendinitis"], slug="stated")
    record_findings(stated, "hx.trauma", "site.tendon")
    assumed = make_case(diagnosis=entities["calcific-tendinitis"], slug="assumed")
    record_findings(assumed, "site.tendon", assumed=["hx.trauma"])
    return stated, assumed


def test_loading_a_split_moves_the_cases_onto_the_parts_and_drops_the_old_finding(
    before_the_split,
):
    stated, assumed = before_the_split
    old = Finding.objects.get(code="hx.trauma")
    assert FindingWeight.objects.filter(finding=old).exists()
    knowledge_load(data=split_trauma())
    assert set(stated.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.injury", False),
        ("hx.surgery", False),
        ("site.tendon", False),
    }
    assert set(assumed.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.injury", True),
        ("hx.surgery", True),
        ("site.tendon", False),
    }
    assert not Finding.objects.filter(code="hx.trauma").exists()
    assert not FindingWeight.objects.filter(finding_id=old.pk).exists()
    assert not Contradiction.objects.filter(first_id=old.pk).exists()
    assert not CaseFinding.objects.filter(finding_id=old.pk).exists()
    row = RetiredFinding.objects.get(code="hx.trauma")
    assert set(row.into.values_list("code", flat=True)) == {"hx.injury", "hx.surgery"}
    assert row.why_es == WHY["es"]
    assert knowledge_from_db().kb.retired == (
        Retired("hx.trauma", ("hx.injury", "hx.surgery"), Text(**WHY)),
    )


def test_loading_the_split_twice_changes_nothing_more(before_the_split):
    stated, _assumed = before_the_split
    knowledge_load(data=split_trauma())
    knowledge_load(data=split_trauma())
    assert stated.case_findings.count() == 3
    assert RetiredFinding.objects.count() == 1


def test_a_part_the_case_already_recorded_keeps_the_stronger_of_the_two(db):
    # Old and new codes live side by side for a while, then the old one is retired.
    entities = make_knowledge_base()
    both = with_trauma_weight()
    both["groups"][1]["questions"][0]["answers"] += [
        answer("hx.injury", "Injury", 0.15, "Lesión"),
        answer("hx.surgery", "Surgery", 0.05, "Cirugía"),
    ]
    knowledge_load(data=both)
    first = make_case(diagnosis=entities["calcific-tendinitis"])
    record_findings(first, "hx.injury", assumed=["hx.trauma"])
    second = make_case(diagnosis=entities["calcific-tendinitis"])
    record_findings(second, "hx.trauma", assumed=["hx.injury"])
    knowledge_load(data=split_trauma())
    # Stated under either code, a part is stated; assumed only where nothing stated it.
    assert set(first.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.injury", False),
        ("hx.surgery", True),
    }
    assert set(second.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.injury", False),
        ("hx.surgery", False),
    }


def test_a_case_findings_file_with_the_old_code_records_its_parts(before_the_split):
    stated, _assumed = before_the_split
    knowledge_load(data=split_trauma())
    case_findings_load(data={"cases": [{"case": stated.slug, "assumed": ["hx.trauma"]}]})
    assert set(stated.case_findings.values_list("finding__code", "assumed")) == {
        ("hx.injury", True),
        ("hx.surgery", True),
    }


# -- the API and the wizard page ---------------------------------------------------------------


@pytest.fixture
def split(before_the_split):
    knowledge_load(data=split_trauma())
    return before_the_split


def test_the_api_lists_retired_codes_with_their_parts(client, split):
    data = client.get("/api/ddx/findings").json()
    assert data["retired"] == [
        {"code": "hx.trauma", "into": ["hx.injury", "hx.surgery"], "why": WHY},
    ]
    assert "hx.trauma" not in data["codes"]


def test_the_api_ranks_an_old_code_as_its_parts_and_says_so_in_the_language_asked(client, split):
    old = client.get("/api/ddx/rank?f=hx.trauma&f=site.tendon&lang=es").json()
    new = client.get("/api/ddx/rank?f=hx.injury&f=hx.surgery&f=site.tendon&lang=es").json()
    assert old["ignored"] == []
    assert old["answers"] == ["hx.injury", "hx.surgery", "site.tendon"]
    assert old["mapped"] == [
        {"code": "hx.trauma", "into": ["hx.injury", "hx.surgery"], "why": WHY["es"]}
    ]
    assert new["mapped"] == []
    assert old["results"] == new["results"]
    english = client.get("/api/ddx/rank?f=hx.trauma").json()
    assert english["mapped"][0]["why"] == WHY["en"]


def test_a_bookmarked_wizard_address_with_an_old_code_reads_it_as_its_parts(client, split):
    body = client.get("/en/wizard/?f=hx.trauma&step=history").text
    assert "have since been split into more precise ones" in body
    assert "<code>hx.trauma</code> is now read as: Injury; Surgery." in body
    assert WHY["en"] in body
    assert 'value="hx.injury" checked' in body and 'value="hx.surgery" checked' in body
    assert "so ignored" not in body
    # The page's own links carry the new codes.
    assert "f=hx.injury&amp;f=hx.surgery&amp;step=results" in body


def test_the_spanish_wizard_says_so_in_spanish(client, split):
    body = client.get("/es/wizard/?f=hx.trauma&step=results").text
    assert "<code>hx.trauma</code> se lee ahora como: Lesión; Cirugía." in body
    assert WHY["es"] in body


def test_opening_a_moved_case_in_the_wizard_gives_the_parts(client, split):
    stated, _assumed = split
    response = client.get(f"/en/wizard/case/{stated.slug}/")
    assert response["Location"] == (
        "/en/wizard/?f=hx.injury&f=hx.surgery&f=site.tendon&step=results"
    )


# -- the admin ---------------------------------------------------------------------------------


def test_the_admin_lists_retired_codes_and_references_and_opens_them(client, superuser, split):
    client.force_login(superuser)
    listing = client.get("/en/admin/wizard/retiredfinding/")
    assert listing.status_code == 200 and "hx.trauma" in listing.text
    row = RetiredFinding.objects.get(code="hx.trauma")
    change = client.get(f"/en/admin/wizard/retiredfinding/{row.pk}/change/")
    assert change.status_code == 200 and 'name="why_es"' in change.text
    assert client.get("/en/admin/wizard/reference/").status_code == 200


def test_the_admin_refuses_to_retire_a_live_code(client, superuser, kb):
    client.force_login(superuser)
    injury = Finding.objects.get(code="hx.gout")
    response = client.post(
        "/en/admin/wizard/retiredfinding/add/",
        {"code": "hx.trauma", "into": [injury.pk], "why_en": "", "why_es": ""},
    )
    assert response.status_code == 200
    assert "A live finding has this code" in response.text
    assert not RetiredFinding.objects.exists()
