"""Preparation: every file of an upload read, checked and de-identified, one at a time.

`ingest_prepare` writes nothing the site serves: the de-identified bytes wait in an anonymous
temporary file (the spool) until `ingest_commit` writes them, so a rejected upload leaves
no trace. Close the plan (it is a context manager) once committed, so the spool goes too.
A PNG or JPEG is wrapped as a Secondary Capture first, so one pipeline serves every image.

Memory: each file is read from its own file, one at a time, and only its pixel data is held:
a DICOM file costs about twice its pixel data (the parsed value and the clean copy written
out), a picture about twice its decoded size.
"""

import hashlib
import hmac
import io
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pydicom
from django.conf import settings
from PIL import Image as PILImage
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

from cases.dicom import deidentify as deid
from cases.dicom import reading, render
from cases.dicom.errors import RejectedFile
from cases.models import Case

from .uploads import IMPORTED, REJECTED, FileResult, Upload, expand

logger = logging.getLogger(__name__)

_DICOMDIR_CLASS = "1.2.840.10008.1.3.10"


@dataclass
class Part:
    """One accepted, de-identified DICOM file waiting to be written."""

    result: FileResult
    clean: tuple[int, int]  # (offset, length) in the plan's spool
    header: Dataset  # de-identified, pixel data dropped; kept for grouping and ordering
    frames: int
    rows: int
    columns: int
    held_reason: str


@dataclass
class IngestPlan:
    """The outcome of `ingest_prepare`: accepted parts grouped into images, and every result."""

    case: Case
    results: list[FileResult]
    groups: list[list[Part]]
    spool: "Spool"

    @property
    def accepted(self) -> bool:
        return bool(self.groups)

    @property
    def rejected(self) -> list[FileResult]:
        return [result for result in self.results if result.status == REJECTED]

    def close(self) -> None:
        """Drop the spooled de-identified files; the plan cannot be committed afterwards."""
        self.spool.close()

    def __enter__(self) -> "IngestPlan":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class Spool:
    """De-identified files parked in an anonymous temporary file until the commit.

    Holding a 300-slice stack's clean bytes in memory would double the import's peak; what
    goes to disk here has already been de-identified, and the file has no name to find.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._lock = threading.Lock()

    def put(self, data: bytes) -> tuple[int, int]:
        with self._lock:
            self._file.seek(0, io.SEEK_END)
            offset = self._file.tell()
            self._file.write(data)
        return offset, len(data)

    def get(self, location: tuple[int, int]) -> bytes:
        with self._lock:
            self._file.seek(location[0])
            return self._file.read(location[1])

    def close(self) -> None:
        self._file.close()


# ---------------------------------------------------------------------------------------------
# Per-case secrets


def case_uid_key(case: Case) -> bytes:
    """Secret for this case's UID remapping: stable for the case, unguessable without SECRET_KEY."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"atlas-dicom-uid:{case.pk}".encode(), hashlib.sha256
    ).digest()


