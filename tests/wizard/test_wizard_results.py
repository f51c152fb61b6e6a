"""The results fragment the wizard's script swaps in as answers change."""

import pytest

from tests.builders import make_case
from tests.wizard.builders import make_knowledge_base

pytestmark = pytest.mark.django_db


def test_the_fragment_holds_the_ranking_and_the_flowchart_and_nothing_else(client):
    make_knowledge_base()
    response = client.get("/en/wizard/results/?f=hx.gout&f=lab.urate.high&step=history")
    body = response.text
    assert response.status_code == 200
    assert body.count('data-part="ranking"') == 1 and body.count('data-part="flowchart"') == 1
    assert "<html" not in body and "<form" not in body
    assert "Tophaceous gout" in body and "<svg" in body
    assert response["X-Robots-Tag"] == "noindex"


def test_the_fragment_carries_a_short_status_for_screen_readers(client):
    make_knowledge_base()
    body = client.get("/en/wizard/results/?f=hx.gout&f=lab.urate.high").text
    assert 'data-status="Differential updated. Leading: Tophaceous gout' in body


def test_the_fragment_offers_a_step_change_through_the_page_form(client):
    make_knowledge_base()
    body = client.get("/en/wizard/results/?f=lab.calcium.normal&step=laboratory").text
    assert 'form="wizard-form" name="step"' in body


def test_a_bad_step_or_too_many_answers_make_the_fragment_a_400(client):
    make_knowledge_base()
    assert client.get("/en/wizard/results/?step=nowhere").status_code == 400
    query = "&".join(f"f=x{n}" for n in range(201))
    assert client.get(f"/en/wizard/results/?{query}").status_code == 400


def test_the_fragment_is_in_the_address_language(client):
    make_knowledge_base()
    assert "Gota tofácea" in client.get("/es/wizard/results/?f=hx.gout").text


def test_the_fragment_query_count_is_fixed(client, django_assert_num_queries):
    entities = make_knowledge_base(extra=12)
    for entity in entities.values():
        make_case(diagnosis=entity, studies=0)
        make_case(diagnosis=entity, studies=0)
    client.get("/en/wizard/results/")
    # 1 version token, 1 for the shown entities' cases and counts.
    with django_assert_num_queries(2):
        client.get("/en/wizard/results/?f=site.articular&f=hx.trauma")
