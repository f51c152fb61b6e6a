"""The classification: the poster's table, and its flowchart with each entity a link."""

import re

import pytest
from django.core.cache import cache

from tests.builders import make_entity, make_mechanism
from tests.wizard.builders import make_knowledge_base
from wizard.snapshot import knowledge_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """No test sees a knowledge base another test cached in this process."""
    knowledge_cache_clear()
    yield
    knowledge_cache_clear()


def test_classification_table_puts_each_entity_in_its_cell(client):
    dystrophic = make_mechanism(slug="dystrophic", table_heading_en="Dystrophic")
    metastatic = make_mechanism(slug="metastatic", table_heading_en="Metastatic")
    make_mechanism(slug="iatrogenic", table_heading_en="")
    trauma = make_entity(mechanism=dystrophic, table_column=dystrophic, table_row=2)
    hyper = make_entity(mechanism=metastatic, table_column=metastatic, table_row=1)
    response = client.get("/en/glossary/classification/")
    assert [c.slug for c in response.context["columns"]] == ["dystrophic", "metastatic"]
    assert response.context["rows"] == [[None, hyper], [trauma, None]]
    # Phones get the same cells as one list per column.
    assert [(c.slug, cells) for c, cells in response.context["stacked"]] == [
        ("dystrophic", [trauma]),
        ("metastatic", [hyper]),
    ]
    assert trauma.get_absolute_url() in response.content.decode()


def test_classification_query_count_is_fixed(client, django_assert_num_queries):
    mechanism = make_mechanism(table_heading_en="Column")
    for row in range(1, 12):
        make_entity(mechanism=mechanism, table_column=mechanism, table_row=row)
    make_knowledge_base()
    client.get("/en/glossary/classification/")  # the knowledge base is built and cached
    cache.clear()  # but not the page: this counts the view's own queries
    # 1 placed entities with their column, 2 columns, 3 flowchart entities, 4 printed labels,
    # 5 the knowledge version, which finds the cached knowledge base current.
    with django_assert_num_queries(5):
        client.get("/en/glossary/classification/")


def test_the_classification_draws_the_flowchart_with_each_entity_linking_to_its_entry(client):
    kb = make_knowledge_base()
    kb["tophaceous-gout"].printed_label = "Gota tofácea"
    kb["tophaceous-gout"].save()
    body = client.get("/en/glossary/classification/").text
    svg = re.search(r"<svg class=\"flowchart__svg\".*?</svg>", body, re.S).group()
    assert 'data-node="metastatic"' in svg
    # The link holds the name; its bullet stands before it.
    assert re.search(
        r'>•</tspan><a href="/en/glossary/tophaceous-gout/"><tspan[^>]*>Tophaceous', svg
    )
    # The poster's own label shows beside the entity it means.
    assert "Tophaceous gout (Gota tofácea)" in re.sub(r"</tspan><tspan[^>]*>", " ", svg)
    assert "Your answers" not in svg


def test_the_classification_still_shows_its_table_without_a_knowledge_base(client):
    make_entity(mechanism=make_mechanism(table_heading_en="Column"), table_row=1)
    response = client.get("/en/glossary/classification/")
    assert response.status_code == 200
    assert response.context["svg"] == ""