def case_date_offset(case: Case) -> int:
    """Days every date of this case moves by: between 1 and 10 years back, never zero."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"atlas-dicom-date:{case.pk}".encode(), hashlib.sha256
    ).digest()
    return -(365 + int.from_bytes(digest[:4], "big") % 3287)


# ---------------------------------------------------------------------------------------------
# Preparation


def ingest_prepare(
    *,
    case: Case,
    files: Iterable[Upload],
    on_file: Callable[[FileResult], None] | None = None,
    synthetic: bool = False,
) -> IngestPlan:
    """Read, check and de-identify every file; nothing the site serves is written."""
    spool = Spool()
    try:
        results, parts = _prepare_all(
            case=case, files=files, on_file=on_file, synthetic=synthetic, spool=spool
        )
    except BaseException:
        spool.close()
        raise
    return IngestPlan(case=case, results=results, groups=_group(parts), spool=spool)


def _prepare_all(
    *,
    case: Case,
    files: Iterable[Upload],
    on_file: Callable[[FileResult], None] | None,
    synthetic: bool,
    spool: Spool,
) -> tuple[list[FileResult], list[Part]]:
    results: list[FileResult] = []
    parts: list[Part] = []
    key, offset = case_uid_key(case), case_date_offset(case)
    max_files = settings.ATLAS_MAX_FILES
    count = 0
    for name, data, early in expand(files):
        count += 1
        if count > max_files:
            result = FileResult(name, REJECTED, f"too many files: over {max_files}")
        elif early is not None:
            result = early
        else:
            result = FileResult(name, IMPORTED)
            assert data is not None
            try:
                parts.append(
                    _prepare_one(
                        result,
                        data,
                        case=case,
                        key=key,
                        offset=offset,
                        synthetic=synthetic,
                        spool=spool,
                    )
                )
            except RejectedFile as exc:
                result.status, result.reason = REJECTED, exc.reason
            except Exception as exc:  # a parser bug must cost one file, not the whole upload
                logger.warning("ingest: unexpected %s reading an upload", type(exc).__name__)
                result.status, result.reason = REJECTED, "truncated or damaged file"
        results.append(result)
        if on_file is not None:
            on_file(result)
    if count > max_files:
        # One oversized batch is refused whole: importing the first N would be a surprise.
        for result in results:
            if result.status == IMPORTED:
                result.status = REJECTED
                result.reason = f"too many files: {count} (limit {max_files})"
        parts = []
    return results, parts


def _prepare_one(
    result: FileResult,
    data: BinaryIO,
    *,
    case: Case,
    key: bytes,
    offset: int,
    synthetic: bool,
    spool: Spool,
) -> Part:
    max_pixels = settings.ATLAS_MAX_PIXELS
    kind = reading.sniff_kind(data.read(4096), result.path)
    data.seek(0)
    if kind == "zip":
        raise RejectedFile("archive inside an archive")
    if kind == "dicom":
        ds = reading.read_dicom(data, max_pixels=max_pixels, max_frames=settings.ATLAS_MAX_FRAMES)
        if str(ds.get("SOPClassUID", "")) == _DICOMDIR_CLASS:
            raise RejectedFile("DICOMDIR index: no image")
        # Decoding one frame finds damaged or undecodable pixel data now, while the author
        # is still looking at the form, instead of in the task.
        reading.decode_frame(ds, 0)
        held = deid.needs_burned_in_review(ds) or ""
        if synthetic and str(ds.get("BurnedInAnnotation", "")).strip().upper() == "NO":
            held = ""
    else:
        ds = _dataset_from_picture(reading.read_raster(data, max_pixels=max_pixels))
        held = "a PNG or JPEG picture can carry burned-in text: review it before publishing"
    deid.deidentify(ds, key=key, case_id=case.code, date_offset_days=offset)
    frames = render.frame_count(ds)
    rows, columns = int(ds.Rows), int(ds.Columns)
    location = spool.put(deid.write_clean(ds))
    for keyword in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        if keyword in ds:
            delattr(ds, keyword)
    return Part(result, location, ds, frames, rows, columns, held)


def _dataset_from_picture(picture: PILImage.Image) -> Dataset:
    """Wrap a PNG or JPEG as a Secondary Capture, so one pipeline serves every image.

    The picture is closed as soon as its pixels are copied out, and no step makes a wider
    copy than the result (a 16-bit picture is clipped in place, never widened to int64), so
    at most two copies of the decoded pixels exist at once.
    """
    with picture:
        if picture.mode in ("I;16", "I;16L"):
            pixels, photometric, bits = np.asarray(picture), "MONOCHROME2", 16
        elif picture.mode in ("I;16B", "I"):
            wide = np.asarray(picture)
            np.clip(wide, 0, 65535, out=wide)
            pixels, photometric, bits = wide.astype("<u2"), "MONOCHROME2", 16
            del wide
        elif picture.mode == "L":
            pixels, photometric, bits = np.asarray(picture), "MONOCHROME2", 8
        elif picture.mode in ("1", "LA"):
            pixels, photometric, bits = _converted(picture, "L"), "MONOCHROME2", 8
        elif picture.mode == "RGB":
            pixels, photometric, bits = np.asarray(picture), "RGB", 8
        else:
            pixels, photometric, bits = _converted(picture, "RGB"), "RGB", 8
    ds = Dataset()
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.StudyInstanceUID = pydicom.uid.generate_uid()
    ds.SeriesInstanceUID = pydicom.uid.generate_uid()
    ds.Modality = "OT"
    ds.ConversionType = "WSD"
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.set_pixel_data(np.ascontiguousarray(pixels), photometric, bits)
    return ds


def _converted(picture: PILImage.Image, mode: str) -> np.ndarray:
    """The picture's pixels in `mode`, its decoded original released first."""
    converted = picture.convert(mode)
    picture.close()  # the original's pixels go now rather than when the caller returns
    with converted:
        return np.asarray(converted)


def _group(parts: list[Part]) -> list[list[Part]]:
    """Single-frame files of one series (and one size) form a stack; others stand alone."""
    groups: dict[tuple, list[Part]] = {}
    for index, part in enumerate(parts):
        series = str(part.header.get("SeriesInstanceUID", ""))
        if part.frames > 1 or not series:
            group_key: tuple = ("alone", index)
        else:
            photometric = str(part.header.get("PhotometricInterpretation", ""))
            group_key = ("series", series, part.rows, part.columns, photometric)
        groups.setdefault(group_key, []).append(part)
    ordered = []
    for group in groups.values():
        by_header = {id(part.header): part for part in group}
        ordered.append([by_header[id(ds)] for ds in render.sort_stack(p.header for p in group)])
    return ordered
