"""Search through each database's own index (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL)
finds what the plain substring search found, follows every write, and reads any query as
plain words; run on SQLite and PostgreSQL."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from atlas.lib.text import fts5_phrase, search_terms
from cases import selectors
from cases.models import Case
from cases.services import case_publish, case_unpublish
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db

HISTORY = 'Dolor de rodilla (derecha) -- "NEAR" AND grado 2* con calcificación; osteosarcoma.'
# FTS5 syntax, SQL, punctuation, short and long words: each is only characters to find.
ODD_QUERIES = [
    '"',
    '""',
    '"near"',
    "NEAR(rodilla derecha)",
    "near",
    "(derecha)",
    "derecha)",
    "rodilla AND",
    "AND OR NOT",
    "2*",
    "*",
    "-- grado",
    "-rodilla",
    "^dolor",
    "search_text: dolor",
    "search_text_revealed : dolor",
    "{dolor rodilla}",
    "'; DROP TABLE cases_case; --",
    "!!!",
    "..",
    "a b",
    "de",
    "de rodilla",
    "sarcoma",
    "calcif",
    "CALCIFICACIÓN",
    "ñ",
    "x" * 200,
    " ".join(["rodilla"] * 100),
]


def searched(query: str, **params) -> list[int]:
    return [c.pk for c in Case.objects.search(query, **params).order_by("pk")]


def by_hand(query: str, column: str = "search_text") -> list[int]:
    """The cases a plain substring test in Python finds: every folded word in the text."""
    terms = search_terms(query)
    rows = Case.objects.order_by("pk").values_list("pk", column)
    return [pk for pk, text in rows if all(term in text for term in terms)]


def assert_index_matches_the_cases() -> None:
    """On SQLite, FTS5's own check that the index holds the case table's text row for row
    (it raises "database disk image is malformed" otherwise); PostgreSQL's indexes need none."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_case_search (cases_case_search, rank)"
                " VALUES ('integrity-check', 1)"
            )


def test_a_word_is_quoted_so_fts5_reads_it_as_characters():
    assert fts5_phrase('say "near"') == '"say ""near"""'
    assert search_terms("  Calcificación  CALCIFICACION rodilla ") == ["calcificacion", "rodilla"]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_find_what_a_plain_substring_search_finds(query):
    make_case(history_es=HISTORY)
    make_case(history_en="Knee pain, right side.")
    assert searched(query) == by_hand(query)
    assert searched(query, column="search_text_revealed") == by_hand(query, "search_text_revealed")


@pytest.mark.parametrize(
    "query", ["NEAR(rodilla derecha)", '""', "**", "'; DROP TABLE x; --", "(derecha)", "x" * 200]
)
def test_odd_queries_never_break_the_search_page(client, query):
    make_case(history_es=HISTORY)
    response = client.get("/es/search/", {"q": query})
    assert response.status_code == 200


def test_search_finds_part_of_a_word_in_either_language_with_or_without_accents():
    spanish = make_case(history_es="Calcificación periarticular en el codo.")
    english = make_case(history_en="Chondrosarcoma of the pelvis with haemorrhage.")
    make_case(history_en="Nothing of note.")
    for query in ("calcificacion", "CALCIFICACIÓN", "calcif", "ificaci", "periarticular codo"):
        assert searched(query) == [spanish.pk], query
    for query in ("sarcoma", "chondrosarcoma pelvis", "HAEMORRHAGE", "pelvis chondro"):
        assert searched(query) == [english.pk], query


def test_every_word_of_the_query_must_be_found():
    both = make_case(history_es="Dolor en la rodilla.")
    make_case(history_es="Dolor en el codo.")
    assert searched("dolor rodilla") == [both.pk]
    assert searched("rodilla tobillo") == []


def test_an_edited_history_is_found_by_its_new_words_and_no_longer_by_the_old():
    case = make_case(history_es="Tumefacción del tobillo.")
    assert searched("tumefaccion") == [case.pk]
    case.history_es = "Induración del hombro."
    case.save()
    assert searched("induracion hombro") == [case.pk]
    assert searched("tumefaccion") == []
    assert searched("tobillo") == []
    assert_index_matches_the_cases()


def test_findings_saved_through_reindex_are_found_and_the_old_ones_are_not():
    case = make_case()
    case.studies.update(findings_es="Trombosis venosa.")
    case.reindex()
    case.studies.update(findings_es="Flebolitos.")
    case.reindex()
    assert searched("flebolito") == [case.pk]
    assert searched("trombosis") == []
    assert_index_matches_the_cases()


