"""The display pipeline: stored pixels to the 8-bit frames a browser can show.

Greyscale frames go through the steps of PS3.4 N.2: modality LUT (rescale or table), VOI
(a table, or a window with the LINEAR, LINEAR_EXACT or SIGMOID function), then MONOCHROME1
inversion. Colour frames are brought to 8-bit RGB. The arithmetic follows dcmtk's dcmimgle
(truncation to the grey level below, inversion applied before truncation, the min-max window
of `+Wm`) so that tests/dicom/test_dcmtk_agreement.py can hold us to within one grey level.

A frame is rendered in bands of rows into one preallocated 8-bit output, so the float64
temporaries of the arithmetic cover one band at a time (a few MB) rather than the frame: the
memory of a render is the decoded frame, its 8-bit result and a constant, whatever the size.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
from pydicom.dataset import Dataset
from pydicom.pixels import apply_color_lut
from pydicom.uid import (
    UID,
    XRayAngiographicImageStorage,
    XRayRadiofluoroscopicImageStorage,
)

from cases.dicom.errors import RejectedFile
from cases.dicom.reading import decode_frame


class Window(NamedTuple):
    """A VOI window in modality units (Hounsfield units for CT)."""

    center: float
    width: float


# Bone is W1800/L400 (-500 to 1300 HU) rather than W2000/L500: a calcification of a few hundred
# HU lands mid-grey, clearly apart from a white cortex, and fat and muscle stay grey round it.
PRESETS: dict[str, Window] = {
    "soft-tissue": Window(40, 400),
    "bone": Window(400, 1800),
    "lung": Window(-600, 1500),
    "brain": Window(40, 80),
}
# The file's own VOI (a VOI LUT or its first window), or the frame's min-max when it has none.
FILE_PRESET = "file"

_MONOCHROME = {"MONOCHROME1", "MONOCHROME2"}
_THREE_SAMPLE = {"RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT"}
# Clunie: the Modality LUT of XA and XRF maps to X-ray intensity and is not meant for display,
# so dcmtk skips it for these classes and so do we.
_MODALITY_LUT_NOT_FOR_DISPLAY = {
    XRayAngiographicImageStorage,
    XRayRadiofluoroscopicImageStorage,
    UID("1.2.840.10008.5.1.4.1.1.12.3"),  # retired X-Ray Angiographic Bi-Plane
}


def frame_count(ds: Dataset) -> int:
    """Number of frames in the pixel data (1 when Number of Frames is absent or empty)."""
    value = ds.get("NumberOfFrames")
    try:
        return max(int(value), 1) if value not in (None, "") else 1
    except (TypeError, ValueError):
        return 1


def render_frame(
    ds: Dataset,
    index: int = 0,
    *,
    window: tuple[float, float] | None = None,
    preset: str | None = None,
) -> np.ndarray:
    """Frame `index` as uint8, HxW for greyscale or HxWx3 RGB for colour."""
    count = frame_count(ds)
    if not 0 <= index < count:
        raise IndexError(f"frame {index} requested from an image with {count} frame(s)")
    if window is not None and preset is not None:
        raise ValueError("give a window or a preset, not both")
    if preset is not None and preset != FILE_PRESET:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
        window = PRESETS[preset]

    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric not in _MONOCHROME | _THREE_SAMPLE | {"PALETTE COLOR"}:
        raise RejectedFile(f"Photometric Interpretation {photometric!r} cannot be displayed.")
    stored = _decode_frame(ds, index)

    if photometric == "PALETTE COLOR":
        return _banded(stored, lambda band: _to_8_bit_rgb(apply_color_lut(band, ds)[..., :3]))
    if photometric in _THREE_SAMPLE:
        # pixel_array(raw=False) has already turned YBR into RGB.
        bits = int(ds.get("BitsStored", 8 * stored.dtype.itemsize))
        return _banded(stored, lambda band: _to_8_bit_rgb(band, bits))

    modality = _modality_transform(ds, index)
    invert = photometric == "MONOCHROME1"
    if window is not None:
        center, width = float(window[0]), float(window[1])
        if width < 1:
            raise ValueError(f"window width must be at least 1, got {width}")
        # A chosen window keeps the file's VOI LUT Function, as dcmtk and most viewers do:
        # the function describes how this image is meant to be shown, not one window.
        voi = _window(center, width, _voi_function(ds, index), invert)
    else:
        voi = _file_voi(ds, stored, modality, index, invert)
    return _banded(stored, lambda band: voi(modality(band)))


def sort_stack(datasets: Iterable[Dataset]) -> list[Dataset]:
    """Order a series along its slice normal, or by Instance Number when geometry is missing."""
    items = list(datasets)

    def instance_number(ds: Dataset) -> float:
        try:
            return float(ds.InstanceNumber)
        except (AttributeError, TypeError, ValueError):
            return float("inf")

    normal = _slice_normal(items[0]) if items else None
    if normal is not None and all(_position(ds) is not None for ds in items):
        return sorted(items, key=lambda ds: (float(normal @ _position(ds)), instance_number(ds)))
    return sorted(items, key=instance_number)


def _slice_normal(ds: Dataset) -> np.ndarray | None:
    try:
        cosines = np.asarray([float(v) for v in ds.ImageOrientationPatient], dtype=np.float64)
    except (AttributeError, TypeError, ValueError):
        return None
    if cosines.shape != (6,):
        return None
    normal = np.cross(cosines[:3], cosines[3:])
    return normal if np.linalg.norm(normal) > 0 else None


def _position(ds: Dataset) -> np.ndarray | None:
    try:
        position = np.asarray([float(v) for v in ds.ImagePositionPatient], dtype=np.float64)
    except (AttributeError, TypeError, ValueError):
        return None
    return position if position.shape == (3,) else None


def _decode_frame(ds: Dataset, index: int) -> np.ndarray:
    if "PixelData" not in ds:
        raise RejectedFile("The file has no pixel data.")
    # decode_frame asks pydicom for this frame only, so a long stack is not decoded whole.
    return decode_frame(ds, index)


# Pixels per band: 2**18 keeps a band's float64 temporaries near 10 MB, and a 512x512 slice
# in one band, so a stack pays no per-band overhead.
_BAND_PIXELS = 1 << 18

Transform = Callable[[np.ndarray], np.ndarray]


def _bands(stored: np.ndarray) -> Iterable[slice]:
    rows = stored.shape[0]
    step = max(1, _BAND_PIXELS // max(1, stored[:1].size))
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))


def _banded(stored: np.ndarray, transform: Transform) -> np.ndarray:
    """`transform` (elementwise, to uint8) applied band by band into one output array."""
    if stored.shape[0] == 0:
        return transform(stored)
    output = None
    for rows in _bands(stored):
        band = transform(stored[rows])
        if output is None:
            output = np.empty((stored.shape[0], *band.shape[1:]), dtype=np.uint8)
        output[rows] = band
    return output


def _to_8_bit_rgb(rgb: np.ndarray, bits: int | None = None) -> np.ndarray:
    # Deeper samples keep their top 8 bits, as dcmtk does for 16- and 32-bit colour.
    depth = bits if bits is not None else 8 * rgb.dtype.itemsize
    if depth > 8:
        rgb = rgb >> (depth - 8)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _functional_group_item(ds: Dataset, index: int, keyword: str) -> Dataset | None:
    """First item of `keyword` for this frame: its per-frame group, else the shared one."""
    for groups_keyword, position in (
        ("PerFrameFunctionalGroupsSequence", index),
        ("SharedFunctionalGroupsSequence", 0),
    ):
        groups = ds.get(groups_keyword)
        if groups and len(groups) > position:
            sequence = groups[position].get(keyword)
            if sequence:
                return sequence[0]
    return None


def _candidates(ds: Dataset, index: int, keyword: str) -> list[Dataset]:
    item = _functional_group_item(ds, index, keyword)
    return [item, ds] if item is not None else [ds]


def _modality_transform(ds: Dataset, index: int) -> Transform:
    """The modality LUT or rescale, as a function from stored values to float64 values."""
    if ds.get("SOPClassUID") in _MODALITY_LUT_NOT_FOR_DISPLAY:
        return _as_float
    for source in _candidates(ds, index, "PixelValueTransformationSequence"):
        if source.get("ModalityLUTSequence"):
            table, first, _ = _lookup_table(source.ModalityLUTSequence[0], ds)
            return lambda stored: _look_up(stored, table, first).astype(np.float64)
        if source.get("RescaleIntercept") is not None:
            slope = float(source.get("RescaleSlope") or 1.0)
            if slope == 0:  # an invalid slope would flatten the image; dcmtk ignores it too
                break
            intercept = float(source.RescaleIntercept)
            # Kept as real numbers, as PS3.3 C.11.1 defines them; dcmtk truncates fractional
            # results to integers (see the agreement tests for what that changes).
            return lambda stored: stored.astype(np.float64) * slope + intercept
    return _as_float


def _as_float(stored: np.ndarray) -> np.ndarray:
    return stored.astype(np.float64)


def _file_voi(
    ds: Dataset, stored: np.ndarray, modality: Transform, index: int, invert: bool
) -> Transform:
    for source in _candidates(ds, index, "FrameVOILUTSequence"):
        # A VOI LUT is the vendor's tuned rendering, so like pydicom we prefer it to a window.
        if source.get("VOILUTSequence"):
            table, first, bits = _lookup_table(source.VOILUTSequence[0], ds)
            return lambda values: _voi_lut(values, table, first, bits, invert)
        center = _first_value(source.get("WindowCenter"))
        width = _first_value(source.get("WindowWidth"))
        function = _function_name(source)
        # A width too small for its function is invalid: treat the window as absent.
        if center is not None and width is not None and width >= _MINIMUM_WIDTH[function]:
            return _window(center, width, function, invert)
    return _min_max(stored, modality, invert)


def _voi_lut(
    values: np.ndarray, table: np.ndarray, first: int, bits: int, invert: bool
) -> np.ndarray:
    looked_up = _look_up(np.floor(values), table, first).astype(np.float64)
    # dcmtk maps the table's 2**bits levels onto the 256 output levels.
    grey = np.clip(np.trunc(looked_up * 256.0 / 2.0**bits), 0, 255)
    return (255 - grey if invert else grey).astype(np.uint8)


# PS3.3 C.11.2.1.2: LINEAR needs a width of at least 1, the other functions more than 0.
_MINIMUM_WIDTH = {
    "LINEAR": 1.0,
    "LINEAR_EXACT": np.nextafter(0.0, 1.0),
    "SIGMOID": np.nextafter(0.0, 1.0),
}


def _function_name(source: Dataset) -> str:
    # dcmtk 3.6.7 does not know LINEAR_EXACT and falls back to LINEAR; we follow the standard.
    name = str(source.get("VOILUTFunction") or "LINEAR").strip().upper()
    return name if name in _MINIMUM_WIDTH else "LINEAR"


def _voi_function(ds: Dataset, index: int) -> str:
    for source in _candidates(ds, index, "FrameVOILUTSequence"):
        if source.get("VOILUTFunction"):
            return _function_name(source)
    return "LINEAR"


def _window(center: float, width: float, function: str, invert: bool) -> Transform:
    if function == "SIGMOID":
        return lambda values: _sigmoid(values, center, width, invert)
    if function == "LINEAR_EXACT":
        return lambda values: _linear_exact(values, center, width, invert)
    return lambda values: _linear(values, center, width, invert)


def _first_value(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return None
        value = value[0]
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _min_max(stored: np.ndarray, modality: Transform, invert: bool) -> Transform:
    # dcmtk's +Wm: centre (min + max + 1) / 2 and width max - min + 1, which puts min on black
    # and max on white through the ordinary linear function. The extremes are those of the
    # transformed values (a modality LUT need not be monotonic), gathered band by band.
    low, high = np.inf, -np.inf
    for rows in _bands(stored):
        values = modality(stored[rows])
        low, high = min(low, float(values.min())), max(high, float(values.max()))
    center, width = (low + high + 1) / 2, high - low + 1
    return lambda values: _linear(values, center, width, invert)


def _output_range(invert: bool) -> tuple[float, float]:
    # MONOCHROME1 swaps the ends, and the swap happens before truncation, as in dcmtk.
    return (255.0, 0.0) if invert else (0.0, 255.0)


def _to_uint8(grey: np.ndarray) -> np.ndarray:
    return np.clip(np.trunc(grey), 0, 255).astype(np.uint8)


def _linear(values: np.ndarray, center: float, width: float, invert: bool) -> np.ndarray:
    """PS3.3 C.11.2.1.2.1: the window with the -0.5 and -1 terms."""
    low, high = _output_range(invert)
    if width == 1:  # a threshold at center - 0.5
        return _to_uint8(np.where(values <= center - 0.5, low, high))
    span = high - low
    # Written as offset + x * gradient, the same sum in the same order as dcmtk, so the two
    # agree on which side of a grey level a value falls.
    gradient = span / (width - 1)
    offset = high - ((center - 0.5) / (width - 1) + 0.5) * span
    left = center - 0.5 - (width - 1) / 2
    right = center - 0.5 + (width - 1) / 2
    grey = np.where(values <= left, low, np.where(values > right, high, offset + values * gradient))
    return _to_uint8(grey)


def _linear_exact(values: np.ndarray, center: float, width: float, invert: bool) -> np.ndarray:
    """PS3.3 C.11.2.1.3.2: the window without the -0.5 and -1 terms."""
    low, high = _output_range(invert)
    grey = ((values - center) / width + 0.5) * (high - low) + low
    grey = np.where(values <= center - width / 2, low, grey)
    return _to_uint8(np.where(values > center + width / 2, high, grey))


def _sigmoid(values: np.ndarray, center: float, width: float, invert: bool) -> np.ndarray:
    """PS3.3 C.11.2.1.3.1."""
    low, high = _output_range(invert)
    with np.errstate(over="ignore"):  # far below the centre exp overflows to inf, giving low
        grey = low + (high - low) / (1 + np.exp(-4 * (values - center) / width))
    return _to_uint8(grey)


def _lookup_table(item: Dataset, ds: Dataset) -> tuple[np.ndarray, int, int]:
    """LUT Data of a Modality or VOI LUT item, its first mapped value and its bits per entry."""
    entries, first, bits = (int(v) for v in item.LUTDescriptor)
    entries = entries or 65536  # PS3.3 C.11.1.1: 0 means 2**16 entries
    if first > 32767 and int(ds.get("PixelRepresentation", 0)) == 1:
        first -= 65536  # read as US, but for signed pixels the standard means SS
    raw = item.LUTData
    if isinstance(raw, bytes | bytearray):
        little = ds.original_encoding[1] is not False
        if len(raw) == entries:  # 8-bit entries packed two to a word
            table = np.frombuffer(raw, dtype=np.uint8)
        else:
            table = np.frombuffer(raw, dtype="<u2" if little else ">u2")
    else:
        table = np.asarray(raw if isinstance(raw, Sequence) else [raw], dtype=np.int64)
    if table.size == 0:
        raise RejectedFile("A lookup table in the file has no entries.")
    return table[:entries], first, bits


def _look_up(values: np.ndarray, table: np.ndarray, first: int) -> np.ndarray:
    # Values below the first mapped one take the first entry, values past the end the last.
    positions = np.clip(values.astype(np.int64) - first, 0, table.size - 1)
    return table[positions]
