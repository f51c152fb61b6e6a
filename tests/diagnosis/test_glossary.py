"""The glossary's own pages: the glossary by mechanism and A to Z, the classification table."""

import pytest

from tests.builders import make_entity, make_mechanism

pytestmark = pytest.mark.django_db


def test_glossary_groups_entities_by_mechanism_and_a_to_z(client):
    metastatic = make_mechanism(slug="metastatic", name_en="Metastatic")
    make_entity(mechanism=metastatic, name_en="Sarcoidosis")
    make_entity(mechanism=metastatic, name_en="Hyperparathyroidism")
    response = client.get("/en/glossary/")
    body = response.content.decode()
    assert 'id="mechanism-metastatic"' in body
    letters = [letter for letter, _ in response.context["by_letter"]]
    assert letters == ["H", "S"]


def test_accented_names_sort_with_their_plain_letter(client):
    make_entity(name_es="Úlcera", name_en="Ulcer")
    make_entity(name_es="Tumores", name_en="Tumours")
    response = client.get("/es/glossary/")
    assert [letter for letter, _ in response.context["by_letter"]] == ["T", "U"]


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


def test_glossary_query_count_is_fixed(client, django_assert_num_queries):
    mechanism = make_mechanism()
    parent = make_entity(mechanism=mechanism)
    for _ in range(40):
        make_entity(mechanism=mechanism, parent=parent)
    # 1 entities with mechanism and parent, 2 mechanisms.
    with django_assert_num_queries(2):
        client.get("/en/glossary/")


def test_classification_query_count_is_fixed(client, django_assert_num_queries):
    mechanism = make_mechanism(table_heading_en="Column")
    for row in range(1, 12):
        make_entity(mechanism=mechanism, table_column=mechanism, table_row=row)
    # 1 placed entities with their column, 2 columns, 3 flowchart entities.
    with django_assert_num_queries(3):
        client.get("/en/glossary/classification/")
