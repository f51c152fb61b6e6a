"""Load test: residents browse while authors upload and save, against a production-mode server.

Run: .venv/bin/python bench/load_test.py [--users 64] [--duration 60] [--authors 4]
Builds a throwaway SQLite database and MEDIA_ROOT with the demo atlas, starts gunicorn as the
README runs it in production (DEBUG off, 3 sync workers), drives it with locust headless
(bench/locustfile.py), prints requests, failures, req/s, p50 and p99 per page kind, says
whether the targets of issue 8 are met, then stops gunicorn and removes the temp dir.

The client stands in for the TLS-terminating proxy a production deployment has: it sends
X-Forwarded-Proto: https (the settings' SECURE_PROXY_SSL_HEADER) and returns the Secure
session and CSRF cookies over loopback, as a browser on https would.
"""

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READER_P99_TARGET_MS = 1000

sys.path.insert(0, str(ROOT / "bench"))
from production import free_port, manage, prepare_demo, production_env, start_gunicorn, stop  # noqa: E402,I001

# Page kinds in the order the table shows them; the names are the locust request names.
READER_PAGES = [
    "home",
    "case list",
    "case list, filtered",
    "case page",
    "case page, revealed",
    "glossary",
    "entity page",
    "wizard step",
    "search",
]
AUTHOR_ACTIONS = [
    "admin login page",
    "admin login",
    "admin changelist",
    "study change page",
    "upload",
    "case change page",
    "save",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=64, help="concurrent users, authors included")
    parser.add_argument("--authors", type=int, default=4, help="how many of them are authors")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--rate", type=float, default=8, help="users started per second")
    parser.add_argument("--think", default="1-5", help="seconds between pages, MIN-MAX")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir, print its path")
    args = parser.parse_args()
    if not 0 <= args.authors <= args.users:
        parser.error("--authors must be between 0 and --users")
    think_min, _, think_max = args.think.partition("-")

    tmp = Path(tempfile.mkdtemp(prefix="atlas-load-"))
    port = args.port or free_port()
    password = secrets.token_urlsafe(16)
    env = production_env(tmp)
    server = None
    try:
        _prepare(env, password)
        server_log = tmp / "gunicorn.log"
        server = start_gunicorn(env, port, args.workers, server_log)
        prefix = tmp / "locust"
        locust_env = {
            **env,
            "LOAD_AUTHORS": str(args.authors),
            "LOAD_AUTHOR_USERNAME": "loadauthor",
            "LOAD_AUTHOR_PASSWORD": password,
            "LOAD_READER_TIMES": str(tmp / "reader_times.json"),
            "LOAD_WAIT_MIN": think_min,
            "LOAD_WAIT_MAX": think_max or think_min,
        }
        # Naming the classes keeps locust from giving weightless authors a share when there
        # are none to start.
        classes = ["Reader", "Author"] if args.authors else ["Reader"]
        print(
            f"== {args.users} users ({args.authors} authors) for {args.duration}s against "
            f"gunicorn --workers {args.workers} on 127.0.0.1:{port} ==",
            flush=True,
        )
        run = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                *classes,
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # locust prints its own summary on stderr; only its warnings are worth showing.
        for line in run.stderr.splitlines():
            if re.search(r"WARNING|ERROR|Traceback|CPU usage", line):
                print(f"locust: {line}")
        if run.returncode != 0:
            sys.exit(f"locust failed ({run.returncode}):\n{run.stderr[-3000:]}")
        ok = _report(prefix, tmp / "reader_times.json", args)
        # Other processes on the machine slow the server down; say how busy it was.
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average over the last 1, 5, 15 min: {load}")
        stop(server)
        server = None
        if not ok:
            _print_server_errors(server_log)
    finally:
        if server is not None:
            stop(server)
        if args.keep:
            print(f"temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _prepare(env: dict, password: str) -> None:
    prepare_demo(env)
    create_author = (
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('loadauthor', '', __import__('os')"
        ".environ['LOAD_AUTHOR_PASSWORD'])"
    )
    manage({**env, "LOAD_AUTHOR_PASSWORD": password}, "shell", "-c", create_author)


def _report(prefix: Path, reader_times: Path, args: argparse.Namespace) -> bool:
    """Print the table from locust's CSV files; True when the targets are met."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))

    header = (
        f"{'request':24} {'requests':>9} {'failures':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    reader_rows = []
    for group, names in (("readers", READER_PAGES), ("authors", AUTHOR_ACTIONS)):
        present = [name for name in names if name in rows]
        if not present:
            continue
        print(f"[{group}]")
        for name in present:
            _print_row(name, rows[name])
        if group == "readers":
            reader_rows = [rows[name] for name in present]
    others = [name for name in rows if name not in READER_PAGES + AUTHOR_ACTIONS + ["Aggregated"]]
    for name in others:
        _print_row(name, rows[name])
    total = rows["Aggregated"]
    print("-" * len(header))
    _print_row("all requests", total)

    times = sorted(json.loads(reader_times.read_text())) if reader_times.exists() else []
    reader_p50, reader_p99 = _percentile(times, 50), _percentile(times, 99)
    reader_failures = sum(int(row["Failure Count"]) for row in reader_rows)
    print(
        f"{'reader pages, all':24} {len(times):9d} {reader_failures:9d} "
        f"{len(times) / args.duration:7.1f} {reader_p50:7d} {reader_p99:7d}"
    )
    errors = int(total["Failure Count"])
    print()
    print(
        f"target: no errors at {args.users} users ... "
        + ("met" if errors == 0 else f"NOT met ({errors} failures)")
    )
    print(
        f"target: reader p99 < {READER_P99_TARGET_MS} ms"
        + (" while uploads run" if args.authors else "")
        + f" ... reader p99 {reader_p99} ms, "
        + ("met" if reader_p99 < READER_P99_TARGET_MS else "NOT met")
    )
    if failures:
        print()
        print("failures (occurrences, request, reason):")
        for row in sorted(failures, key=lambda r: -int(r["Occurrences"])):
            print(f"  {int(row['Occurrences']):6d}  {row['Name']:22} {row['Error'][:200]}")
    return errors == 0


def _print_row(name: str, row: dict) -> None:
    print(
        f"{name:24} {int(row['Request Count']):9d} {int(row['Failure Count']):9d} "
        f"{float(row['Requests/s']):7.1f} {_ms(row['50%']):7d} {_ms(row['99%']):7d}"
    )


def _percentile(values: list[float], percent: int) -> int:
    """Nearest-rank percentile of sorted `values`, in whole ms as locust rounds them."""
    if not values:
        return 0
    rank = max(0, min(len(values) - 1, round(percent / 100 * len(values) + 0.5) - 1))
    return int(values[rank])


def _ms(value: str) -> int:
    return int(float(value)) if value not in ("", "N/A") else 0


def _print_server_errors(log: Path) -> None:
    """The kinds of error in gunicorn's log, counted, then the tail of the last traceback."""
    lines = log.read_text(errors="replace").splitlines()
    kinds = Counter(
        line.strip()
        for line in lines
        if re.match(r"\w[\w.]*(Error|Exception|Exit): ", line)
        or re.search(r"WORKER TIMEOUT|\[ERROR\]|Internal Server Error|SIGKILL", line)
    )
    print()
    print(f"== errors in gunicorn's log ({len(lines)} lines in all) ==")
    for line, count in kinds.most_common(15):
        print(f"  {count:6d}  {line[:160]}")
    starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
    if starts:
        tail = lines[starts[-1] :]
        end = next((n for n, line in enumerate(tail) if re.match(r"\w[\w.]*: ", line)), 60)
        # The atlas's and the admin's frames say which write waited; the ORM's below do not.
        print("== the last traceback: the atlas's and the admin's frames, and the exception ==")
        for n, line in enumerate(tail[:end]):
            if f'"{ROOT}' in line or "django/contrib/" in line:
                print(line)
                print(tail[n + 1])
        print(tail[end] if end < len(tail) else "")


if __name__ == "__main__":
    main()
