"""Peak memory and wall time of an admin upload, the request and the task apart (issue 8).

    .venv/bin/python bench/upload_memory.py [--keep] [--only NAME]

Each case is built once, then run through the real road in three fresh processes, one per
part, each printing its own peak resident memory (VmHWM from /proc/self/status, else
ru_maxrss; Python, Django, numpy and Pillow account for about 100 MB of it before any upload
is read):

- request: what the admin's save does in a web worker. The uploaded files are spooled as
  Django's multipart parser would (in 64 KB chunks, to the AnonymousFileUploadHandler's
  anonymous file), then StudyImagesForm is cleaned and upload_batch_create stages them and
  queues the task. The test client is not used here: it builds the whole request body in
  memory, which is the client's cost and not the server's.
- task: `batch_ingest`, as db_worker runs it: reads, checks, de-identifies and commits.
- render: `images_render` of the images the task made (the render_images task).

The tasks backend is django-tasks' DummyBackend, so no part runs the next one by accident.
"""

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# The cases


def _png(width: int, height: int, mode: str, fill) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (width, height), fill).save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def _gradient_png(side: int, seed: int) -> bytes:
    """A smooth RGB picture: compresses to tens of KB, decodes to side*side*3 bytes."""
    import numpy as np
    from PIL import Image

    ramp = np.linspace(0, 255, side, dtype=np.float32)
    red = np.broadcast_to(ramp[None, :], (side, side))
    green = np.broadcast_to(ramp[:, None], (side, side))
    blue = np.full((side, side), seed * 15 % 256, dtype=np.float32)
    pixels = np.stack([red, green, blue], axis=-1).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def build_cases(folder: Path) -> dict[str, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, list[Path]] = {}

    sixteen = folder / "sixteen-large-pngs.zip"
    with zipfile.ZipFile(sixteen, "w", zipfile.ZIP_STORED) as archive:
        for n in range(16):
            archive.writestr(f"export/picture-{n:02d}.png", _gradient_png(4000, n))
    cases["16 large PNGs (4000x4000 RGB) in a ZIP"] = [sixteen]

    big = _png(8000, 8000, "L", 0)
    ten = folder / "ten-8000px-pngs.zip"
    with zipfile.ZipFile(ten, "w", zipfile.ZIP_STORED) as archive:
        for n in range(10):
            archive.writestr(f"export/plain-{n}.png", big)
    cases["10 PNGs of 8000x8000 in a ZIP"] = [ten]

    single = folder / "plain-8000px.png"
    single.write_bytes(big)
    cases["one PNG of 8000x8000 (64 Mpx, L)"] = [single]

    rgb = folder / "gradient-8000px.png"
    rgb.write_bytes(_gradient_png(8000, 1))
    cases["one PNG of 8000x8000 RGB"] = [rgb]

    # Mostly zeros, with a few random bytes every KB so it stays under the ratio limit.
    chunk = bytearray(MB)
    for offset in range(0, MB, 1024):
        chunk[offset : offset + 4] = os.urandom(4)
    member = folder / "zeros-1000mib.zip"
    with zipfile.ZipFile(member, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open("export/huge.dcm", "w", force_zip64=True) as handle:
            for _ in range(1000):
                handle.write(chunk)
    cases["ZIP with one 1000 MiB member"] = [member]

    cases["one DICOM of 8000x8000 16-bit (128 MB)"] = [_large_dicom(folder / "large.dcm")]
    return cases


def _large_dicom(path: Path) -> Path:
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = "1.2.840.10008.5.1.4.1.1.1", generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.PatientName, ds.BurnedInAnnotation = "CR", "Bench^Patient", "NO"
    pixels = np.tile(np.arange(8000, dtype=np.uint16) % 4096, (8000, 1))
    ds.set_pixel_data(pixels, "MONOCHROME2", 12)
    ds.save_as(path, enforce_file_format=True)
    return path


# ---------------------------------------------------------------------------------------------
# The parts, each in its own process


def _setup(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def part_request(workdir: Path, paths: list[str]) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from cases.forms import StudyImagesForm
    from cases.ingest import upload_batch_create
    from cases.ingest.uploads import AnonymousUploadedFile
    from tests.builders import make_case

    study = make_case(images=0).studies.get()
    user = get_user_model().objects.create_superuser("bench", password=None)
    start = time.perf_counter()
    uploads = []
    for path in map(Path, paths):
        upload = AnonymousUploadedFile(path.name, "application/octet-stream", 0, None)
        with path.open("rb") as source:
            while chunk := source.read(64 * 1024):  # Django's default multipart chunk
                upload.write(chunk)
        upload.size = upload.tell()
        upload.seek(0)
        uploads.append(upload)
    data = {
        "case": study.case_id,
        "order": study.order,
        "modality": study.modality,
        "description": "CT",
        "description_en": "CT",
        "description_es": "TC",
    }
    # As the admin's view: the form's files come from request.FILES.getlist().
    form = StudyImagesForm(data, _MultiFiles(uploads), instance=study)
    valid = form.is_valid()
    batch_id = None
    if valid and form.upload_pending:
        with transaction.atomic():
            form.save()
            batch_id = upload_batch_create(
                study=study, files=form.upload_pending, decided=form.upload_decided, by=user
            ).pk
    outcome = "queued" if batch_id else "; ".join(form.errors.get("upload_images", []))[:70]
    for upload in uploads:
        upload.close()
    return {"seconds": time.perf_counter() - start, "batch": batch_id, "outcome": outcome}


class _MultiFiles(dict):
    def __init__(self, uploads):
        super().__init__(upload_images=uploads)

    def getlist(self, key):
        return self.get(key, [])


def part_task(workdir: Path, batch_id: int) -> dict:
    from cases.ingest import batch_ingest
    from cases.models import UploadBatch

    start = time.perf_counter()
    batch_ingest(batch_id)
    batch = UploadBatch.objects.get(pk=batch_id)
    statuses = [result["status"] for result in batch.results]
    ids = [pk for result in batch.results for pk in result["image_ids"]]
    outcome = ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))
    reasons = {r["reason"] for r in batch.results if r["reason"]}
    if reasons:
        outcome += " (" + "; ".join(sorted(reasons))[:60] + ")"
    return {"seconds": time.perf_counter() - start, "images": ids, "outcome": outcome}


