"""Index the folded search text of cases, so search stays fast at 100,000 cases.

SQLite: an FTS5 table with the trigram tokenizer, whose content is the case table itself,
kept in step by triggers. Trigrams keep the search's substring matching ("sarcoma" finds
"osteosarcoma"); the columns are folded already (atlas.lib.text.fold), so no accent folding is
needed in the index. PostgreSQL: pg_trgm GIN indexes, which answer the `LIKE '%word%'` the
search already runs. Each half no-ops on the other database.

Keep in mind on SQLite: a later migration that makes Django rebuild the case table (an
AlterField, say) drops these triggers with the old table. tests/atlas/test_search_index.py
fails when that happens; re-run `forwards` in that migration.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """CREATE VIRTUAL TABLE cases_case_search USING fts5(
        search_text, search_text_revealed,
        content='cases_case', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER cases_case_search_insert AFTER INSERT ON cases_case BEGIN
        INSERT INTO cases_case_search (rowid, search_text, search_text_revealed)
        VALUES (new.id, new.search_text, new.search_text_revealed);
    END""",
    # An external-content FTS5 table forgets a row by being told its old values.
    """CREATE TRIGGER cases_case_search_delete AFTER DELETE ON cases_case BEGIN
        INSERT INTO cases_case_search (cases_case_search, rowid, search_text, search_text_revealed)
        VALUES ('delete', old.id, old.search_text, old.search_text_revealed);
    END""",
    # Every save writes every column; only a change of text costs a reindex.
    """CREATE TRIGGER cases_case_search_update
    AFTER UPDATE OF id, search_text, search_text_revealed ON cases_case
    WHEN old.id IS NOT new.id
        OR old.search_text IS NOT new.search_text
        OR old.search_text_revealed IS NOT new.search_text_revealed
    BEGIN
        INSERT INTO cases_case_search (cases_case_search, rowid, search_text, search_text_revealed)
        VALUES ('delete', old.id, old.search_text, old.search_text_revealed);
        INSERT INTO cases_case_search (rowid, search_text, search_text_revealed)
        VALUES (new.id, new.search_text, new.search_text_revealed);
    END""",
    # Cases saved before this migration.
    "INSERT INTO cases_case_search (cases_case_search) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS cases_case_search_update",
    "DROP TRIGGER IF EXISTS cases_case_search_delete",
    "DROP TRIGGER IF EXISTS cases_case_search_insert",
    "DROP TABLE IF EXISTS cases_case_search",
]
# pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create
# it without being a superuser. The extension is left in place when going back.
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX cases_case_search_trgm ON cases_case USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX cases_case_search_revealed_trgm ON cases_case"
    " USING gin (search_text_revealed gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS cases_case_search_revealed_trgm",
    "DROP INDEX IF EXISTS cases_case_search_trgm",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return operation


forwards = run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS})
backwards = run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_list_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
