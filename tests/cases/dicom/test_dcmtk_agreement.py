"""Our 8-bit frames against dcmtk's dcmj2pnm, pixel by pixel, within one grey level.

How dcmtk 3.6.7 (dcmimgle) renders, read from its source and confirmed here:
- `+Ww c w` and `+Wi n` use the PS3.3 linear function, evaluated as offset + x * gradient and
  truncated; MONOCHROME1 swaps the output ends before truncating.
- `+Wm` is the linear function with centre (min + max + 1) / 2 and width max - min + 1 over
  the frame loaded (one frame with `+F n`), so min is black and max white.
- With no option it does not window at all but scales the whole stored range, so every
  comparison names a VOI option.
- It reads Rescale Slope/Intercept from the Shared Functional Groups of an enhanced file, but
  not per-frame values nor the Frame VOI LUT Sequence; for enhanced frames we pass the
  frame's window on the command line.
- It truncates fractional rescale results to integers; we keep the fraction (PS3.3 C.11.1),
  and one test below measures what that changes.
- It does not know LINEAR_EXACT (it warns and uses LINEAR), so that function is covered by
  the unit tests in test_render.py only.
- Its free build has no JPEG 2000 codec, so 693_J2KI.dcm, J2K_pixelrep_mismatch.dcm and
  MR_small_jp2klossless.dcm cannot be compared; JPEG-LS goes through dcml2pnm instead.
Overlay planes are left out on both sides (-O): the atlas never burns them in.
"""

import copy
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import EnhancedMRImageStorage, JPEGLSLossless

from cases.dicom.render import PRESETS, frame_count, render_frame

FIXTURE_IMAGES = Path(__file__).resolve().parents[3] / "fixtures/calcifications/images"

# pydicom's own CT and MR files that dcmtk can read, and the explicit windows tried on each.
CT_FILES = ["CT_small.dcm"]
MR_FILES = [
    "MR_small.dcm",
    "MR_small_RLE.dcm",
    "MR_small_bigendian.dcm",
    "MR_small_expb.dcm",
    "MR_small_implicit.dcm",
    "MR_small_padded.dcm",
    "MR_small_jpeg_ls_lossless.dcm",
    "examples_overlay.dcm",
]
MR_WINDOWS = [(300.0, 600.0), (1200.0, 2000.0), (450.5, 79.0)]
_VOI_KEYWORDS = ("WindowCenter", "WindowWidth", "VOILUTFunction", "VOILUTSequence")

# MR_small_padded.dcm has deliberate excess padding; pydicom's warning about it is expected.
pytestmark = pytest.mark.filterwarnings("ignore:The pixel data is .* excess padding")


@pytest.fixture(autouse=True, scope="module")
def _dcmtk_installed() -> None:
    if shutil.which("dcmj2pnm") is None:
        message = "dcmtk's dcmj2pnm is not installed (apt-get install dcmtk)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run the dcmtk agreement tests")
        pytest.skip(message)


def _test_file(name: str) -> Path:
    path = get_testdata_file(name, download=False)  # never fetch: only what is installed
    if path is None:
        pytest.skip(f"{name} is not in the local pydicom test files")
    return Path(path)


def _dcmtk(path: Path, options: list[str], frame: int = 0) -> np.ndarray:
    """dcmtk's 8-bit rendering of one frame, through a PNG it writes."""
    ds = dcmread(path, stop_before_pixels=True)
    program = "dcml2pnm" if ds.file_meta.TransferSyntaxUID == JPEGLSLossless else "dcmj2pnm"
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    command = [program, "--quiet", "-O", *options, "+F", str(frame + 1), "+on", str(path)]
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "frame.png"
        subprocess.run([*command, str(output)], check=True, capture_output=True)
        with Image.open(output) as image:
            return np.asarray(image)


def _max_difference(ours: np.ndarray, theirs: np.ndarray) -> int:
    assert ours.shape == theirs.shape
    return int(np.abs(ours.astype(np.int32) - theirs.astype(np.int32)).max())


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copyfile(_test_file(name), target)
    return target


def _without_voi(ds: Dataset) -> Dataset:
    bare = copy.deepcopy(ds)
    for keyword in _VOI_KEYWORDS:
        if keyword in bare:
            delattr(bare, keyword)
    return bare


