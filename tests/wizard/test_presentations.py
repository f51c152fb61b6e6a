"""Classic presentations of soft-tissue calcification, ranked by the demo knowledge base.

The table (``presentations.json`` beside this file) was written from general radiology
references, without the poster's illustrative cases and without the knowledge base's weights,
so it checks the knowledge base from outside. Each row is a typical patient as a radiologist
would enter it. Ranked by the demo fixture (conftest's ``demo``), its diagnosis must come in
the top three, and a metastatic diagnosis whose findings include a laboratory value in the top
two (issue 9).

Two laboratory-only rows carry a ``known_limit``: no defensible weight puts their diagnosis in
the top two from blood tests alone (the row says why). They are strict expected failures, so a
knowledge-base change that makes them pass, or one that breaks any other row, shows.
"""

import json
from pathlib import Path

import pytest

from wizard.knowledge import DEMO_PATH
from wizard.ranking import rank

TABLE_PATH = Path(__file__).resolve().parent / "presentations.json"
GLOSSARY_PATH = DEMO_PATH.parent / "glossary.json"
TABLE = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
PRESENTATIONS = TABLE["presentations"]
# Issue 9 split these; a presentation names the parts, never the old code.
RETIRED = {"morph.lobulated", "morph.linear", "clinical.weakness-rash", "clinical.skin-thickening"}


def retired_codes() -> set[str]:
    """The four codes issue 9 retired, and any the demo fixture lists as retired."""
    data = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    return RETIRED | {entry["code"] for entry in data.get("retired", [])}


def allowed_rank(row: dict) -> int:
    return 2 if row["metastatic_lab"] else 3


@pytest.fixture(scope="module")
def glossary_mechanisms() -> dict[str, str]:
    glossary = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    return {entity["slug"]: entity["mechanism"] for entity in glossary["entities"]}


def test_the_table_has_at_least_forty_presentations_with_distinct_ids():
    ids = [row["id"] for row in PRESENTATIONS]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


def test_every_glossary_entity_has_a_presentation(glossary_mechanisms):
    covered = {row["entity"] for row in PRESENTATIONS}
    assert covered - set(glossary_mechanisms) == set()
    assert set(glossary_mechanisms) - covered == set()


def test_no_presentation_uses_a_retired_code():
    retired = retired_codes()
    used = {row["id"]: sorted(set(row["findings"]) & retired) for row in PRESENTATIONS}
    assert {row_id: codes for row_id, codes in used.items() if codes} == {}


def test_no_presentation_gives_two_answers_to_a_single_choice_question(demo):
    doubled = {}
    for row in PRESENTATIONS:
        questions = [
            demo.question_of(code).id
            for code in row["findings"]
            if code in demo.findings and demo.question_of(code).single
        ]
        if len(questions) != len(set(questions)):
            doubled[row["id"]] = questions
    assert doubled == {}


def test_metastatic_rows_with_a_laboratory_value_are_the_marked_ones(glossary_mechanisms):
    wrong = [
        row["id"]
        for row in PRESENTATIONS
        if row["metastatic_lab"]
        != (
            glossary_mechanisms[row["entity"]] == "metastatic"
            and any(code.startswith("lab.") for code in row["findings"])
        )
    ]
    assert wrong == []


def test_every_presentation_cites_a_listed_reference():
    listed = {ref["id"] for ref in TABLE["references"]}
    assert {row["id"] for row in PRESENTATIONS if row["ref"] not in listed} == set()


def presentation_cases():
    """Each row as a test case; a row with a ``known_limit`` is expected to miss, strictly."""
    for row in PRESENTATIONS:
        marks = ()
        if row.get("known_limit"):
            marks = pytest.mark.xfail(strict=True, reason=row["known_limit"])
        yield pytest.param(row, id=row["id"], marks=marks)


def test_only_lab_only_rows_may_have_a_known_limit():
    # A decision, not an escape hatch: a row with imaging findings must rank where it should.
    limited = [row["id"] for row in PRESENTATIONS if row.get("known_limit")]
    assert len(limited) <= 2
    assert all(row["kind"] == "lab-only" for row in PRESENTATIONS if row.get("known_limit"))


@pytest.mark.parametrize("row", list(presentation_cases()))
def test_presentation_ranks_its_diagnosis_near_the_top(demo, row):
    assert row["entity"] in demo.entity_by_slug
    ranking = rank(demo, row["findings"])
    assert ranking.ignored == [], f"codes the knowledge base does not know: {ranking.ignored}"
    position = ranking.position(row["entity"])
    leaders = [result.entity for result in ranking.results[:5]]
    assert position <= allowed_rank(row), (
        f"{row['entity']} ranks {position}, allowed {allowed_rank(row)}; leaders: {leaders}"
    )
