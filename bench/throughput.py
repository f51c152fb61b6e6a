"""Throughput of the anonymous pages against a framework floor, side by side in one run.

Run: .venv/bin/python bench/throughput.py [--extra-cases 300] [--duration 10] [--rounds 2]
Starts two servers under the same gunicorn settings (3 sync workers): the floor (bench/floor/,
Django rendering an 18 KB template with no database and no middleware) and the atlas in
production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, SECURE_SSL_REDIRECT off; requests
carry X-Forwarded-Proto: https as the TLS proxy's would) on a throwaway SQLite database with
the demo atlas and --extra-cases padding cases. Then it loads each page with wrk at 32
connections, the floor and the atlas's pages in turn, for --rounds rounds, and prints req/s
and each page's share of the floor measured in the same round. Without wrk it falls back to a
Python load generator, much slower than wrk, and says so: its figures are a lower bound.

The machine is shared; the load average is printed with the table.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "bench" / "floor"
BIN = Path(sys.executable).parent
WRK = shutil.which("wrk")
TARGET_SHARE = 0.5
# The pages the target names, as an anonymous reader first opens them.
PAGES = ["home", "case list", "case page", "glossary"]
TARGETED = {"case list", "case page", "glossary"}
HEADERS = {"X-Forwarded-Proto": "https"}

sys.path.insert(0, str(ROOT / "bench"))
from production import (  # noqa: E402
    free_port,
    manage,
    prepare_demo,
    production_env,
    start_gunicorn,
    stop,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extra-cases", type=int, default=300, help="padding cases to add")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=2, help="floor-then-pages rounds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir, print its path")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="atlas-throughput-"))
    env = production_env(tmp)
    # The embedded cache (the database's table) unless a Redis is named.
    env.pop("CACHE_URL", None)
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    servers = []
    try:
        _prepare(env, args.extra_cases)
        floor_port, atlas_port = free_port(), free_port()
        floor_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "floor_settings"}
        for app, cwd, app_env, port, log in [
            ("floor_wsgi", FLOOR, floor_env, floor_port, tmp / "floor.log"),
            ("atlas.wsgi", ROOT, env, atlas_port, tmp / "atlas.log"),
        ]:
            servers.append(start_gunicorn(app_env, port, args.workers, log, app=app, cwd=cwd))
        urls = {"floor": f"http://127.0.0.1:{floor_port}/"}
        urls.update(_atlas_urls(f"http://127.0.0.1:{atlas_port}"))
        for url in urls.values():
            _warm(url)
        generator = "wrk" if WRK else "the Python load generator (much slower than wrk)"
        print(
            f"== {args.connections} connections, {args.duration} s a page, {args.rounds} rounds, "
            f"gunicorn --workers {args.workers}, measured with {generator} ==",
            flush=True,
        )
        results = {name: [] for name in urls}
        shares = {name: [] for name in PAGES}
        for round_ in range(1, args.rounds + 1):
            floor = _measure(urls["floor"], args)
            results["floor"].append(floor)
            print(f"round {round_}: floor {floor.rate:,.0f} req/s", flush=True)
            for name in PAGES:
                result = _measure(urls[name], args)
                results[name].append(result)
                shares[name].append(result.rate / floor.rate if floor.rate else 0.0)
                print(f"round {round_}: {name} {result.rate:,.0f} req/s", flush=True)
        _report(urls, results, shares)
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average over the last 1, 5, 15 min: {load}")
    finally:
        for server in servers:
            stop(server)
        if args.keep:
            print(f"temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _prepare(env: dict, extra: int) -> None:
    prepare_demo(env)
    if extra > 0:
        print(f"adding {extra} padding cases (bench/padding.py) ...", flush=True)
        code = "import sys; sys.path.insert(0, 'bench'); import padding; "
        manage(env, "shell", "-c", code + f"padding.pad_cases({extra})")


def _atlas_urls(base: str) -> dict[str, str]:
    """The pages to load; the case page is the first case the list shows."""
    listing = _get(f"{base}/en/cases/")
    code = re.search(r'href="/en/cases/([a-z0-9-]+)/"', listing)
    if code is None:
        sys.exit("the case list shows no case")
    return {
        "home": f"{base}/en/",
        "case list": f"{base}/en/cases/",
        "case page": f"{base}/en/cases/{code.group(1)}/",
        "glossary": f"{base}/en/glossary/",
    }


def _get(url: str) -> str:
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def _warm(url: str) -> None:
    for _ in range(3):
        _get(url)


class Result:
    def __init__(self, rate: float, errors: int, p50_ms: float):
        self.rate, self.errors, self.p50_ms = rate, errors, p50_ms


def _measure(url: str, args) -> Result:
    if WRK:
        return _wrk(url, args)
    return _python_load(url, args)


def _wrk(url: str, args) -> Result:
    command = [WRK, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    count = int(errors.group(1)) if errors else 0
    count += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    p50_ms = float(p50.group(1)) * scale[p50.group(2)] if p50 else 0.0
    return Result(rate, count, p50_ms)


def _python_load(url: str, args) -> Result:
    """Keep-alive connections from threads; the GIL makes this far slower than wrk."""
    parsed = urllib.request.urlparse(url)
    stop = time.monotonic() + args.duration
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                connection.request("GET", parsed.path or "/", headers=HEADERS)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
                ok = False
            with lock:
                times.append(time.perf_counter() - start)
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(args.connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    p50 = statistics.median(times) * 1000 if times else 0.0
    return Result(len(times) / elapsed, errors[0], p50)


def _report(urls: dict, results: dict, shares: dict) -> None:
    print()
    header = f"{'page':12} {'req/s':>8} {'p50 ms':>7} {'errors':>7} {'share of the floor':>19}"
    print(header)
    print("-" * len(header))
    missed = []
    for name in urls:
        runs = results[name]
        rate = statistics.median(r.rate for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        errors = sum(r.errors for r in runs)
        share = 1.0 if name == "floor" else statistics.median(shares[name])
        mark = ""
        if name in TARGETED:
            mark = "  ok" if share >= TARGET_SHARE else f"  below {TARGET_SHARE}"
            if share < TARGET_SHARE:
                missed.append(name)
        print(f"{name:12} {rate:8,.0f} {p50:7.1f} {errors:7d} {share:19.2f}{mark}")
    print("-" * len(header))
    print("shares are medians of each round's page over that round's floor")
    if missed:
        print(f"target ({TARGET_SHARE} of the floor) missed: {', '.join(missed)}")
    else:
        print(f"target met: case list, case page and glossary at {TARGET_SHARE} of the floor")
    if not WRK:
        print("wrk is missing: the Python load generator saturates long before gunicorn does")


if __name__ == "__main__":
    main()
