"""Published cases per diagnosis, kept in the shared cache under the facets version
(cases.selectors.published_counts_by_diagnosis): never older than the last write."""

import pytest

from cases.models import Case
from cases.selectors import published_counts_by_diagnosis
from cases.services import case_publish, case_unpublish
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_the_counts_are_read_once_then_come_from_the_cache(django_assert_num_queries):
    entity = make_entity()
    make_case(diagnosis=entity)
    make_case(diagnosis=entity, status=Case.Status.DRAFT)
    with django_assert_num_queries(1):
        assert published_counts_by_diagnosis()[entity.pk] == 1
    with django_assert_num_queries(0):
        assert published_counts_by_diagnosis()[entity.pk] == 1


def test_the_counts_follow_publish_unpublish_a_new_diagnosis_and_delete():
    gout, calcinosis = make_entity(), make_entity()
    case = make_case(diagnosis=gout, status=Case.Status.DRAFT)
    make_case(diagnosis=gout)
    assert published_counts_by_diagnosis().get(gout.pk) == 1
    case_publish(case=case)
    assert published_counts_by_diagnosis().get(gout.pk) == 2
    case_unpublish(case=case)
    assert published_counts_by_diagnosis().get(gout.pk) == 1
    case_publish(case=case)
    Case.objects.filter(pk=case.pk).update(diagnosis=calcinosis)
    counts = published_counts_by_diagnosis()
    assert (counts.get(gout.pk), counts.get(calcinosis.pk)) == (1, 1)
    Case.objects.get(pk=case.pk).delete()
    assert published_counts_by_diagnosis().get(calcinosis.pk) is None


def test_the_entity_page_and_the_wizard_show_the_new_count_at_once(client):
    from tests.wizard.builders import make_knowledge_base

    entities = make_knowledge_base()
    entity = next(iter(entities.values()))
    for _ in range(13):
        make_case(diagnosis=entity)
    assert "See all 13 cases" in client.get(entity.get_absolute_url()).text
    make_case(diagnosis=entity)
    assert "See all 14 cases" in client.get(entity.get_absolute_url()).text
