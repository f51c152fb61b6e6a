import re

import pytest

from cases.models import Case
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_search_ignores_accents_and_case(client):
    make_entity(name_es="Calcificación distrófica", name_en="Dystrophic calcification")
    make_case(history_es="Calcificaciones lineales en región glútea.")
    response = client.get("/es/search/", {"q": "CALCIFICACION"})
    assert response.status_code == 200
    assert len(response.context["entities"]) == 1
    response = client.get("/es/search/", {"q": "region glutea"})
    assert len(response.context["cases"]) == 1


def test_search_finds_either_language_from_either_interface(client):
    make_entity(name_en="Tophaceous gout", name_es="Gota tofácea")
    response = client.get("/en/search/", {"q": "tofacea"})
    assert [e.name for e in response.context["entities"]] == ["Tophaceous gout"]


def test_search_does_not_return_drafts(client):
    make_case(history_en="unique-word-zebra", status=Case.Status.DRAFT)
    response = client.get("/en/search/", {"q": "unique-word-zebra"})
    assert response.context["cases"] == []


def test_too_short_a_query_is_explained(client):
    response = client.get("/en/search/", {"q": "a"})
    assert response.status_code == 400
    assert "Type at least two letters." in response.content.decode()


def test_empty_search_page_shows_the_form_without_errors(client):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assert "Type at least two letters." not in response.content.decode()


def test_search_query_count_is_fixed(client, django_assert_num_queries):
    for _ in range(8):
        make_case(history_en="ulcer", studies=2)
        make_entity(definition_en="ulcer")
    # 1 the newest cases, each with whether it holds the words, 2 the cases found (with cover
    # images as subqueries), 3 their studies, 4 their region tags, 5 entities with mechanism.
    with django_assert_num_queries(5):
        client.get("/en/search/", {"q": "ulcer"})


def test_search_finds_words_in_study_findings_once_reindexed(client):
    case = make_case()
    case.studies.update(findings_es="Flebografía: trombosis venosa crónica.")
    case.reindex()
    response = client.get("/en/search/", {"q": "flebografia"})
    assert [c.pk for c in response.context["cases"]] == [case.pk]


def test_search_by_diagnosis_waits_for_the_show_diagnoses_choice(client):
    gout = make_entity(name_en="Tophaceous gout", name_es="Gota tofácea", synonyms_en="Gouty tophi")
    case = make_case(
        slug="tophaceous-gout-forearm", diagnosis=gout, discussion_en="Urate deposits."
    )
    for query in ("tophaceous gout", "gota tofacea", "gouty tophi", "urate", "forearm"):
        assert client.get("/en/search/", {"q": query}).context["cases"] == [], query
    response = client.post("/en/diagnoses/", {"show": "1", "next": "/en/search/?q=gout"})
    assert response.status_code == 302 and response["Location"] == "/en/search/?q=gout"
    for query in ("tophaceous gout", "gota tofacea", "gouty tophi", "urate"):
        assert [c.pk for c in client.get("/en/search/", {"q": query}).context["cases"]] == [
            case.pk
        ], query
    body = client.get("/en/search/", {"q": "gout"}).content.decode()
    assert f'href="{case.get_absolute_url()}?stage=diagnosis"' in body


def test_search_query_count_with_diagnoses_shown(client, django_assert_num_queries):
    for _ in range(8):
        make_case(history_en="ulcer", studies=2)
    client.post("/en/diagnoses/", {"show": "1"})
    # 1 the session, 2 the newest cases, each with whether it holds the words, 3 the cases
    # found with their diagnosis (cover images as subqueries), 4 their studies, 5 their tags,
    # 6 entities with mechanism.
    with django_assert_num_queries(6):
        response = client.get("/en/search/", {"q": "ulcer"})
    assert len(response.context["cases"]) == 8


def test_the_show_diagnoses_choice_refuses_bad_input_and_foreign_addresses(client):
    assert client.get("/en/diagnoses/").status_code == 405
    assert client.post("/en/diagnoses/", {"show": "yes"}).status_code == 400
    response = client.post("/en/diagnoses/", {"show": "1", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/en/cases/"
    assert client.session["show_diagnoses"] is True
    client.post("/en/diagnoses/", {"show": "0"})
    assert client.session["show_diagnoses"] is False


def _cards(page) -> list[str]:
    return re.findall(r'<a class="case-card__link" href="/en/cases/([^/]+)/', page.text)


def test_many_matches_come_a_page_at_a_time_newest_first(client):
    made = [make_case(history_en="erosion", presentation_en=f"lump {n}") for n in range(30)]
    newest_first = [case.code for case in Case.objects.filter(pk__in=[c.pk for c in made])]
    first = client.get("/en/search/", {"q": "erosion"})
    assert _cards(first) == newest_first[:24]
    assert "Cases 1 to 24, and more on the next page" in first.text
    assert 'rel="next" href="?q=erosion&amp;page=2"' in first.text
    assert 'rel="prev"' not in first.text
    second = client.get("/en/search/", {"q": "erosion", "page": "2"})
    assert _cards(second) == newest_first[24:]
    assert "Cases 25 to 30, the last" in second.text
    assert 'rel="prev" href="?q=erosion&amp;page=1"' in second.text
    assert 'rel="next"' not in second.text
    # The glossary's matches are on the first page only.
    assert 'id="entity-results"' in first.text and 'id="entity-results"' not in second.text
    past = client.get("/en/search/", {"q": "erosion", "page": "3"})
    assert past.status_code == 200 and "No more cases." in past.text and not _cards(past)


def test_a_page_that_is_not_a_page_number_is_explained(client):
    make_case(history_en="erosion")
    for page, message in [
        ("abc", "The page is a number."),
        ("0", "Pages start at 1."),
        ("41", "Only the first 40 pages are shown: add a word."),
    ]:
        response = client.get("/en/search/", {"q": "erosion", "page": page})
        assert response.status_code == 400 and message in response.text, page
        assert not _cards(response)


def test_few_matches_are_counted_as_before(client):
    make_case(history_en="erosion")
    make_case(history_en="erosion")
    page = client.get("/en/search/", {"q": "erosion"})
    assert "2 cases" in page.text and 'class="pagination"' not in page.text


def test_an_anonymous_search_comes_from_the_page_cache_and_follows_new_cases(
    client, django_assert_num_queries
):
    make_case(history_en="erosion")
    client.get("/en/search/", {"q": "erosion"})
    with django_assert_num_queries(0):
        again = client.get("/en/search/", {"q": "erosion"})
    assert "1 case" in again.text
    make_case(history_en="erosion")
    assert "2 cases" in client.get("/en/search/", {"q": "erosion"}).text
