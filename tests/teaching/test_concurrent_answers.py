"""Many residents answering at once on SQLite: no "database is locked", no answer lost or
counted twice (WAL, a busy timeout and immediate transactions; see atlas/settings.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_twenty_residents_answering_at_once_on_a_sqlite_file_lose_and_double_nothing(tmp_path):
    # A file database in its own process: the test database is in memory, where SQLite's
    # locking between connections does not happen as it does on disk.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.teaching.quiz_writers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(report)
    assert report["journal_mode"] == "wal"
    assert report["errors"] == [] and report["locked"] == 0, report
    assert report["not_redirected"] == [], report
    assert report["requests"] == 20 * 7
    assert report["answers"] == report["expected"] == 120, report
    assert report["cards"] == 120, report