@pytest.mark.parametrize("name", MR_FILES)  # CT_small has no window; see the MONOCHROME1 test
def test_the_file_window_matches_dcmtk(name: str, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    ds = dcmread(path)
    assert "WindowCenter" in ds
    assert _max_difference(render_frame(ds), _dcmtk(path, ["+Wi", "1"])) <= 1


@pytest.mark.parametrize("name", CT_FILES + MR_FILES)
def test_the_min_max_window_matches_dcmtk(name: str, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    ours = render_frame(_without_voi(dcmread(path)))
    assert _max_difference(ours, _dcmtk(path, ["+Wm"])) <= 1


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("name", CT_FILES)
def test_ct_presets_match_dcmtk_windows(name: str, preset: str, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    center, width = PRESETS[preset]
    theirs = _dcmtk(path, ["+Ww", str(center), str(width)])
    assert _max_difference(render_frame(dcmread(path), preset=preset), theirs) <= 1


@pytest.mark.parametrize("window", MR_WINDOWS, ids=lambda w: f"C{w[0]:g}W{w[1]:g}")
@pytest.mark.parametrize("name", MR_FILES)
def test_explicit_mr_windows_match_dcmtk(name: str, window: tuple, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    theirs = _dcmtk(path, ["+Ww", str(window[0]), str(window[1])])
    assert _max_difference(render_frame(dcmread(path), window=window), theirs) <= 1


def test_monochrome1_matches_dcmtk(tmp_path: Path) -> None:
    # No local CT or MR file is MONOCHROME1, so CT_small's pixels are relabelled as one.
    ds = dcmread(_test_file("CT_small.dcm"))
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.WindowCenter, ds.WindowWidth = 40, 400
    path = tmp_path / "ct_monochrome1.dcm"
    ds.save_as(path)
    assert _max_difference(render_frame(ds), _dcmtk(path, ["+Wi", "1"])) <= 1
    assert _max_difference(render_frame(_without_voi(ds)), _dcmtk(path, ["+Wm"])) <= 1
    assert (
        _max_difference(render_frame(ds, preset="bone"), _dcmtk(path, ["+Ww", "400", "1800"])) <= 1
    )


@pytest.mark.parametrize("photometric", ["MONOCHROME2", "MONOCHROME1"])
def test_a_sigmoid_file_window_matches_dcmtk(photometric: str, tmp_path: Path) -> None:
    ds = dcmread(_test_file("MR_small.dcm"))
    ds.PhotometricInterpretation = photometric
    ds.VOILUTFunction = "SIGMOID"
    path = tmp_path / "mr_sigmoid.dcm"
    ds.save_as(path)
    assert _max_difference(render_frame(ds), _dcmtk(path, ["+Wi", "1"])) <= 1
    theirs = _dcmtk(path, ["+Ww", "900", "500"])  # a chosen window keeps the function
    assert _max_difference(render_frame(ds, window=(900, 500)), theirs) <= 1


def _lut_item(table: np.ndarray, first: int, bits: int) -> Dataset:
    item = Dataset()
    item.LUTDescriptor = [len(table), first, bits]
    item.add_new(0x00283006, "US", table.astype(int).tolist())
    return item


def test_a_voi_lut_sequence_matches_dcmtk(tmp_path: Path) -> None:
    ds = dcmread(_test_file("CT_small.dcm"))
    curve = np.sin(np.linspace(0, np.pi / 2, 1500)) ** 2 * 4095  # an S-shaped 12-bit table
    ds.VOILUTSequence = Sequence([_lut_item(curve, -200, 12)])
    path = tmp_path / "ct_voi_lut.dcm"
    ds.save_as(path)
    assert _max_difference(render_frame(ds), _dcmtk(path, ["+Wl", "1"])) <= 1


def test_a_modality_lut_sequence_matches_dcmtk(tmp_path: Path) -> None:
    ds = dcmread(_test_file("MR_small.dcm"))
    table = np.linspace(0, 1, 2400) ** 2 * 3000  # a curved table in place of a rescale
    ds.ModalityLUTSequence = Sequence([_lut_item(table, 0, 16)])
    ds.ModalityLUTSequence[0].ModalityLUTType = "US"
    path = tmp_path / "mr_modality_lut.dcm"
    ds.save_as(path)
    assert _max_difference(render_frame(ds), _dcmtk(path, ["+Wi", "1"])) <= 1
    assert _max_difference(render_frame(_without_voi(ds)), _dcmtk(path, ["+Wm"])) <= 1


def _enhanced_mr(tmp_path: Path) -> tuple[Dataset, Path, list[tuple[float, float]]]:
    """An enhanced MR of three frames made from MR_small: a shared rescale, a window a frame."""
    ds = dcmread(_test_file("MR_small.dcm"))
    pixels = ds.pixel_array
    frames = np.stack([pixels, pixels // 2 + 300, 2200 - pixels]).astype(np.int16)
    windows = [(3000.0, 4000.0), (1100.0, 700.0), (2150.5, 79.0)]
    for keyword in ("WindowCenter", "WindowWidth"):
        delattr(ds, keyword)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = EnhancedMRImageStorage
    ds.set_pixel_data(frames, "MONOCHROME2", 16)
    transform = Dataset()
    transform.RescaleSlope, transform.RescaleIntercept, transform.RescaleType = 2, -100, "US"
    shared = Dataset()
    shared.PixelValueTransformationSequence = Sequence([transform])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    ds.PerFrameFunctionalGroupsSequence = Sequence()
    for center, width in windows:
        voi = Dataset()
        voi.WindowCenter, voi.WindowWidth = center, width
        group = Dataset()
        group.FrameVOILUTSequence = Sequence([voi])
        ds.PerFrameFunctionalGroupsSequence.append(group)
    path = tmp_path / "enhanced_mr.dcm"
    ds.save_as(path)
    return ds, path, windows


def test_each_frame_of_an_enhanced_mr_matches_dcmtk(tmp_path: Path) -> None:
    # No multi-frame MR is installed with pydicom, so one is built from MR_small.
    ds, path, windows = _enhanced_mr(tmp_path)
    for index, (center, width) in enumerate(windows):
        theirs = _dcmtk(path, ["+Ww", str(center), str(width)], frame=index)
        assert _max_difference(render_frame(ds, index), theirs) <= 1, f"frame {index}"
        bare = copy.deepcopy(ds)
        del bare.PerFrameFunctionalGroupsSequence
        assert _max_difference(render_frame(bare, index), _dcmtk(path, ["+Wm"], index)) <= 1


def test_each_frame_of_the_installed_multiframe_dose_matches_dcmtk(tmp_path: Path) -> None:
    # rtdose.dcm is the one greyscale multi-frame file installed: 32-bit, 15 frames.
    path = _copy("rtdose.dcm", tmp_path)
    ds = dcmread(path)
    for index in (0, frame_count(ds) // 2, frame_count(ds) - 1):
        assert _max_difference(render_frame(ds, index), _dcmtk(path, ["+Wm"], index)) <= 1


def test_a_fractional_rescale_differs_from_dcmtk_only_by_its_integer_truncation(
    tmp_path: Path,
) -> None:
    ds = dcmread(_test_file("CT_small.dcm"))
    ds.RescaleSlope, ds.RescaleIntercept = 0.37, -10.6
    path = tmp_path / "ct_fractional.dcm"
    ds.save_as(path)
    center, width = 40.0, 80.0
    theirs = _dcmtk(path, ["+Ww", str(center), str(width)])
    # Fed dcmtk's truncated values, our window agrees with it to the grey level ...
    truncated = copy.deepcopy(ds)
    hounsfield = np.trunc(ds.pixel_array * 0.37 - 10.6)
    truncated.set_pixel_data(hounsfield.astype(np.int16), "MONOCHROME2", 16)
    truncated.RescaleSlope, truncated.RescaleIntercept = 1, 0
    assert _max_difference(render_frame(truncated, window=(center, width)), theirs) <= 1
    # ... and keeping the fraction moves a pixel by at most one HU's worth of grey.
    one_unit = int(np.ceil(255 / (width - 1)))
    assert 1 < _max_difference(render_frame(ds, window=(center, width)), theirs) <= one_unit + 1


@pytest.mark.parametrize(
    "name, frame",
    [
        ("examples_rgb_color.dcm", 0),
        ("SC_rgb_small_odd.dcm", 0),
        ("SC_rgb_small_odd_big_endian.dcm", 0),
        ("SC_ybr_full_422_uncompressed.dcm", 0),
        ("examples_palette.dcm", 0),
        ("SC_rgb_rle_16bit.dcm", 0),
        ("SC_rgb_rle_2frame.dcm", 1),
    ],
)
def test_uncompressed_and_lossless_colour_images_match_dcmtk(
    name: str, frame: int, tmp_path: Path
) -> None:
    # Lossy JPEG colour is left out: libjpeg and pylibjpeg decode it a few levels apart.
    path = _copy(name, tmp_path)
    assert _max_difference(render_frame(dcmread(path), frame), _dcmtk(path, [], frame)) <= 1


def _fixture_files() -> list[Path]:
    return sorted(FIXTURE_IMAGES.glob("*/*.dcm"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_demo_images_render_as_dcmtk_renders_them(path: Path, tmp_path: Path) -> None:
    ds = dcmread(path)
    greyscale = ds.PhotometricInterpretation.startswith("MONOCHROME")
    options = ["+Wi", "1"] if "WindowCenter" in ds else ["+Wm"] if greyscale else []
    # The demo files are JPEG 2000, which dcmtk's free build cannot decode: it renders an
    # uncompressed copy of the same pixels, while ours reads the committed file.
    uncompressed = dcmread(path)
    uncompressed.decompress()
    copy = tmp_path / path.name
    uncompressed.save_as(copy, enforce_file_format=True)
    assert _max_difference(render_frame(ds), _dcmtk(copy, options)) <= 1
