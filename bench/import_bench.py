"""Import benchmark: our whole import path against dcmtk's dcmj2pnm on the same CT slices.

    .venv/bin/python bench/import_bench.py --count 40 --repeats 3 --stack 300

"Ours" is `images_ingest` end to end: reading and checking each file, de-identification,
writing the clean DICOM, the database rows, and the eager WebP derivatives (display for every
frame, thumbnail for the first), with the immediate task backend. Every slice is its own
series, so each one is a separate image with its own thumbnail. One untimed import first
warms the process, as a running server is. dcmj2pnm converts each file to PNG once, as a
worker calling it would. Figures are medians over the repeats.

The stack run imports one 300-slice series in a fresh process and reports its peak resident
memory (ru_maxrss, which includes Python, Django and the libraries: about 100 MB of it is
there before the first slice is read).
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parents[1]
SIDE = 512


def write_slices(folder: Path, count: int, *, one_series: bool) -> list[Path]:
    """`count` 512x512 CT slices of a noisy disc, 12-bit HU + 1024, with a patient's name."""
    rng = np.random.default_rng(0)
    rows, columns = np.mgrid[0:SIDE, 0:SIDE]
    body = np.hypot(rows - SIDE / 2, columns - SIDE / 2) < SIDE * 0.45
    series = generate_uid()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        hu = np.where(body, 40, -1000) + rng.normal(0, 20, (SIDE, SIDE))
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = CTImageStorage, generate_uid(), "CT"
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = series if one_series else generate_uid()
        ds.PatientName, ds.PatientID, ds.StudyDate = "Bench^Patient", "BENCH-1", "20240101"
        ds.InstanceNumber = index + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [0, 0, index * 1.25]
        ds.BurnedInAnnotation = "NO"
        ds.set_pixel_data(np.clip(hu + 1024, 0, 4095).astype(np.uint16), "MONOCHROME2", 12)
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.WindowCenter, ds.WindowWidth = 40, 400
        paths.append(folder / f"slice-{index:03d}.dcm")
        ds.save_as(paths[-1], enforce_file_format=True)
    return paths


def worker(folder: Path) -> None:
    """Run in a fresh process: import every file under `folder` and print the figures."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cases.ingest import images_ingest
    from cases.management.commands.import_images import PathUpload
    from tests.builders import make_case

    study = make_case(images=0).studies.get()
    uploads = [PathUpload(path, path.name) for path in sorted(folder.iterdir())]
    # A server process is warm: load the codecs, plugins and caches with one untimed import.
    images_ingest(study=make_case(images=0).studies.get(), files=uploads[:1])
    start = time.perf_counter()
    results = images_ingest(study=study, files=uploads)
    seconds = time.perf_counter() - start
    assert all(result.status == "imported" for result in results), results[:3]
    assert not study.images.exclude(pixels="ready").exists()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": len(uploads), "seconds": seconds, "peak_mb": peak}))


def ours(folder: Path, scratch: Path) -> dict:
    scratch.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="atlas.settings",
        DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}",
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="WARNING",
    )
    command = [sys.executable, __file__, "--worker", str(folder)]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    shutil.rmtree(scratch)
    return json.loads(output.stdout.strip().splitlines()[-1])


def dcmtk(paths: list[Path], output: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        command = ["dcmj2pnm", "--quiet", "+Wi", "1", "+on", str(path), str(output / "out.png")]
        subprocess.run(command, check=True)
    return len(paths) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="separate slices per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stack", type=int, default=300, help="slices in the stack run")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if shutil.which("dcmj2pnm") is None:
        sys.exit("dcmj2pnm is not installed (apt-get install dcmtk)")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        slices = write_slices(folder / "slices", args.count, one_series=False)
        ours_rates, dcmtk_rates = [], []
        for repeat in range(args.repeats):
            run = ours(folder / "slices", folder / f"scratch-{repeat}")
            ours_rates.append(run["files"] / run["seconds"])
            dcmtk_rates.append(dcmtk(slices, folder))
        stack = write_slices(folder / "stack", args.stack, one_series=True)
        stack_run = ours(folder / "stack", folder / "scratch-stack")
        stack_dcmtk = dcmtk(stack, folder)
    ours_median, dcmtk_median = statistics.median(ours_rates), statistics.median(dcmtk_rates)
    print(f"{args.count} separate {SIDE}x{SIDE} CT slices, median of {args.repeats} repeats")
    print(f"our import (checks, de-id, rows, WebP): {ours_median:7.1f} images/s")
    print(f"dcmj2pnm to PNG, per file:              {dcmtk_median:7.1f} images/s")
    print(f"ratio ours / dcmtk:                     {ours_median / dcmtk_median:7.2f}")
    stack_rate = stack_run["files"] / stack_run["seconds"]
    print(
        f"{args.stack}-slice stack: {stack_rate:.1f} slices/s (dcmj2pnm {stack_dcmtk:.1f}/s, "
        f"ratio {stack_rate / stack_dcmtk:.2f}), peak memory {stack_run['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
