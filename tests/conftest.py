import os
import socket
import uuid
from pathlib import Path

import pytest
from django.utils import translation

from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.builders import make_editor, make_user


@pytest.fixture
def resident(db):
    return make_user(username="resident")


@pytest.fixture
def editor(db):
    return make_editor(username="editor")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "", "pw-for-tests")


@pytest.fixture
def bare_staff(db):
    """Staff status and nothing else: the admin lets them in and refuses them every object."""
    return make_user(username="bare-staff", staff=True)


@pytest.fixture(autouse=True)
def english():
    """Start every test in English; a request to /es/ must not leak into the next test."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless system Chromium; skipped where it is missing, but never under CI."""
    path = chromium_path()
    if path is None:
        message = "Chromium is missing: install it with `sudo apt-get install chromium`."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true, so this is a failure, not a skip)")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the tests themselves are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium(chromium_browser):
    """The browser, for one test: every context the test opened is closed when it ends, passed
    or failed, before its database is emptied. A page left open goes on polling the live
    server, and on PostgreSQL its requests deadlocked with the next test's TRUNCATE."""
    yield chromium_browser
    for context in list(chromium_browser.contexts):
        context.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 720}, base_url=live_server.url
    )
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return violations of the given impact levels."""
    # evaluate() goes through the DevTools protocol, so the page's CSP does not block axe.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


# Without CACHE_URL the suite keeps pages in memory rather than in the database's cache table, so
# the query counts the page tests assert stay the view's own; tests/atlas/test_page_cache_db.py
# runs the page cache on the database cache. With CACHE_URL (CI's Redis) that server is used.
MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(scope="session", autouse=True)
def page_cache_backend():
    if os.environ.get("CACHE_URL"):
        yield
        return
    from django.test.utils import override_settings

    with override_settings(CACHES=MEMORY_CACHE):
        yield


@pytest.fixture(autouse=True)
def empty_cache(page_cache_backend):
    """No test sees a page another test stored: their rows are rolled back, not the cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its images into its own folder, never into the real media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's, in a thread of this process); its address."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    """The test's bucket, seen from outside the storage: the keys it holds, and their bytes."""

    def __init__(self, client, name: str):
        self.client, self.name = client, name

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """Media in a fresh bucket of the local S3 server, configured as MEDIA_STORAGE=s3 with its
    environment variables configures them in production."""
    import boto3

    from atlas.settings import media_storage

    name = f"atlas-{uuid.uuid4().hex[:12]}"
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "eu-south-2",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-south-2")
    client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-south-2"}
    )
    settings.STORAGES = {**settings.STORAGES, "default": media_storage("s3")}
    bucket = Bucket(client, name)
    yield bucket
    keys = bucket.keys()
    for start in range(0, len(keys), 1000):
        objects = [{"Key": key} for key in keys[start : start + 1000]]
        client.delete_objects(Bucket=name, Delete={"Objects": objects})
    client.delete_bucket(Bucket=name)