def test_unpublishing_hides_a_case_from_search_and_publishing_shows_it_again(client):
    case = make_case(history_en="Melorheostosis of the femur.")
    found = lambda: [c.pk for c in client.get("/en/search/", {"q": "melorheo"}).context["cases"]]  # noqa: E731
    assert found() == [case.pk]
    case_unpublish(case=case)
    assert found() == []
    case_publish(case=case)
    assert found() == [case.pk]
    assert_index_matches_the_cases()


def test_a_deleted_case_leaves_nothing_in_the_index():
    case = make_case(history_en="Osteopoikilosis.")
    kept = make_case(history_en="Osteopoikilosis too.")
    case.delete()
    assert searched("osteopoikilosis") == [kept.pk]
    assert_index_matches_the_cases()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM cases_case_search WHERE search_text MATCH %s",
                ['"osteopoikilosis"'],
            )
            assert [row[0] for row in cursor.fetchall()] == [kept.pk]


def test_a_reader_hiding_diagnoses_finds_no_case_by_part_of_its_diagnosis(client):
    gout = make_entity(name_en="Tophaceous gout", name_es="Gota tofácea")
    case = make_case(diagnosis=gout, history_en="Swollen forearm.")
    for query in ("tophac", "tofacea forearm", "ophaceou"):
        assert client.get("/en/search/", {"q": query}).context["cases"] == [], query
        assert searched(query, column="search_text_revealed") == [case.pk], query
    client.post("/en/diagnoses/", {"show": "1"})
    found = client.get("/en/search/", {"q": "tofacea forearm"}).context["cases"]
    assert [c.pk for c in found] == [case.pk]


def test_the_search_reads_the_index_not_every_row():
    make_case(history_en="Melorheostosis.")
    query = Case.objects.search("melorheostosis").order_by().query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows makes a scan cheaper, and walking the ordering index filtering
            # every row is an option too; forbid both to see the trigram index serves LIKE.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "cases_case_search_trgm" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan and "cases_case_search" in plan, plan


LAST = ("cases", "0007_case_search_index")
BEFORE = ("cases", "0006_list_indexes")


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_goes_back_and_forth_over_existing_cases():
    case = make_case(history_es="Condrocalcinosis del carpo.")
    MigrationExecutor(connection).migrate([BEFORE])
    assert "cases_case_search" not in connection.introspection.table_names()
    # A write while there is no index (and no trigger): going forward indexes it anyway.
    Case.objects.filter(pk=case.pk).update(search_text="condrocalcinosis del tarso")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert searched("tarso") == [case.pk]
    assert searched("carpo") == []
    assert_index_matches_the_cases()


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5])
def test_search_gives_the_newest_matching_cases_whether_the_newest_fill_the_page_or_not(
    monkeypatch, limit
):
    # Three newest cases tested one by one, then the index: each limit takes one road or the
    # other, and both give the same cases in the same order.
    monkeypatch.setattr(selectors, "SEARCH_SCAN_MIN", 3)
    monkeypatch.setattr(selectors, "SEARCH_SCAN_MAX", 3)
    now = timezone.now()
    cases = [
        make_case(history_en=text, published_at=now - timedelta(days=n))
        for n, text in enumerate(["ulcer", "ulcer", "none", "ulcer", "none", "ulcer"])
    ]
    make_case(history_en="ulcer", status=Case.Status.DRAFT)
    expected = [c.pk for c in cases if "ulcer" in c.history_en][:limit]
    found = selectors.case_search(Case.objects.published(), "ULCER", revealed=False, limit=limit)
    assert [c.pk for c in found[:limit]] == expected


def test_the_newest_cases_tested_first_are_ten_for_each_case_the_page_needs():
    from django.test.utils import CaptureQueriesContext

    make_case(history_en="ulcer")

    def scanned(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            list(
                selectors.case_search(
                    Case.objects.published(), "ulcer", revealed=False, limit=limit
                )
            )
        return int(re.search(r"LIMIT (\d+)", queries.captured_queries[0]["sql"]).group(1))

    assert [scanned(1), scanned(25), scanned(49), scanned(97), scanned(241)] == [
        250,
        250,
        490,
        970,
        1000,
    ]
