"""Live session under load: 300 phones join, poll and answer once, against production gunicorn.

Run: .venv/bin/python bench/live_bench.py [--phones 300] [--workers 3] [--spread 20]

Builds a throwaway SQLite database with the demo atlas (or uses DATABASE_URL if set), starts
gunicorn as the README's "Production" section runs it (DEBUG off, sync workers), opens a live
session on a one-step playlist with its question open, and starts one thread per phone. Each
phone loads its page (for the CSRF token), polls live:state with If-None-Match every 2 s as
static/js/live-phone.js does, answers once at a random moment within --spread seconds (one in
ten taps "send" twice), and goes on polling until the end. A projector thread polls every
0.5 s, as static/js/projector.js does.

Reported: answers sent, answers stored, lost and doubled answers (target none), the tally
updates the projector and the phones saw, the latency from an answer's POST to the first
projector poll that counts it (p50, p95; target p95 under 1 s), and the gunicorn workers' CPU
per phone per minute from /proc/<pid>/stat.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from production import free_port, manage, prepare_demo, production_env, start_gunicorn, stop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
PHONE_POLL_S = 2.0
PROJECTOR_POLL_S = 0.5

SETUP = """
from cases.models import Case
from teaching.models import Playlist, PlaylistItem
from teaching.services import live_session_start
from teaching.live_services import live_session_go
from django.contrib.auth import get_user_model
host = get_user_model().objects.create_superuser("benchhost", "", "x")
playlist = Playlist.objects.create(title="Bench", owner=host)
case = Case.objects.published().filter(differential__isnull=False).distinct().first()
PlaylistItem.objects.create(playlist=playlist, position=1, case=case, question="diagnosis")
session = live_session_start(playlist=playlist, host=host, seed=1)
while session.open_question is None:
    session = live_session_go(session=session, action="next")
