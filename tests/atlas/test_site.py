import pytest

from cases.models import Case
from cases.services import case_publish
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/en/", "/es/")


def test_language_switch_links_keep_the_reader_on_the_same_page(client):
    case = make_case(slug="some-case")
    body = client.get(f"/en/cases/{case.code}/?stage=diagnosis").content.decode()
    assert f'href="/es/cases/{case.code}/?stage=diagnosis"' in body


def test_spanish_pages_show_spanish_content(client):
    entity = make_entity(name_en="Burns", name_es="Quemaduras")
    assert "Quemaduras" in client.get(f"/es/glossary/{entity.slug}/").content.decode()


def test_sitemap_lists_public_cases_and_entities_but_not_drafts(client):
    public = make_case(slug="public-case")
    draft = make_case(slug="draft-case", status=Case.Status.DRAFT)
    body = client.get("/sitemap.xml").content.decode()
    assert f"/en{public.get_absolute_url()[3:]}" in body
    assert f"/es/cases/{public.code}/" in body
    assert f"/en/glossary/{public.diagnosis.slug}/" in body
    # Case addresses are neutral codes: the internal names never appear.
    assert "public-case" not in body
    assert draft.code not in body and "draft-case" not in body
    assert "/en/wizard/" in body and "/es/wizard/" in body


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_home_query_count(client, django_assert_num_queries):
    for _ in range(3):
        make_case()
    # 1 published cases per diagnosis (then kept in the cache), 2 entity count, 3 mechanisms.
    with django_assert_num_queries(3):
        assert "3 cases" in client.get("/en/").text
    draft = make_case(status=Case.Status.DRAFT)
    assert "3 cases" in client.get("/en/").text
    case_publish(case=draft)
    # The write renewed the counts: counted again, and the page drawn again.
    with django_assert_num_queries(3):
        assert "4 cases" in client.get("/en/").text
