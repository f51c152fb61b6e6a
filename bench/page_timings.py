"""Server time and query count of the main pages: the demo atlas alone, then with padding.

Run: .venv/bin/python bench/page_timings.py [--extra-cases N] [--repeat R] [--database URL]

Measures every page on the demo atlas, adds N padding cases in bulk (bench/padding.py), and
measures again; prints both sizes side by side (median and p90 in ms, the process's CPU time,
query counts) and the ratio of the medians. Time is server time through Django's test client.

The database is a throwaway one: a temporary SQLite file by default; with --database (or a
postgres DATABASE_URL) a PostgreSQL database atlas_bench_<pid> created on that server through
its role (which needs CREATEDB) and dropped at the end.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _throwaway_postgres(url: str) -> tuple[str, str]:
    """Create atlas_bench_<pid> on the server of `url`; its URL and its name."""
    import psycopg

    name = f"atlas_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(url)._replace(path=f"/{name}")), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(client, pages: dict, repeat: int, misses: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, (url, session) in pages.items():
        session(client)
        client.get(url)  # warm caches and template loading
        times, cpu = [], []
        for n in range(repeat):
            # A parameter no view reads makes each request a page-cache miss: the view's time.
            target = f"{url}{'&' if '?' in url else '?'}bench-miss={n}-{time.time_ns()}"
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(target if misses else url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{url}{'&' if '?' in url else '?'}bench-miss=count" if misses else url)
        p90 = statistics.quantiles(times, n=10)[-1]
        results[name] = (statistics.median(times), p90, statistics.median(cpu), len(queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra-cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--page-cache-misses",
        action="store_true",
        help="time the views themselves: every request misses the anonymous page cache",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://user:pass@host:port/db: bench on a throwaway database on that server",
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    dropped = None
    if args.database.startswith(("postgres://", "postgresql://")):
        url, name = _throwaway_postgres(args.database)
        os.environ["DATABASE_URL"] = url
        dropped = (args.database, name)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    try:
        run(args)
    finally:
        if dropped:
            from django.db import connections

            connections.close_all()
            _drop_postgres(*dropped)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from padding import pad_cases

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-admin", stdout=open(os.devnull, "w"))
    from cases.models import Case

    client = Client()
    gout = Case.objects.get(slug="tophaceous-gout-forearm").get_absolute_url()
    hip = Case.objects.get(slug="heterotopic-ossification-hip")
    viewer = hip.studies.first().images.first()

    def hide(c):
        c.post(reverse("diagnoses"), {"show": "0"})

    def show(c):
        c.post(reverse("diagnoses"), {"show": "1"})

    pages = {
        "home": ("/en/", hide),
        "case list": ("/en/cases/", hide),
        "case list, 2 filters": ("/en/cases/?mechanism=idiopathic&sex=F", hide),
        "case list, diagnoses": ("/en/cases/", show),
        "case list, page 50": ("/en/cases/?page=50", hide),
        "case page": (gout, hide),
        "case page, revealed": (f"{gout}?reveal=1", hide),
        "glossary": ("/en/glossary/", hide),
        "entity page": ("/en/glossary/tumoral-calcinosis/", hide),
        "search": ("/en/search/?q=calcificacion", hide),
        "image viewer": (f"{hip.get_absolute_url()}images/{viewer.key}/?frame=1", hide),
        "wizard, 2 answers": ("/en/wizard/?f=lab.calcium.normal&f=hx.gout&step=site", hide),
    }
    small_count = Case.objects.count()
    small = measure(client, pages, args.repeat, args.page_cache_misses)

    start = time.perf_counter()
    pad_cases(args.extra_cases)
    padding_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # Autovacuum vacuums and analyses a table this much changed within a minute (the
        # visibility map it sets lets counts scan the index alone); do it now.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    large_count = Case.objects.count()
    large = measure(client, pages, args.repeat, args.page_cache_misses)

    print(
        f"{connection.vendor}: {small_count} vs {large_count} cases "
        f"({args.extra_cases} padding cases built in {padding_s:.0f} s); "
        f"{args.repeat} requests per page"
    )
    head = f"{small_count} cases"
    tail = f"{large_count} cases"
    print(f"{'':24} {head:^35} {tail:^35}")
    columns = f"{'median':>8} {'p90':>8} {'cpu':>8} {'queries':>8} "
    print(f"{'page':24} " + columns * 2 + f"{'ratio':>7} {'cpu':>5}")
    for name in pages:
        a, b = small[name], large[name]
        cells = " ".join(f"{m:8.1f} {p:8.1f} {c:8.1f} {q:8d}" for m, p, c, q in (a, b))
        print(f"{name:24} {cells} {b[0] / a[0]:7.1f} {b[2] / a[2]:5.1f}")
    print(
        "ms; cpu is this process's own CPU time per request (the view, the ORM and SQLite; not "
        "a PostgreSQL server's), which other load on the machine disturbs less than the clock"
    )
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average over the last 1, 5, 15 min: {load}")


if __name__ == "__main__":
    main()
