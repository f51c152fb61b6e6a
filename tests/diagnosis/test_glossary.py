"""The glossary's own page: the glossary by mechanism and A to Z."""

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


def test_glossary_query_count_is_fixed(client, django_assert_num_queries):
    mechanism = make_mechanism()
    parent = make_entity(mechanism=mechanism)
    for _ in range(40):
        make_entity(mechanism=mechanism, parent=parent)
    # 1 entities with mechanism and parent, 2 mechanisms.
    with django_assert_num_queries(2):
        client.get("/en/glossary/")
