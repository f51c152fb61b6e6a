"""An entity's page: the glossary entry with its cases (atlas.views.entity_detail)."""

import pytest
from django.core.cache import cache

from cases.models import Case
from tests.builders import make_case, make_entity
from tests.wizard.builders import make_knowledge_base
from wizard.snapshot import knowledge_cache_clear

pytestmark = pytest.mark.django_db


def test_entity_page_links_cases_children_related_and_classification(client):
    ctd = make_entity(slug="connective-tissue-disease", name_en="Connective-tissue disease")
    dm = make_entity(slug="dermatomyositis", name_en="Dermatomyositis", parent=ctd)
    pm = make_entity(slug="polymyositis", name_en="Polymyositis", parent=ctd)
    ctd.related.add(pm)
    ctd.table_column = ctd.mechanism
    ctd.table_row = 7
    ctd.save()
    case = make_case(diagnosis=dm, presentation_en="buttock calcification")
    make_case(diagnosis=dm, presentation_en="hidden draft", status=Case.Status.DRAFT)
    body = client.get(ctd.get_absolute_url()).content.decode()
    assert dm.get_absolute_url() in body  # child
    assert pm.get_absolute_url() in body  # related
    assert case.get_absolute_url() in body  # a child's case
    assert "hidden draft" not in body
    assert "/en/glossary/classification/#cell-connective-tissue-disease" in body


def test_printed_label_stays_visible_with_its_note(client):
    entity = make_entity(
        name_en="Pseudohypoparathyroidism",
        printed_label="PseudohiperPTH",
        label_note_en="The poster prints PseudohiperPTH.",
    )
    body = client.get(entity.get_absolute_url()).content.decode()
    assert "PseudohiperPTH" in body
    assert "The poster prints PseudohiperPTH." in body


def test_unknown_entity_is_a_404(client):
    response = client.get("/en/glossary/no-such-thing/")
    assert response.status_code == 404
    assert "The glossary has no entry with this address." in response.content.decode()


def test_entity_page_query_count_is_fixed(client, django_assert_num_queries):
    entity = make_entity()
    for _ in range(5):
        child = make_entity(parent=entity)
        entity.related.add(make_entity())
        make_case(diagnosis=child, studies=2)
        make_case(diagnosis=entity).differential.add(entity)
    make_knowledge_base()
    knowledge_cache_clear()
    client.get(entity.get_absolute_url())  # the knowledge base is built and cached
    cache.clear()  # but not the page: this counts the view's own queries
    # 1 entity with mechanism, parent and column, 2 children, 3 related, 4 tags, 5 the
    # knowledge version, which finds the cached knowledge base current (the weights come from
    # it: no query per weight), 6 cases (with cover images as a subquery), 7 differential
    # cases, 8 the studies of both, 9 the region tags of both, 10 every entity's count of
    # published cases (kept in the cache, but emptied with it above).
    with django_assert_num_queries(10):
        client.get(entity.get_absolute_url())


def test_entity_page_shows_twelve_cases_and_links_to_the_rest(client):
    entity = make_entity()
    for _ in range(14):
        make_case(diagnosis=entity)
    response = client.get(entity.get_absolute_url())
    assert len(response.context["cases"]) == 12
    assert f"/en/cases/?entity={entity.slug}" in response.content.decode()
    assert "See all 14 cases" in response.content.decode()


def test_entity_page_lists_published_cases_with_it_in_their_differential(client):
    entity = make_entity()
    make_case(presentation_en="listed lump").differential.add(entity)
    make_case(presentation_en="draft lump", status=Case.Status.DRAFT).differential.add(entity)
    make_case(presentation_en="other lump").differential.add(make_entity())
    response = client.get(entity.get_absolute_url())
    shown = [case.presentation for case in response.context["differential_cases"]]
    assert shown == ["listed lump"]


def test_entity_page_counts_the_cases_of_the_entities_nested_under_it(client):
    entity = make_entity()
    make_case(diagnosis=entity)
    make_case(diagnosis=make_entity(parent=entity))
    make_case(diagnosis=make_entity())
    make_case(diagnosis=entity, status=Case.Status.DRAFT)
    response = client.get(entity.get_absolute_url())
    assert response.context["case_count"] == 2
    assert len(response.context["cases"]) == 2
