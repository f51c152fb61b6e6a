"""Pure helpers of the anonymous page cache (atlas.page_cache): keys, ETags, the CSRF hole
and the SQL that writes content. No database, no cache, no request: plain values in and out.
"""

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

# What {% csrf_token %} renders; its value is masked afresh for every reader, so a stored page
# keeps this placeholder instead and each reader gets a token of their own on the way out.
_CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
CSRF_HOLE = b'<input type="hidden" name="csrfmiddlewaretoken" value="@csrf@">'

# INSERT, UPDATE, DELETE (and SQLite's INSERT OR IGNORE, REPLACE) name their table first;
# TRUNCATE (PostgreSQL's flush) may name several.
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w$]+)"?',
    re.IGNORECASE,
)
_TRUNCATE = re.compile(
    r"\s*TRUNCATE\s+(?:TABLE\s+)?(.*?)\s*(?:RESTART|CONTINUE|CASCADE|RESTRICT|;|$)",
    re.IGNORECASE | re.DOTALL,
)


def written_tables(sql: str) -> set[str]:
    """The tables a statement writes to; empty for reads and schema changes."""
    match = _WRITE.match(sql)
    if match:
        return {match.group(1).lower()}
    match = _TRUNCATE.match(sql)
    if match:
        return {name.strip().strip('"').lower() for name in match.group(1).split(",")}
    return set()


def release_digest(roots: Iterable[Path], *, extra: str = "") -> str:
    """A digest of every file under `roots` (names and contents, in a fixed order): the code,
    templates, translations and static files a page is rendered from. Two machines running
    the same release agree on it; a release that changes any of them changes it."""
    digest = hashlib.sha256(extra.encode())
    for root in sorted(roots):
        files = sorted(path for path in root.rglob("*") if path.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(f"\0{path.relative_to(root.parent).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(
    *, release: str, scheme: str, host: str, language: str, variant: str, path: str
) -> str:
    """The cache key of one page as one kind of reader sees it, under one release of the code;
    `path` keeps its query string, so a case's unknown stages and its revealed stage are never
    the same entry."""
    text = "\n".join((release, scheme, host, language, variant, path))
    return "page:" + hashlib.sha256(text.encode()).hexdigest()


def page_etag(*, version: str, key: str, csrf_secret: str) -> str:
    """A strong ETag: the content version, the page's key and the reader's CSRF secret, whose
    token the copy in the browser holds (after a new secret, that copy's forms would fail)."""
    text = "\n".join((version, key, csrf_secret))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def etag_matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match header names this ETag (weakly compared, as RFC 9110 says)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    given = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in given


def punch_csrf(body: bytes) -> tuple[bytes, bool]:
    """The body with every CSRF token replaced by the hole, and whether there was one."""
    punched, count = _CSRF_INPUT.subn(CSRF_HOLE, body)
    return punched, count > 0


def fill_csrf(body: bytes, token: str) -> bytes:
    """A stored body with this reader's CSRF token in every hole."""
    return body.replace(
        CSRF_HOLE,
        b'<input type="hidden" name="csrfmiddlewaretoken" value="' + token.encode() + b'">',
    )
