"""The page cache's pure helpers: which SQL writes which table, keys, ETags, the CSRF hole."""

from atlas.lib.page_cache import (
    etag_matches,
    fill_csrf,
    page_etag,
    page_key,
    punch_csrf,
    release_digest,
    written_tables,
)


def test_writes_name_their_table_and_reads_name_none():
    assert written_tables('INSERT INTO "cases_case" ("code") VALUES (%s) RETURNING "id"') == {
        "cases_case"
    }
    assert written_tables('UPDATE "cases_image" SET "progress" = %s') == {"cases_image"}
    assert written_tables('DELETE FROM "diagnosis_entity" WHERE id = 1') == {"diagnosis_entity"}
    assert written_tables('INSERT OR IGNORE INTO "cases_taggedcase" VALUES (1)') == {
        "cases_taggedcase"
    }
    assert written_tables('TRUNCATE "cases_case", "atlas_tag" RESTART IDENTITY;') == {
        "cases_case",
        "atlas_tag",
    }
    assert written_tables("SELECT * FROM \"cases_case\" WHERE title = 'UPDATE x'") == set()
    assert written_tables('CREATE INDEX "x" ON "cases_case" ("code")') == set()


def _key(**overrides) -> str:
    fields = {"release": "r1", "scheme": "https", "host": "atlas", "language": "en"}
    fields["variant"] = "auto:0"
    fields["path"] = "/en/cases/abc/"
    return page_key(**{**fields, **overrides})


def test_every_part_of_the_address_and_the_reader_changes_the_key():
    base = _key()
    assert base == _key()
    others = [
        _key(path="/en/cases/abc/?stage=diagnosis"),
        _key(language="es"),
        _key(variant="dark:0"),
        _key(variant="auto:1"),
        _key(host="other"),
        _key(scheme="http"),
        _key(release="r2"),
    ]
    assert base not in others and len(set(others)) == len(others)


def test_the_release_digest_follows_every_file_and_only_the_files(tmp_path):
    (tmp_path / "templates" / "atlas").mkdir(parents=True)
    (tmp_path / "static").mkdir()
    page = tmp_path / "templates" / "atlas" / "home.html"
    page.write_text("<h1>Atlas</h1>")
    (tmp_path / "static" / "site.css").write_text("body { color: black }")
    roots = [tmp_path / "templates", tmp_path / "static"]
    first = release_digest(roots, extra="5.2")
    assert first == release_digest(list(reversed(roots)), extra="5.2")
    assert first != release_digest(roots, extra="5.3")
    (tmp_path / "templates" / "__pycache__").mkdir()
    (tmp_path / "templates" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert release_digest(roots, extra="5.2") == first
    page.write_text("<h1>Atlas!</h1>")
    edited = release_digest(roots, extra="5.2")
    assert edited != first
    (tmp_path / "static" / "new.js").write_text("")
    assert release_digest(roots, extra="5.2") not in (first, edited)


def test_the_etag_changes_with_the_version_the_page_and_the_csrf_secret():
    etag = page_etag(version="v1", key="k", csrf_secret="s")
    assert etag.startswith('"') and etag.endswith('"')
    assert etag != page_etag(version="v2", key="k", csrf_secret="s")
    assert etag != page_etag(version="v1", key="k2", csrf_secret="s")
    assert etag != page_etag(version="v1", key="k", csrf_secret="t")


def test_if_none_match_is_read_as_a_list_of_etags():
    assert etag_matches('"a"', '"a"')
    assert etag_matches('"a"', '"b", W/"a"')
    assert etag_matches('"a"', "*")
    assert not etag_matches('"a"', '"b"')
    assert not etag_matches('"a"', "")


def test_tokens_are_punched_out_and_filled_back_for_each_reader():
    page = (
        b'<form><input type="hidden" name="csrfmiddlewaretoken" value="AAA"></form>'
        b'<form><input type="hidden" name="csrfmiddlewaretoken" value="BBB"></form>'
    )
    stored, has_token = punch_csrf(page)
    assert has_token and b"AAA" not in stored and b"BBB" not in stored
    filled = fill_csrf(stored, "CCC")
    assert filled.count(b'value="CCC"') == 2
    # The reader's page is the rendered page with their token, not a character more: a
    # stray ">" after each form's token showed on every cached page.
    assert filled == page.replace(b"AAA", b"CCC").replace(b"BBB", b"CCC")
    assert punch_csrf(b"<p>no form</p>") == (b"<p>no form</p>", False)


def test_text_that_looks_like_the_hole_is_not_filled():
    # Page text is escaped, so its quotes are never the hole's.
    text = b"<p>value=&quot;@csrf@&quot;</p>"
    assert fill_csrf(text, "CCC") == text
