"""The anonymous page cache: public pages stored whole, under a content version.

A page that is the same for every anonymous reader (the home page, the case list, a case at
one stage, the glossary...) is rendered once and stored in the default cache. Every write to a
content table, by any road (save, delete, m2m, ``update()``, ``bulk_create``, fixtures, raw
SQL), gives the content a new random version once it is committed, and a stored page is only
served while the version it was rendered under is the current one: a stale page cannot be
served. The version lives in the same cache as the pages, which every process shares.

Signed-in readers, flash messages, POST, a view that sets a cookie or writes the session: never
stored. Anonymous readers differ only by the two preferences in their session (theme, show
diagnoses), which are part of the key, and by their CSRF token, which is punched out of the
stored copy and filled in for each reader.
"""

import secrets
import threading
from collections.abc import Callable
from functools import cache as memoised
from functools import wraps

import django
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from atlas.lib.page_cache import (
    etag_matches,
    fill_csrf,
    page_etag,
    page_key,
    punch_csrf,
    release_digest,
    written_tables,
)
from atlas.lib.preferences import chosen_theme, shows_diagnoses

VERSION_KEY = "content-version"
# Pages leave the cache after an hour unread or not; the version, not the timeout, keeps them
# right, so this only bounds what junk addresses can fill.
PAGE_SECONDS = 60 * 60
# The apps whose tables public pages are made of. The teaching app's quizzes, answers and live
# sessions are per reader and written all day in class; no cached page reads them.
CONTENT_APPS = ("atlas", "cases", "diagnosis", "wizard", "taggit")
# Browsers keep the page but ask each time; it holds the reader's CSRF token, so no shared cache
# may keep it.
CACHE_CONTROL = "private, no-cache"

_local = threading.local()
_tables: frozenset[str] | None = None
# Versions of part of the content (key -> the tables it is made of), renewed like the content
# version but only by writes to their own tables: a structure built from a few tables (the case
# list's facet index) need not be rebuilt when an image's pixels change during ingest.
_part_tables: dict[str, Callable[[], frozenset[str]]] = {}


# What a page is rendered from besides the content: a new release changes the digest, so pages
# an older release stored (with its templates, texts and static file names) are not served,
# even while the app servers restart one by one.
RELEASE_DIRS = (
    "atlas",
    "cases",
    "diagnosis",
    "wizard",
    "teaching",
    "templates",
    "locale",
    "static",
)


@memoised
def release() -> str:
    """This process's release: a digest of the project's code, templates, translations and
    static files, and Django's version (read once; a few milliseconds)."""
    roots = [settings.BASE_DIR / name for name in RELEASE_DIRS]
    return release_digest([root for root in roots if root.is_dir()], extra=django.__version__)


def content_tables() -> frozenset[str]:
    """The content apps' tables, their many-to-many tables included (lower case)."""
    global _tables
    if _tables is None:
        _tables = frozenset(
            model._meta.db_table.lower()
            for label in CONTENT_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        )
    return _tables


def content_version() -> str:
    """The current content version; a new one if the cache has lost it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def content_version_renew() -> str:
    """Give the content a new version, so that no page stored before is served again."""
    version = secrets.token_hex(8)
    cache.set(VERSION_KEY, version, timeout=None)
    _local.dirty = False
    return version


def _renew_after_commit() -> None:
    content_version_renew()


def part_version_watch(key: str, tables: Callable[[], frozenset[str]]) -> None:
    """Keep a version under `key` that writes to `tables` (lower case) renew, as they do the
    content version; `tables` is called once the apps are loaded."""
    _part_tables[key] = tables


def part_version(key: str) -> str:
    """The current version of that part of the content (renewed first if this thread wrote it
    and has not committed, so that the writer reads its own change)."""
    if key in getattr(_local, "dirty_parts", ()):
        return part_version_renew(key)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        version = cache.get(key)
    return version


def part_version_renew(key: str) -> str:
    version = secrets.token_hex(8)
    cache.set(key, version, timeout=None)
    getattr(_local, "dirty_parts", set()).discard(key)
    return version


_part_renewers: dict[str, Callable[[], None]] = {}


def _part_renewer(key: str) -> Callable[[], None]:
    """One callable per key, so that a transaction registers each key's renewal once."""
    if key not in _part_renewers:
        _part_renewers[key] = lambda: part_version_renew(key)
    return _part_renewers[key]