def part_render(workdir: Path, image_ids: list[int]) -> dict:
    from cases.ingest import images_render
    from cases.models import Image

    start = time.perf_counter()
    images_render(image_ids)
    states = list(Image.objects.filter(pk__in=image_ids).values_list("pixels", flat=True))
    outcome = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
    return {"seconds": time.perf_counter() - start, "outcome": outcome}


def child(part: str, workdir: Path, argument: str) -> None:
    _setup(workdir)
    value = json.loads(argument)
    result = {"request": part_request, "task": part_task, "render": part_render}[part](
        workdir, value
    )
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's peak resident memory. ru_maxrss survives exec on Linux (a child would
    report its parent's peak), so VmHWM, which starts afresh with the new program, comes
    first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_part(part: str, workdir: Path, argument) -> dict:
    command = [sys.executable, __file__, "--child", part, str(workdir), json.dumps(argument)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        return {"peak_mb": float("nan"), "seconds": 0.0, "outcome": done.stderr[-200:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("PART", "WORKDIR", "ARG"))
    parser.add_argument("--keep", action="store_true", help="keep the built inputs")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    options = parser.parse_args()
    if options.child:
        part, workdir, argument = options.child
        child(part, Path(workdir), argument)
        return

    base = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    try:
        cases = build_cases(base / "inputs")
        header = (
            f"{'case':40} {'upload':>9} | {'request MB':>10} {'s':>5} | {'task MB':>8} {'s':>5}"
            f" | {'render MB':>9} {'s':>5} | outcome"
        )
        print(header)
        print("-" * len(header))
        for name, paths in cases.items():
            if options.only and options.only not in name:
                continue
            workdir = base / f"run-{len(name)}-{abs(hash(name))}"
            workdir.mkdir()
            size = sum(path.stat().st_size for path in paths)
            request = run_part("request", workdir, [str(path) for path in paths])
            task = render = {"peak_mb": float("nan"), "seconds": 0.0, "outcome": ""}
            outcome = request["outcome"]
            if request.get("batch"):
                task = run_part("task", workdir, request["batch"])
                outcome = task["outcome"]
                if task.get("images"):
                    render = run_part("render", workdir, task["images"])
                    outcome += f"; rendered: {render['outcome']}"
            print(
                f"{name:40} {_size(size):>9} | {request['peak_mb']:>10.0f}"
                f" {request['seconds']:>5.1f} | {task['peak_mb']:>8.0f} {task['seconds']:>5.1f}"
                f" | {render['peak_mb']:>9.0f} {render['seconds']:>5.1f} | {outcome}",
                flush=True,
            )
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if options.keep:
            print(f"inputs kept in {base / 'inputs'}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size / 1024:.0f} KB"


if __name__ == "__main__":
    main()