print("CODE", session.code)
"""

COUNT = """
from teaching.models import Answer, LiveSession
s = LiveSession.objects.get(code="{code}")
a = Answer.objects.filter(question__quiz=s.quiz)
print("STORED", a.count(), a.values("attempt_id").distinct().count())
"""


class Phone(threading.Thread):
    def __init__(self, bench, n):
        super().__init__(daemon=True)
        self.bench, self.n = bench, n
        self.cookies: dict[str, str] = {}
        self.updates = 0
        self.sent = 0
        self.ok = 0
        self.repeats = 0
        self.errors: list[str] = []

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.bench.port, timeout=30)
        all_headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.bench.port}",
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response, data

    def run(self):
        bench = self.bench
        try:
            _response, page = self.request("GET", f"/en/live/{bench.code}/")
            token = TOKEN.search(page.decode()).group(1)
            choices = CHOICE.findall(page.decode())
            answer_at = bench.start + random.uniform(0, bench.spread)
            etag, answered = "", False
            while time.monotonic() < bench.stop_at:
                if not answered and time.monotonic() >= answer_at:
                    self.answer(token, random.choice(choices))
                    if self.n % 10 == 0:
                        self.answer(token, random.choice(choices))  # a double tap
                    answered = True
                headers = {"If-None-Match": etag} if etag else {}
                response, _body = self.request(
                    "GET", f"/en/live/{bench.code}/state/", None, headers
                )
                if response.status == 200:
                    etag = response.getheader("ETag") or ""
                    self.updates += 1
                time.sleep(PHONE_POLL_S)
        except Exception as error:  # a phone that fails is counted, not fatal
            self.errors.append(repr(error))

    def answer(self, token, choice):
        body = f"csrfmiddlewaretoken={token}&position=1&choice={choice}&confidence=certain"
        origin = f"https://127.0.0.1:{self.bench.port}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}/en/live/{self.bench.code}/",
        }
        started = time.monotonic()
        self.sent += 1
        response, _body = self.request("POST", f"/en/live/{self.bench.code}/answer/", body, headers)
        if response.status != 302:
            self.errors.append(f"answer {response.status}")
        elif self.sent == 1:
            self.ok += 1
            with self.bench.lock:
                self.bench.answer_times.append(started)
        else:
            self.repeats += 1  # the double tap was taken as a repeat; the first answer stands


class Projector(threading.Thread):
    def __init__(self, bench):
        super().__init__(daemon=True)
        self.bench = bench
        self.seen: list[tuple[float, int]] = []

    def run(self):
        etag = ""
        while time.monotonic() < self.bench.stop_at:
            connection = http.client.HTTPConnection("127.0.0.1", self.bench.port, timeout=30)
            headers = {"X-Forwarded-Proto": "https", **({"If-None-Match": etag} if etag else {})}
            connection.request("GET", f"/en/live/{self.bench.code}/state/", headers=headers)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                etag = response.getheader("ETag") or ""
                count = int(re.search(rb'"answers": (\d+)', body).group(1))
                self.seen.append((time.monotonic(), count))
            time.sleep(PROJECTOR_POLL_S)


def cpu_seconds(master_pid: int) -> float:
    """utime + stime of gunicorn's workers (the master's children), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # field 4, ppid
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15
    return total / tick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--spread", type=float, default=20, help="seconds over which they answer")
    parser.add_argument("--duration", type=float, default=40, help="seconds of load")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="atlas-live-"))
    env = production_env(tmp, database=os.environ.get("DATABASE_URL", ""))
    server = None
    try:
        prepare_demo(env)
        setup = manage(env, "shell", "-c", SETUP, capture_output=True)
        code = re.search(rb"CODE (\w+)", setup.stdout).group(1).decode()
        port = free_port()
        server = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
        bench = argparse.Namespace(
            port=port, code=code, spread=args.spread, lock=threading.Lock(), answer_times=[]
        )
        print(f"== {args.phones} phones, gunicorn --workers {args.workers}, session {code} ==")
        cpu_before = cpu_seconds(server.pid)
        bench.start = time.monotonic()
        bench.stop_at = bench.start + args.duration
        projector = Projector(bench)
        phones = [Phone(bench, n) for n in range(args.phones)]
        projector.start()
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join()
        projector.join()
        elapsed = time.monotonic() - bench.start
        cpu = cpu_seconds(server.pid) - cpu_before
        counted = manage(env, "shell", "-c", COUNT.format(code=code), capture_output=True)
        stored, answerers = map(int, re.search(rb"STORED (\d+) (\d+)", counted.stdout).groups())
        _report(args, phones, projector, bench, stored, answerers, cpu, elapsed)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


def _report(args, phones, projector, bench, stored, answerers, cpu, elapsed) -> None:
    sent = sum(p.sent for p in phones)
    taken = sum(p.ok for p in phones)
    first = taken
    errors = [e for p in phones for e in p.errors]
    latencies = []
    times = sorted(bench.answer_times)
    for k, started in enumerate(times, start=1):
        shown = next((t for t, count in projector.seen if count >= k), None)
        if shown is not None:
            latencies.append(max(0.0, shown - started))
    print(f"answers sent: {sent} (of which double taps: {sent - first})")
    repeats = sum(p.repeats for p in phones)
    print(f"answers taken (302): {taken + repeats}, of which repeats kept as the first: {repeats}")
    print(f"answers stored: {stored} from {answerers} phones")
    print(f"lost: {max(0, first - stored)}   doubled: {stored - answerers}")
    print(f"phone errors: {len(errors)} {errors[:3]}")
    print(
        f"tally updates: projector saw {len(projector.seen)}, phones saw "
        f"{sum(p.updates for p in phones)} (200 responses; the rest were 304)"
    )
    if latencies:
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"answer -> projector tally: p50 {statistics.median(latencies):.3f} s, "
            f"p95 {p95:.3f} s, max {latencies[-1]:.3f} s (target p95 < 1 s)"
        )
    minutes = elapsed / 60
    print(
        f"server CPU: {cpu:.2f} s over {elapsed:.0f} s = "
        f"{cpu / args.phones / minutes * 1000:.1f} ms per phone per minute"
    )


if __name__ == "__main__":
    main()
