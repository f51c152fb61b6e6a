"""The page cache on the default, embedded backend: the database's cache table, shared by every
process that shares the database."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import override_settings

from atlas.page_cache import VERSION_KEY, content_version
from diagnosis.models import Mechanism
from teaching.models import Learner
from tests.builders import make_case, make_entity, make_mechanism, make_user

DATABASE_CACHE = {"default": settings.CACHES["default"]}
if "DatabaseCache" not in DATABASE_CACHE["default"]["BACKEND"]:  # CACHE_URL names a server
    DATABASE_CACHE = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": settings.CACHE_TABLE,
        }
    }


@pytest.fixture(autouse=True)
def database_cache():
    with override_settings(CACHES=DATABASE_CACHE):
        yield


@pytest.mark.django_db
def test_a_stored_page_costs_one_query(client, django_assert_num_queries):
    make_case(presentation_en="Elbow lump")
    client.get("/en/cases/")
    # 1 the content version and the page, read together from the cache table.
    with django_assert_num_queries(1):
        page = client.get("/en/cases/")
    assert "Elbow lump" in page.text


@pytest.mark.django_db
def test_an_edit_is_seen_at_once_through_the_database_cache(client):
    case = make_case(history_en="Old history.")
    assert "Old history." in client.get(case.get_absolute_url()).text
    case.history_en = "New history."
    case.save()
    assert "New history." in client.get(case.get_absolute_url()).text


@pytest.mark.django_db(transaction=True)
def test_an_autocommitted_insert_is_kept_and_renews_the_version():
    before = content_version()
    mechanism = make_mechanism()  # a bare INSERT ... RETURNING, outside any transaction
    assert Mechanism.objects.filter(pk=mechanism.pk).exists()
    assert cache.get(VERSION_KEY) != before
    before = cache.get(VERSION_KEY)
    Mechanism.objects.filter(pk=mechanism.pk).update(slug="renamed")
    assert cache.get(VERSION_KEY) != before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_renews_the_version_once_it_commits():
    before = content_version()
    with transaction.atomic():
        make_entity()
        make_case()
        # Other processes still read the old rows: a new version now would let them store
        # those rows under it.
        assert cache.get(VERSION_KEY) == before
    assert cache.get(VERSION_KEY) != before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_keeps_the_version():
    before = content_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_entity()
        raise RuntimeError
    assert cache.get(VERSION_KEY) == before


@pytest.mark.django_db(transaction=True)
def test_raw_sql_and_bulk_writes_renew_the_version():
    mechanism = make_mechanism()
    before = cache.get(VERSION_KEY)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Mechanism._meta.db_table)
        cursor.execute(f"UPDATE {table} SET name_en = %s WHERE id = %s", ["Raw", mechanism.pk])
    assert cache.get(VERSION_KEY) != before
    before = cache.get(VERSION_KEY)
    Mechanism.objects.bulk_create([Mechanism(slug="bulk", name_en="Bulk", name_es="Bulk")])
    assert cache.get(VERSION_KEY) != before


@pytest.mark.django_db(transaction=True)
def test_writes_outside_the_content_keep_the_version():
    before = content_version()
    user = make_user(username="reader")
    Learner.objects.get_or_create(user=user)
    assert cache.get(VERSION_KEY) == before
