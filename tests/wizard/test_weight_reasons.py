"""A weight's reason in both languages, and the reference it cites, from the file to the pages."""

from copy import deepcopy

import pytest

from tests.wizard.builders import SMALL_KB, make_knowledge_base, problems_of
from wizard.knowledge import KnowledgeBase, Text
from wizard.models import FindingWeight
from wizard.services import knowledge_load
from wizard.snapshot import knowledge_from_db

BANKS = "Banks KP et al. Soft-tissue calcification. RadioGraphics 2005;25:1039-55."


def gout_weights(data: dict) -> list[dict]:
    return next(e for e in data["entities"] if e["slug"] == "tophaceous-gout")["weights"]


def cited() -> dict:
    """The small knowledge base with a Spanish reason and a reference on gout's history weight;
    its other reasons stay English only."""
    data = deepcopy(SMALL_KB)
    data["references"] = [{"id": "banks-2005", "text": BANKS}]
    weight = next(w for w in gout_weights(data) if w["finding"] == "hx.gout")
    weight["why"] = {"en": "a known gouty patient", "es": "un paciente con gota conocida"}
    weight["ref"] = "banks-2005"
    return data


# -- the knowledge base ------------------------------------------------------------------------


def test_a_reason_is_read_in_both_languages_and_a_plain_string_as_english_only():
    kb = KnowledgeBase.from_dict(cited())
    assert kb.weight("tophaceous-gout", "hx.gout").why == Text(
        "a known gouty patient", "un paciente con gota conocida"
    )
    english_only = kb.weight("tophaceous-gout", "site.tendon").why
    assert english_only == Text("rarely in a tendon alone", "")
    # Where the Spanish is missing, the English is shown, and said to be English.
    assert english_only.pick("es") == ("rarely in a tendon alone", "en")
    assert kb.weight("tophaceous-gout", "hx.gout").why.pick("es") == (
        "un paciente con gota conocida",
        "es",
    )


def test_a_reason_that_is_neither_text_nor_a_pair_of_texts_is_a_problem():
    data = cited()
    gout_weights(data)[1]["why"] = ["urate"]
    assert any("why must be a string" in p for p in problems_of(data))
    gout_weights(data)[1]["why"] = {"es": "solo en español"}
    assert any("Spanish but no English" in p for p in problems_of(data))


def test_a_weight_keeps_its_reference_and_the_knowledge_base_its_list():
    kb = KnowledgeBase.from_dict(cited())
    assert kb.weight("tophaceous-gout", "hx.gout").ref == "banks-2005"
    assert kb.weight("tophaceous-gout", "site.tendon").ref is None
    assert kb.reference_by_id["banks-2005"].text == BANKS


def test_a_reference_nobody_defined_is_a_problem():
    data = cited()
    gout_weights(data)[1]["ref"] = "smith-1999"
    assert any("unknown reference 'smith-1999'" in p for p in problems_of(data))


def test_references_need_a_slug_id_once_and_a_text():
    data = cited()
    data["references"] += [{"id": "banks-2005", "text": "again"}, {"id": "Bad Id", "text": ""}]
    problems = problems_of(data)
    assert "reference 'banks-2005' is defined twice" in problems
    assert "reference id 'Bad Id' is not a slug" in problems
    assert "reference 'Bad Id' has no text" in problems


# -- the database ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_loader_keeps_both_languages_and_the_reference_and_the_snapshot_reads_them():
    make_knowledge_base()
    knowledge_load(data=cited())
    row = FindingWeight.objects.get(entity__slug="tophaceous-gout", finding__code="hx.gout")
    assert (row.why_en, row.why_es) == ("a known gouty patient", "un paciente con gota conocida")
    assert row.reference.key == "banks-2005" and row.reference.text == BANKS
    kb = knowledge_from_db().kb
    weight = kb.weight("tophaceous-gout", "hx.gout")
    assert weight.why.es == "un paciente con gota conocida"
    assert kb.reference_by_id[weight.ref].text == BANKS
    # Loading the file without the reference takes it off the weight.
    knowledge_load(data=SMALL_KB)
    assert knowledge_from_db().kb.weight("tophaceous-gout", "hx.gout").ref is None


# -- the pages and the API ---------------------------------------------------------------------


@pytest.fixture
def cited_kb(db):
    entities = make_knowledge_base()
    knowledge_load(data=cited())
    return entities


def weights_section(body: str) -> str:
    start = body.index('<section class="weights"')
    return body[start : body.index("</section>", start)]


def test_the_spanish_entity_page_gives_the_spanish_reason_and_marks_english_ones(client, cited_kb):
    section = weights_section(client.get("/es/glossary/tophaceous-gout/").text)
    assert '<span lang="es">un paciente con gota conocida</span>' in section
    assert "a known gouty patient" not in section
    assert '<span lang="en">rarely in a tendon alone</span>' in section


def test_the_entity_page_prints_the_citation_of_a_cited_weight(client, cited_kb):
    section = weights_section(client.get("/en/glossary/tophaceous-gout/").text)
    cited_line = next(li for li in section.split("<li>") if "×30" in li)
    assert f'<small class="weights__source">{BANKS}</small>' in cited_line
    assert section.count("weights__source") == 1, "uncited weights print no citation"


def test_the_spanish_wizard_gives_the_spanish_reason(client, cited_kb):
    body = client.get("/es/wizard/?f=hx.gout&f=site.tendon&step=results").text
    assert '<span lang="es">un paciente con gota conocida</span>' in body
    assert '<span lang="en">rarely in a tendon alone</span>' in body


def test_the_api_gives_the_reason_in_the_language_asked_for(client, cited_kb):
    def reasons(lang: str) -> dict[str, str]:
        data = client.get(f"/api/ddx/rank?f=hx.gout&f=site.tendon&lang={lang}").json()
        gout = next(r for r in data["results"] if r["entity"] == "tophaceous-gout")
        return {r["finding"]: r["why"] for r in gout["reasons"]}

    assert reasons("es") == {
        "hx.gout": "un paciente con gota conocida",
        "site.tendon": "rarely in a tendon alone",  # no Spanish yet: the English
    }
    assert reasons("en")["hx.gout"] == "a known gouty patient"
