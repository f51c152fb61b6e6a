"""SQLite takes many writers at once: no "database is locked", no lost update."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_twenty_threads_saving_one_row_lose_nothing_and_never_see_a_locked_database(tmp_path):
    # A database of the production settings in its own process, with twenty threads of its
    # own connections, apart from the test database and its test-case transactions.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.atlas.sqlite_writers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(report)
    assert report["locked"] == 0, report
    assert report["errors"] == 0, report
    assert report["final"] == report["transactions"], report
    assert report["journal_mode"] == "wal"
