"""The differential-diagnosis API: /api/ddx/findings and /api/ddx/rank."""

import pytest

pytestmark = pytest.mark.django_db


def test_findings_lists_every_code_with_labels_in_both_languages(client, kb):
    response = client.get("/api/ddx/findings")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert [g["id"] for g in data["groups"]] == ["laboratory", "history", "site"]
    calcium = data["groups"][0]["questions"][0]
    assert calcium["id"] == "lab.calcium" and calcium["kind"] == "single"
    assert calcium["text"] == {"en": "Serum calcium", "es": "Calcio sérico"}
    assert calcium["findings"][2] == {
        "code": "lab.calcium.high",
        "label": {"en": "High", "es": "Alto"},
    }
    assert len(data["codes"]) == 11 and "hx.gout" in data["codes"]


def test_rank_returns_entities_with_scores_and_the_reasons(client, kb):
    data = client.get(
        "/api/ddx/rank?f=hx.gout&f=lab.urate.high&f=site.tendon&f=site.articular"
    ).json()
    first = data["results"][0]
    assert first["entity"] == "tophaceous-gout"
    assert first["name"] == "Tophaceous gout"
    assert 0 < first["score"] < 1
    assert sum(r["score"] for r in data["results"]) == pytest.approx(1, abs=1e-5)
    reasons = {r["finding"]: (r["direction"], r["lr"]) for r in first["reasons"]}
    assert reasons == {
        "hx.gout": ("raises", 30),
        "lab.urate.high": ("raises", 6),
        "site.tendon": ("lowers", 0.5),
        "site.articular": ("raises", 3),
    }
    assert first["url"] == "http://testserver/en/glossary/tophaceous-gout/"
    assert data["score_meaning"].startswith("Relative probability")
    assert data["path"] == ["calcinosis", "lab-altered", "metastatic"]


def test_unknown_codes_are_reported_not_refused(client, kb):
    response = client.get("/api/ddx/rank?f=hx.gout&f=nonsense&f=")
    assert response.status_code == 200
    assert response.json()["ignored"] == ["nonsense"]
    assert response.json()["answers"] == ["hx.gout"]


def test_contradictory_answers_are_ranked_and_reported(client, kb):
    data = client.get("/api/ddx/rank?f=hx.ckd&f=lab.calcium.normal&f=lab.calcium.low").json()
    assert data["results"]
    assert {tuple(c["findings"]) for c in data["conflicts"]} == {
        ("lab.calcium.low", "lab.calcium.normal"),
        ("lab.calcium.normal", "hx.ckd"),
    }
    assert "Kidney disease with a normal calcium" in " ".join(c["why"] for c in data["conflicts"])


def test_names_follow_lang_then_accept_language_then_english(client, kb):
    url = "/api/ddx/rank?f=hx.gout&f=lab.urate.high"
    assert client.get(url + "&lang=es").json()["results"][0]["name"] == "Gota tofácea"
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").json()
    assert spanish["results"][0]["name"] == "Gota tofácea"
    assert spanish["results"][0]["reasons"][0]["label"] == "Gota"
    assert spanish["results"][0]["url"].endswith("/es/glossary/tophaceous-gout/")
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()["language"] == "en"


def test_limit_chooses_how_many_entities_come_back(client, kb):
    assert len(client.get("/api/ddx/rank?limit=2").json()["results"]) == 2
    assert client.get("/api/ddx/rank").json()["total"] == 3


@pytest.mark.parametrize(
    "query, message",
    [
        ("lang=fr", "lang must be one of en, es."),
        ("limit=0", "limit must be a whole number from 1 to 500."),
        ("limit=ten", "limit must be a whole number from 1 to 500."),
        ("&".join(f"f=x{n}" for n in range(201)), "Too many findings (201); at most 200."),
    ],
)
def test_bad_parameters_are_a_400_that_says_what_is_wrong(client, kb, query, message):
    response = client.get(f"/api/ddx/rank?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_the_api_answers_get_only(client, kb):
    assert client.post("/api/ddx/rank").status_code == 405
    assert client.post("/api/ddx/findings").status_code == 405


def test_without_a_knowledge_base_the_api_answers_503_with_the_reason(client):
    for url in ("/api/ddx/rank", "/api/ddx/findings"):
        response = client.get(url)
        assert response.status_code == 503
        assert "no entities" in response.json()["error"]


def test_the_api_lives_outside_the_language_prefix(client, kb):
    assert client.get("/en/api/ddx/rank").status_code == 404