def _parts_written(connection, sql: str, tables: set[str]) -> None:
    """content_written's counterpart for the part versions whose tables were written."""
    keys = [key for key, part in _part_tables.items() if tables & part()]
    if not keys:
        return
    if not hasattr(_local, "dirty_parts"):
        _local.dirty_parts = set()
    _local.dirty_parts.update(keys)
    if connection.in_atomic_block:
        registered = {entry[1] for entry in connection.run_on_commit}
        for key in keys:
            if _part_renewer(key) not in registered:
                transaction.on_commit(_part_renewer(key), using=connection.alias)
    elif "RETURNING" in sql.upper():
        pending = getattr(connection, "atlas_parts_pending", set())
        connection.atlas_parts_pending = pending | set(keys)
    else:
        for key in keys:
            part_version_renew(key)


def content_written(connection, sql: str) -> None:
    """Called after a statement wrote a content table on this connection.

    Inside a transaction the version is renewed after commit, when other processes can see the
    change: renewing earlier would let a reader store the old rows under the new version. Until
    then this thread marks itself dirty, so its own next page (the writer reading its own
    change, or a test, whose transaction never commits) renews first. Outside one the write is
    committed as it ends; an INSERT ... RETURNING ends only once its rows are read (SQLite keeps
    its implicit transaction open till then, and a cache write on the connection now would undo
    it), so that renewal waits for the next statement, the model's post_save or the request's
    end.
    """
    _local.dirty = True
    if connection.in_atomic_block:
        if not any(entry[1] is _renew_after_commit for entry in connection.run_on_commit):
            transaction.on_commit(_renew_after_commit, using=connection.alias)
    elif "RETURNING" in sql.upper():
        connection.atlas_renew_pending = True
    else:
        content_version_renew()


def renew_pending(connection) -> None:
    """Renew the version for an autocommitted write whose renewal had to wait."""
    if getattr(connection, "atlas_renew_pending", False):
        connection.atlas_renew_pending = False
        content_version_renew()
    pending = getattr(connection, "atlas_parts_pending", None)
    if pending:
        connection.atlas_parts_pending = set()
        for key in pending:
            part_version_renew(key)


def watch_content_writes(execute, sql, params, many, context):
    """A database execute wrapper that notices writes to content tables."""
    connection = context["connection"]
    renew_pending(connection)
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        tables = written_tables(sql)
        if tables & content_tables():
            content_written(connection, sql)
            _parts_written(connection, sql, tables)
    return result


def install_watch(sender, connection, **kwargs) -> None:
    """connection_created receiver: watch every connection's writes."""
    if watch_content_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_content_writes)


def saved(sender, using: str, **kwargs) -> None:
    """post_save receiver: a model's INSERT has returned its rows, so its renewal may run."""
    renew_pending(connections[using])


def request_ended(sender, **kwargs) -> None:
    """request_finished receiver: no renewal outlives the request that wrote."""
    for connection in connections.all(initialized_only=True):
        renew_pending(connection)


def _anonymous_reader(request: HttpRequest) -> bool:
    """A GET or HEAD from a reader who is not signed in and has no flash message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the view's answer is the same for every reader with this key."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    session = getattr(request, "session", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not queued
        and not (session is not None and session.modified)
    )


def _key(request: HttpRequest) -> str:
    theme, diagnoses = chosen_theme(request), shows_diagnoses(request)
    return page_key(
        release=release(),
        scheme=request.scheme,
        host=request.get_host(),
        language=get_language(),
        variant=f"{theme}:{int(diagnoses)}",
        path=request.get_full_path(),
    )


def _headers(response: HttpResponse) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.items() if name.lower() != "content-type"]


def _answer(request: HttpRequest, response: HttpResponse, version: str, key: str) -> HttpResponse:
    response["ETag"] = page_etag(
        version=version, key=key, csrf_secret=request.META.get("CSRF_COOKIE", "")
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page from the cache to anonymous readers, 304 when their copy is current."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _anonymous_reader(request):
            return view(request, *args, **kwargs)
        if getattr(_local, "dirty", False):
            content_version_renew()
        key = _key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or content_version()
        etag = page_etag(version=version, key=key, csrf_secret=request.META.get("CSRF_COOKIE", ""))
        if etag_matches(etag, request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            not_modified["Cache-Control"] = CACHE_CONTROL
            return not_modified
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            _version, content_type, headers, body, has_token = entry
            if has_token:
                body = fill_csrf(body, get_token(request))
            response = HttpResponse(body, content_type=content_type)
            for name, value in headers:
                response[name] = value
            return _answer(request, response, version, key)
        response = view(request, *args, **kwargs)
        if not _storable(request, response):
            return response
        body, has_token = punch_csrf(response.content)
        entry = (version, response["Content-Type"], _headers(response), body, has_token)
        cache.set(key, entry, PAGE_SECONDS)
        return _answer(request, response, version, key)

    return wrapped
