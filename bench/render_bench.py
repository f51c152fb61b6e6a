"""Time our render + derivatives against dcmtk's dcmj2pnm on the same CT slices.

    .venv/bin/python bench/render_bench.py --count 20 --repeats 5

Each repeat renders every slice with both; the figures are medians over the repeats. dcmj2pnm
runs once per file, as a worker calling it would, so its figure includes process start-up and
PNG writing; ours includes reading the file and encoding three WebP sizes.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cases.dicom.derivatives import make_derivatives  # noqa: E402
from cases.dicom.render import render_frame  # noqa: E402

SIDE = 512


def write_slices(folder: Path, count: int) -> list[Path]:
    """`count` 512x512 CT slices of a noisy disc, stored as 12-bit HU + 1024."""
    rng = np.random.default_rng(0)
    rows, columns = np.mgrid[0:SIDE, 0:SIDE]
    body = np.hypot(rows - SIDE / 2, columns - SIDE / 2) < SIDE * 0.45
    paths = []
    for index in range(count):
        hu = np.where(body, 40, -1000) + rng.normal(0, 20, (SIDE, SIDE))
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.Modality = CTImageStorage, "CT"
        ds.set_pixel_data(np.clip(hu + 1024, 0, 4095).astype(np.uint16), "MONOCHROME2", 12)
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.WindowCenter, ds.WindowWidth = 40, 400
        paths.append(folder / f"slice-{index:03d}.dcm")
        ds.save_as(paths[-1], enforce_file_format=True)
    return paths


def ours(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        make_derivatives(render_frame(dcmread(path)))
    return len(paths) / (time.perf_counter() - start)


def dcmtk(paths: list[Path], output: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        command = ["dcmj2pnm", "--quiet", "+Wi", "1", "+on", str(path), str(output / "out.png")]
        subprocess.run(command, check=True)
    return len(paths) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="slices per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("dcmj2pnm") is None:
        sys.exit("dcmj2pnm is not installed (apt-get install dcmtk)")
    with tempfile.TemporaryDirectory() as folder:
        paths = write_slices(Path(folder), args.count)
        ours(paths[:2])  # warm imports and caches before timing
        ours_rates, dcmtk_rates = [], []
        for _ in range(args.repeats):
            ours_rates.append(ours(paths))
            dcmtk_rates.append(dcmtk(paths, Path(folder)))
    ours_median, dcmtk_median = statistics.median(ours_rates), statistics.median(dcmtk_rates)
    print(f"{args.count} slices of {SIDE}x{SIDE}, median of {args.repeats} repeats")
    print(f"render + 3 WebP derivatives: {ours_median:7.1f} images/s")
    print(f"dcmj2pnm to PNG, per file:   {dcmtk_median:7.1f} images/s")
    print(f"ratio ours / dcmtk:          {ours_median / dcmtk_median:7.2f}")


if __name__ == "__main__":
    main()
