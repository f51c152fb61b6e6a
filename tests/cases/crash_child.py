"""A real worker process for the crash tests: runs the import road and can kill itself.

Run as `python -m tests.cases.crash_child STEP...` with DATABASE_URL (a SQLite file) and
MEDIA_ROOT in the environment; each step prints one JSON line. A step may carry a kill
point, at which the process sends itself SIGKILL, so no `except`, `finally` or on_commit
runs, as when a worker is killed for memory or by a redeploy:

- `import` / `import-held`: five CT slices imported into the first study;
  `release`: the held image released with one rectangle; `worker`: the queue run once.
- `@deid=N`: after the N-th de-identification (prepare);
  `@dcm=N`, `@webp=N`: halfway through writing the N-th .dcm or .webp file under
  MEDIA_ROOT, whoever writes it (the storage's own code or ours);
  `@commit`: right after a transaction commits, before its on_commit callbacks.
- `reconcile`, `reconcile-fix`, `recover`: the commands, as cron runs them.
- `age`: every media file's times moved two hours back (their order kept), as if the
  grace periods had passed.
"""

import io
import json
import os
import signal
import sys
from pathlib import Path


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def kill_after_deidentification(n: int) -> None:
    from cases.dicom import deidentify

    real, calls = deidentify.deidentify, []

    def counted(*args, **kwargs):
        real(*args, **kwargs)
        calls.append(1)
        if len(calls) == n:
            die()

    deidentify.deidentify = counted


class _DyingStream:
    """A file whose first write stores half its bytes, then the process dies."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, data) -> None:
        self._stream.write(data[: len(data) // 2])
        self._stream.flush()
        die()

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._stream.close()


def kill_mid_write(extension: str, n: int) -> None:
    """Both FileSystemStorage._save and tempfile-based writes open the file with os.fdopen."""
    media, real, opened = os.environ["MEDIA_ROOT"], os.fdopen, []

    def fdopen(fd, *args, **kwargs):
        stream = real(fd, *args, **kwargs)
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return stream
        if name.startswith(media) and f".{extension}" in os.path.basename(name):
            opened.append(name)
            if len(opened) == n:
                return _DyingStream(stream)
        return stream

    os.fdopen = fdopen


def kill_after_commit() -> None:
    from django.db import connection

    def dead(*args, **kwargs):
        die()

    connection.run_and_clear_commit_hooks = dead


def slices(*, held: bool) -> list:
    from cases.ingest import MemoryUpload
    from tests.cases.dicom.builders import ct_series, to_bytes

    kind = {"ImageType": ["DERIVED", "SECONDARY"]} if held else {}
    return [MemoryUpload(f"{n}.dcm", to_bytes(ds)) for n, ds in enumerate(ct_series(5, **kind))]


def command(name: str, *args: str) -> dict:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return {"output": out.getvalue(), "status": error.returncode}
    return {"output": out.getvalue(), "status": 0}


def age() -> dict:
    """Two hours pass: for the files' times and for the queue's, which recovery compares."""
    from datetime import timedelta

    from django.db.models import F
    from django_tasks_db.models import DBTaskResult

    shift = 2 * 3600 * 10**9
    for root, _dirs, names in os.walk(os.environ["MEDIA_ROOT"]):
        for name in names:
            path = os.path.join(root, name)
            stat = os.stat(path)
            os.utime(path, ns=(stat.st_atime_ns - shift, stat.st_mtime_ns - shift))
    DBTaskResult.objects.update(enqueued_at=F("enqueued_at") - timedelta(hours=2))
    return {}


def run(step: str) -> dict:
    from cases.ingest import image_release, images_ingest
    from cases.models import Image, Study

    action, _at, kill = step.partition("@")
    if kill.startswith("deid="):
        kill_after_deidentification(int(kill[5:]))
    elif kill.startswith(("dcm=", "webp=")):
        extension, _eq, n = kill.partition("=")
        kill_mid_write(extension, int(n))
    elif kill == "commit":
        kill_after_commit()
    if action in ("import", "import-held"):
        study = Study.objects.order_by("pk").first()
        if study is None:
            from tests.builders import make_case

            study = make_case(images=0).studies.get()
        images_ingest(study=study, files=slices(held=action == "import-held"))
        return {"image": study.images.latest("pk").pk}
    if action == "release":
        image = Image.objects.get(pixels=Image.Pixels.HELD)
        return {"image": image_release(image=image, rectangles=[(0, 0, 8, 4)]).pk}
    if action == "worker":
        return command("db_worker", "--batch", "--no-startup-delay")
    if action == "reconcile":
        return command("reconcile_media")
    if action == "reconcile-fix":
        return command("reconcile_media", "--fix")
    if action == "recover":
        return command("recover_images", "--minutes", "30")
    if action == "age":
        return age()
    raise SystemExit(f"unknown step {step!r}")


def main(steps: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    import django

    django.setup()
    for step in steps:
        print(json.dumps({"step": step, **run(step)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
