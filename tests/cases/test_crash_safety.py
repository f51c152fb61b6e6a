"""A worker killed at any stage of the import road leaves the old state or the new one.

Each test runs the real services in a child process (tests/cases/crash_child.py) against its
own SQLite file and MEDIA_ROOT, and the child sends itself SIGKILL at a chosen moment: no
clean-up of any kind runs. This process then reads the file database and the media folder,
and runs the cron commands (`reconcile_media --fix`, `recover_images`) in another child.
The pytest database is not used.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest
from PIL import Image as PILImage

ROOT = Path(__file__).resolve().parents[2]
HELD, PROCESSING, READY, FAILED = "held", "processing", "ready", "failed"


class World:
    """A database file and a media folder, and children that run steps against them."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.media = folder, folder / "media"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.media),
            "DJANGO_SETTINGS_MODULE": "atlas.settings",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "ATLAS_RENDER_THREADS": "1",
        }

    def run(self, *steps: str, killed: bool = False) -> list[dict]:
        child = subprocess.run(
            [sys.executable, "-m", "tests.cases.crash_child", *steps],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        expected = -signal.SIGKILL if killed else 0
        assert child.returncode == expected, child.stderr[-3000:]
        return [json.loads(line) for line in child.stdout.splitlines()]

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.folder / "db.sqlite3") as db:
            return db.execute(sql).fetchall()

    def images(self) -> dict[int, str]:
        return dict(self.rows("SELECT id, pixels FROM cases_image"))

    def sources(self) -> dict[str, int]:
        return {
            name: image for image, name in self.rows("SELECT image_id, file FROM cases_sourcefile")
        }

    def files(self, top: str = "") -> set[str]:
        base = self.media / top if top else self.media
        return {str(p.relative_to(self.media)) for p in base.rglob("*") if p.is_file()}

    def assert_nothing_half_written(self) -> None:
        """Every .dcm and .webp under its own name is whole; every row's file is there."""
        for name in self.files():
            if name.endswith(".dcm"):
                assert pydicom.dcmread(self.media / name).pixel_array.size, name
            elif name.endswith(".webp"):
                with PILImage.open(self.media / name) as picture:
                    picture.load()
        assert set(self.sources()) <= self.files()

    def cron(self) -> tuple[dict, dict]:
        """What cron runs after the grace periods: reconcile, then recover stuck images."""
        _age, reconciled, recovered = self.run("age", "reconcile-fix", "recover")
        return reconciled, recovered

    def assert_consistent(self) -> None:
        [report] = self.run("reconcile")
        assert report == {"step": "reconcile", "output": "", "status": 0}
        assert PROCESSING not in self.images().values()
        self.assert_nothing_half_written()
        assert {p for p in self.files() if p.startswith("dicom/")} == set(self.sources())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Migrated once: a case whose study has one held five-slice stack, rendered."""
    folder = tmp_path_factory.mktemp("template")
    world = World(folder)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=world.env, check=True
    )
    world.run("import-held", "worker")
    assert list(world.images().values()) == [HELD]
    return folder


@pytest.fixture
def world(template, tmp_path) -> World:
    shutil.copytree(template, tmp_path / "world")
    return World(tmp_path / "world")


def blanked(world: World, name: str) -> bool:
    return pydicom.dcmread(world.media / name).BurnedInAnnotation == "NO"


def test_a_worker_killed_while_preparing_an_import_leaves_nothing(world):
    before_rows, before_files = world.rows("SELECT * FROM cases_sourcefile"), world.files()

    world.run("import@deid=3", killed=True)

    assert world.rows("SELECT * FROM cases_sourcefile") == before_rows
    assert world.files() == before_files
    world.assert_consistent()


def test_a_worker_killed_while_committing_leaves_no_rows_and_whole_files_for_the_reconciler(
    world,
):
    before = world.images()

    world.run("import@dcm=3", killed=True)

    assert world.images() == before  # the transaction died with the process
    world.assert_nothing_half_written()
    orphans = world.files("dicom") - {*world.sources()}
    assert len(orphans) == 3  # two whole slices and the temporary file of the third
    # Younger than the grace period, they might be an import in progress: left alone.
    [report] = world.run("reconcile")
    assert (report["output"], report["status"]) == ("", 0)
    reconciled, _recovered = world.cron()
    assert sorted(reconciled["output"].splitlines()) == sorted(
        f"deleted orphan: {path}" for path in orphans
    )
    world.assert_consistent()
    world.run("import", "worker")
    assert sorted(world.images().values()) == [HELD, READY]


def test_a_worker_killed_mid_render_leaves_no_truncated_derivative(world):
    world.run("import")
    [new] = [pk for pk, pixels in world.images().items() if pixels == PROCESSING]

    world.run("worker@webp=3", killed=True)

    world.assert_nothing_half_written()
    assert world.images()[new] == PROCESSING
    reconciled, recovered = world.cron()
    assert [line.rpartition(".")[2] for line in reconciled["output"].splitlines()] == ["partial"]
    assert recovered["output"].startswith(f"image {new}: failed: rendering was interrupted")
    world.assert_consistent()


def test_a_worker_killed_midway_through_a_release_leaves_the_held_image_as_it_was(world):
    [held] = world.images()
    originals = {name: (world.media / name).read_bytes() for name in world.sources()}

    world.run("release@dcm=3", killed=True)

    assert world.images() == {held: HELD}
    assert {name: (world.media / name).read_bytes() for name in world.sources()} == originals
    world.assert_nothing_half_written()
    world.run("release", "worker")  # released again, without a 500
    assert world.images() == {held: READY}
    assert all(blanked(world, name) for name in world.sources())
    reconciled, _recovered = world.cron()
    assert len(reconciled["output"].splitlines()) == 3  # two blanked files and a temporary one
    world.assert_consistent()


def test_a_worker_killed_just_after_a_release_commits_leaves_the_released_image(world):
    [held] = world.images()
    held_files = world.files()

    world.run("release@commit", killed=True)

    assert world.images() == {held: PROCESSING}
    assert all(blanked(world, name) for name in world.sources())
    world.assert_nothing_half_written()
    # The held sources and their derivatives, which show the text, were never deleted.
    reconciled, recovered = world.cron()
    assert sorted(
        line.removeprefix("deleted orphan: ") for line in reconciled["output"].splitlines()
    ) == sorted(held_files)
    assert recovered["output"] == f"image {held}: queued for rendering again\n"
    world.run("worker")
    world.assert_consistent()
    assert world.images() == {held: READY}
