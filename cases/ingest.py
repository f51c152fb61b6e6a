"""Image ingest: uploads in, de-identified DICOM and WebP derivatives out.

Everything an upload contains is parsed, checked and de-identified in memory first
(`ingest_prepare`); only then are rows and files written, in one transaction whose files are
deleted again if it fails (`ingest_commit`). Rendering runs as a task (`image_render`), so a
stack of hundreds of slices does not hold the request.

Nothing here logs or stores a value read from an upload's header before de-identification.
"""

import hashlib
import hmac
import io
import logging
import posixpath
import tempfile
import threading
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pydicom
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete
from django.dispatch import receiver
from PIL import Image as PILImage
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

from cases.dicom import deidentify as deid
from cases.dicom import reading, render
from cases.dicom.derivatives import DERIVATIVE_SIDES, fitted_size
from cases.dicom.errors import RejectedFile

from .models import Case, Image, SourceFile, Study

logger = logging.getLogger(__name__)

# pydicom's warnings quote header values, and an upload's header identifies the patient until
# it has been de-identified: none of them may reach a log, or stderr that a server logs.
logging.getLogger("pydicom").addFilter(lambda record: False)
for _module in (r"pydicom(\.|$)", r"cases\.dicom\.", r"cases\.ingest$"):
    warnings.filterwarnings("ignore", category=UserWarning, module=_module)

IMPORTED, REJECTED, SKIPPED = "imported", "rejected", "skipped"

# Sizes rendered while importing; the others (and every preset) are rendered on first request.
EAGER_SIZES = ("thumb", "display")
# Lower than Pillow's default of 4: a third faster to encode, and no visible difference at
# quality 85 on radiographs and CT.
WEBP_METHOD = 2
WEBP_QUALITY = 85

_DICOMDIR_CLASS = "1.2.840.10008.1.3.10"
_SKIPPED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# ---------------------------------------------------------------------------------------------
# Inputs and results


class Upload(Protocol):
    """What the service reads: Django's UploadedFile and `PathUpload` both fit."""

    name: str

    def read(self, size: int = -1) -> bytes: ...


@dataclass
class MemoryUpload:
    name: str
    data: bytes

    def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


@dataclass
class FileResult:
    """What became of one input file; `reason` is written for the author."""

    path: str
    status: str
    reason: str = ""
    image_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "image_ids": self.image_ids,
        }


@dataclass
class _Part:
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
    groups: list[list[_Part]]
    spool: "_Spool"

    @property
    def accepted(self) -> bool:
        return bool(self.groups)

    @property
    def rejected(self) -> list[FileResult]:
        return [result for result in self.results if result.status == REJECTED]


class _Spool:
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
# Services


def images_ingest(
    *,
    study: Study,
    files: Iterable[Upload],
    by=None,
    on_file: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Import uploads as new images of `study`: one per series, multi-frame file or picture."""
    plan = ingest_prepare(case=study.case, files=files, on_file=on_file)
    ingest_commit(plan=plan, study=study)
    return plan.results


def image_ingest(
    *, image: Image, files: Iterable[Upload], by=None, synthetic: bool = False
) -> list[FileResult]:
    """Give an existing image its pixels; the files must form exactly one image.

    `synthetic` is for generated illustrations only (the demo content): a file that states
    BurnedInAnnotation NO is then taken at its word, whatever its Image Type says.
    """
    plan = ingest_prepare(case=image.study.case, files=files, synthetic=synthetic)
    if len(plan.groups) > 1:
        reason = f"the files form {len(plan.groups)} images; one was expected"
        for result in plan.results:
            if result.status == IMPORTED:
                result.status, result.reason = REJECTED, reason
        plan.groups = []
    ingest_commit(plan=plan, study=image.study, image=image)
    return plan.results


def ingest_prepare(
    *,
    case: Case,
    files: Iterable[Upload],
    on_file: Callable[[FileResult], None] | None = None,
    synthetic: bool = False,
) -> IngestPlan:
    """Read, check and de-identify every file in memory; nothing is written."""
    results: list[FileResult] = []
    parts: list[_Part] = []
    key, offset = case_uid_key(case), case_date_offset(case)
    spool = _Spool()
    max_files = _limit("ATLAS_MAX_FILES", 500)
    count = 0
    for name, data, early in _expand(files):
        count += 1
        if count > max_files:
            result = FileResult(name, REJECTED, f"too many files: over {max_files}")
        elif early is not None:
            result = early
        else:
            result = FileResult(name, IMPORTED)
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
        del data
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
    return IngestPlan(case=case, results=results, groups=_group(parts), spool=spool)


# A new image needs a caption and alt text before the study form can be saved again; until
# the author writes them, say plainly that nobody has described it yet.
_UNDESCRIBED = {
    "caption_en": "Not yet described by the author.",
    "caption_es": "El autor aún no la ha descrito.",
    "alt_text_en": "Image not yet described by the author.",
    "alt_text_es": "Imagen que el autor aún no ha descrito.",
}


def ingest_commit(*, plan: IngestPlan, study: Study, image: Image | None = None) -> list[Image]:
    """Write the plan's images and files in one transaction, then queue their rendering."""
    if not plan.groups:
        return []
    saved: list[str] = []
    replaced: list[str] = []
    images: list[Image] = []
    try:
        with transaction.atomic():
            next_order = (study.images.aggregate(top=Max("order"))["top"] or 0) + 1
            for index, group in enumerate(plan.groups):
                if image is not None:
                    target = Image.objects.select_for_update().get(pk=image.pk)
                    replaced = _media_paths(target)
                    target.sources.all().delete()
                else:
                    target = Image(study=study, order=next_order + index, **_UNDESCRIBED)
                _fill(target, group)
                target.save()
                batch = uuid.uuid4().hex[:12]
                for order, part in enumerate(group):
                    path = _save(source_path(target, order, batch), plan.spool.get(part.clean))
                    saved.append(path)
                    SourceFile.objects.create(
                        image=target, order=order, file=path, frames=part.frames
                    )
                    part.result.image_ids.append(target.pk)
                images.append(target)
            ids = [img.pk for img in images]
            transaction.on_commit(lambda: _after_commit(ids, replaced))
    except BaseException:
        for path in saved:
            default_storage.delete(path)
        for part in (part for group in plan.groups for part in group):
            part.result.image_ids.clear()
        raise
    for img in images:
        img.refresh_from_db()
    return images


def _after_commit(image_ids: list[int], replaced: list[str]) -> None:
    from cases.tasks import render_images

    for path in replaced:
        default_storage.delete(path)
    if image_ids:
        render_images.enqueue(image_ids)


def image_render(image_id: int) -> None:
    """Task body: render the eager derivatives, then mark the image held, ready or failed."""
    images_render([image_id])


def images_render(image_ids: list[int]) -> None:
    """Render several images in one thread pool, so that many small images keep it busy."""
    images = list(Image.objects.filter(pk__in=image_ids).prefetch_related("sources"))
    workers = _limit("ATLAS_RENDER_THREADS", 4)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [(image, _submit_renders(pool, image)) for image in images]
        for image, futures in jobs:
            _finish(image, futures)


def _finish(image: Image, futures: list) -> None:
    try:
        if not futures:
            raise RejectedFile("no pixel data")
        step = max(1, len(futures) // 20)
        for done, future in enumerate(futures, start=1):
            future.result()
            if done % step == 0 and done < len(futures):
                Image.objects.filter(pk=image.pk).update(progress=done * 100 // len(futures))
    except Exception as exc:
        for future in futures:
            future.cancel()
        reason = exc.reason if isinstance(exc, RejectedFile) else "rendering failed"
        # The class name only: messages from decoders can quote header values.
        logger.warning("image %s failed to render: %s", image.pk, type(exc).__name__)
        Image.objects.filter(pk=image.pk).update(
            pixels=Image.Pixels.FAILED, pixels_reason=reason[:300]
        )
        return
    held = bool(image.pixels_reason)
    Image.objects.filter(pk=image.pk).update(
        pixels=Image.Pixels.HELD if held else Image.Pixels.READY, progress=100
    )


def image_release(*, image: Image, rectangles: list[tuple[int, int, int, int]], by=None) -> Image:
    """Blank rectangles (x, y, width, height in source pixels) on every frame and publish."""
    image.refresh_from_db()
    if image.pixels != Image.Pixels.HELD:
        raise ValidationError("Only an image held for review can be released.")
    boxes = _checked_rectangles(rectangles, width=image.width or 0, height=image.height or 0)
    sources = list(image.sources.order_by("order"))
    rewritten: dict[str, bytes] = {}
    for source in sources:
        with default_storage.open(source.file.name, "rb") as handle:
            ds = pydicom.dcmread(handle)
        rewritten[source.file.name] = _blanked(ds, boxes)
    with transaction.atomic():
        for name, data in rewritten.items():
            # Same name again: delete first, or the storage would pick a fresh one.
            default_storage.delete(name)
            default_storage.save(name, ContentFile(data))
        for path in _rendition_paths(image):
            default_storage.delete(path)
        Image.objects.filter(pk=image.pk).update(
            pixels=Image.Pixels.PROCESSING, pixels_reason="", progress=0
        )
    logger.info("image %s released with %d blanked area(s)", image.pk, len(boxes))
    image_render(image.pk)
    image.refresh_from_db()
    return image


# ---------------------------------------------------------------------------------------------
# Storage layout: everything of an image sits under its unguessable key.


def source_path(image: Image, order: int, batch: str = "") -> str:
    # Each import writes into a fresh folder, so replacing pixels never overwrites the files
    # that the committed rows still point to.
    return f"dicom/{image.key}/{batch or uuid.uuid4().hex[:12]}/{order:05d}.dcm"


def rendition_path(image: Image, frame: int, variant: str) -> str:
    return f"renditions/{image.key}/{frame}/{variant}.webp"


def _save(path: str, data: bytes) -> str:
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(data))


def _listing(directory: str) -> list[str]:
    if not default_storage.exists(directory):
        return []
    folders, files = default_storage.listdir(directory)
    paths = [posixpath.join(directory, name) for name in files]
    for folder in folders:
        paths += _listing(posixpath.join(directory, folder))
    return paths


def _rendition_paths(image: Image) -> list[str]:
    return _listing(f"renditions/{image.key}")


def _media_paths(image: Image) -> list[str]:
    return _listing(f"dicom/{image.key}") + _rendition_paths(image)


@receiver(post_delete, sender=Image, dispatch_uid="cases.ingest.delete_image_media")
def _delete_image_media(sender, instance: Image, **kwargs) -> None:
    paths = _media_paths(instance)

    def delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(delete)


# ---------------------------------------------------------------------------------------------
# Reading uploads


def _expand(files: Iterable[Upload]) -> Iterator[tuple[str, bytes, FileResult | None]]:
    """Yield (name, bytes, None) for each file to read, or (name, b"", result) when decided."""
    max_bytes = _limit("ATLAS_MAX_FILE_BYTES", 512 * 1024 * 1024)
    for upload in files:
        name = str(upload.name)
        if _is_clutter(name):
            yield name, b"", FileResult(name, SKIPPED, "not an image (system file)")
            continue
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            limit_mb = max_bytes // (1024 * 1024)
            yield name, b"", FileResult(name, REJECTED, f"file too large (limit {limit_mb} MB)")
            continue
        if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            yield from _expand_zip(name, data)
        else:
            yield name, data, None


def _is_clutter(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    base = parts[-1].lower()
    return base in _SKIPPED_NAMES or base.startswith("._") or "__MACOSX" in parts


def _expand_zip(name: str, data: bytes) -> Iterator[tuple[str, bytes, FileResult | None]]:
    max_members = _limit("ATLAS_ZIP_MAX_MEMBERS", 2000)
    max_total = _limit("ATLAS_ZIP_MAX_BYTES", 1024 * 1024 * 1024)
    max_ratio = _limit("ATLAS_ZIP_MAX_RATIO", 200)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        yield name, b"", FileResult(name, REJECTED, "damaged ZIP archive")
        return
    if len(members) > max_members:
        reason = f"too many files: {len(members)} in the archive (limit {max_members})"
        yield name, b"", FileResult(name, REJECTED, reason)
        return
    claimed = sum(info.file_size for info in members)
    if claimed > max_total:
        reason = (
            f"archive too large: {claimed // 2**20} MB unpacked (limit {max_total // 2**20} MB)"
        )
        yield name, b"", FileResult(name, REJECTED, reason)
        return
    total = 0
    for info in members:
        member = f"{name}/{info.filename}"
        if _is_clutter(info.filename):
            yield member, b"", FileResult(member, SKIPPED, "not an image (system file)")
            continue
        if info.flag_bits & 0x1:
            yield member, b"", FileResult(member, REJECTED, "encrypted archive member")
            continue
        if info.file_size > max_ratio * max(info.compress_size, 1) and info.file_size > 2**20:
            reason = (
                f"archive member expands {info.file_size // max(info.compress_size, 1)}x: refused"
            )
            yield member, b"", FileResult(member, REJECTED, reason)
            continue
        try:
            with archive.open(info) as handle:
                # Read one byte past the claim: a member that lies about its size is refused.
                content = handle.read(info.file_size + 1)
        except Exception:
            yield member, b"", FileResult(member, REJECTED, "damaged ZIP archive member")
            continue
        total += len(content)
        if len(content) != info.file_size or total > max_total:
            yield member, b"", FileResult(member, REJECTED, "damaged ZIP archive member")
            continue
        if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            yield member, b"", FileResult(member, REJECTED, "archive inside an archive")
            continue
        yield member, content, None


def _prepare_one(
    result: FileResult,
    data: bytes,
    *,
    case: Case,
    key: bytes,
    offset: int,
    synthetic: bool,
    spool: "_Spool",
) -> _Part:
    max_pixels = _limit("ATLAS_MAX_PIXELS", 64_000_000)
    kind = reading.sniff_kind(data, result.path)
    if kind == "zip":
        raise RejectedFile("archive inside an archive")
    if kind == "dicom":
        ds = reading.read_dicom(
            data, max_pixels=max_pixels, max_frames=_limit("ATLAS_MAX_FRAMES", 2000)
        )
        if str(ds.get("SOPClassUID", "")) == _DICOMDIR_CLASS:
            raise RejectedFile("DICOMDIR index: no image")
        # Decoding one frame finds damaged or undecodable pixel data now, while the author
        # is still looking at the form, instead of in the task.
        reading.decode_frame(ds, 0)
        held = deid.needs_burned_in_review(ds) or ""
        if synthetic and str(ds.get("BurnedInAnnotation", "")).strip().upper() == "NO":
            held = ""
    else:
        picture = reading.read_raster(data, max_pixels=max_pixels)
        ds = _dataset_from_picture(picture)
        held = "a PNG or JPEG picture can carry burned-in text: review it before publishing"
    del data
    deid.deidentify(ds, key=key, case_id=case.slug, date_offset_days=offset)
    clean = deid.write_clean(ds)
    frames = render.frame_count(ds)
    rows, columns = int(ds.Rows), int(ds.Columns)
    for keyword in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        if keyword in ds:
            delattr(ds, keyword)
    return _Part(result, spool.put(clean), ds, frames, rows, columns, held)


def _dataset_from_picture(picture: PILImage.Image) -> Dataset:
    """Wrap a PNG or JPEG as a Secondary Capture, so one pipeline serves every image."""
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        pixels = np.clip(np.asarray(picture, dtype=np.int64), 0, 65535).astype(np.uint16)
        photometric, bits = "MONOCHROME2", 16
    elif picture.mode in ("1", "L", "LA"):
        pixels, photometric, bits = np.asarray(picture.convert("L")), "MONOCHROME2", 8
    else:
        pixels, photometric, bits = np.asarray(picture.convert("RGB")), "RGB", 8
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


def _group(parts: list[_Part]) -> list[list[_Part]]:
    """Single-frame files of one series (and one size) form a stack; others stand alone."""
    groups: dict[tuple, list[_Part]] = {}
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


def _fill(image: Image, group: list[_Part]) -> None:
    first = group[0].header
    image.modality = str(first.get("Modality", ""))[:16]
    image.frame_count = sum(part.frames for part in group)
    image.width, image.height = group[0].columns, group[0].rows
    center = render._first_value(first.get("WindowCenter"))
    width = render._first_value(first.get("WindowWidth"))
    image.window_center, image.window_width = center, width
    image.renditions = {
        name: fitted_size(image.width, image.height, side)[0]
        for name, side in DERIVATIVE_SIDES.items()
    }
    image.pixels = Image.Pixels.PROCESSING
    image.progress = 0
    reasons = [part.held_reason for part in group if part.held_reason]
    image.pixels_reason = reasons[0][:300] if reasons else ""


# ---------------------------------------------------------------------------------------------
# Rendering


def _frame_sources(image: Image) -> list[tuple[str, int]]:
    """(source path, frame index within it) for every frame of the image, in order."""
    frames = []
    for source in image.sources.order_by("order"):
        frames += [(source.file.name, index) for index in range(source.frames)]
    return frames


def _read_stored(path: str) -> Dataset:
    with default_storage.open(path, "rb") as handle:
        return pydicom.dcmread(handle)


def encode(frame: np.ndarray, side: int) -> bytes:
    """WebP of a rendered frame, fitted within `side`, with no metadata chunk."""
    picture = PILImage.fromarray(frame, mode="L" if frame.ndim == 2 else "RGB")
    size = fitted_size(picture.width, picture.height, side)
    if size != picture.size:
        picture = picture.resize(size, PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(
        buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, exif=b"", xmp="", icc_profile=""
    )
    return buffer.getvalue()


def _submit_renders(pool: ThreadPoolExecutor, image: Image) -> list:
    """One job per source file (a multi-frame file is read once), in frame order."""
    jobs, first = [], 0
    for source in sorted(image.sources.all(), key=lambda source: source.order):
        jobs.append(pool.submit(_render_source, image, source.file.name, first, source.frames))
        first += source.frames
    return jobs


def _render_source(image: Image, path: str, first: int, frames: int) -> None:
    ds = _read_stored(path)
    for index in range(frames):
        number = first + index
        pixels = render.render_frame(ds, index)
        # Every frame gets the display size for scrolling; only the first gets a thumbnail.
        sizes = EAGER_SIZES if number == 0 else ("display",)
        written: dict[tuple[int, int], bytes] = {}
        for size in sizes:
            side = DERIVATIVE_SIDES[size]
            fitted = fitted_size(pixels.shape[1], pixels.shape[0], side)
            if fitted not in written:
                written[fitted] = encode(pixels, side)
            _save(rendition_path(image, number, size), written[fitted])


def rendition_ensure(image: Image, frame: int, size: str, preset: str | None) -> str:
    """Storage path of a derivative, rendering it first if nobody has asked for it before."""
    variant = size if preset is None else f"{size}-{preset}"
    path = rendition_path(image, frame, variant)
    if default_storage.exists(path):
        return path
    frames = _frame_sources(image)
    if not 0 <= frame < len(frames):
        raise RejectedFile("no such frame")
    source, index = frames[frame]
    pixels = render.render_frame(_read_stored(source), index, preset=preset)
    name = default_storage.save(path, ContentFile(encode(pixels, DERIVATIVE_SIDES[size])))
    if name != path:  # another request rendered it meanwhile; keep theirs
        default_storage.delete(name)
    return path


# ---------------------------------------------------------------------------------------------
# Release of held images


def _checked_rectangles(
    rectangles: list[tuple[int, int, int, int]], *, width: int, height: int
) -> list[tuple[int, int, int, int]]:
    boxes = []
    for rectangle in rectangles:
        try:
            x, y, w, h = (int(value) for value in rectangle)
        except (TypeError, ValueError):
            raise ValidationError(
                f"A rectangle must be four whole numbers: {rectangle!r}."
            ) from None
        if w < 1 or h < 1 or x < 0 or y < 0 or x + w > width or y + h > height:
            raise ValidationError(
                f"Rectangle x={x}, y={y}, width={w}, height={h} does not fit inside the "
                f"{width}x{height} image."
            )
        boxes.append((x, y, w, h))
    return boxes


def _blanked(ds: Dataset, boxes: list[tuple[int, int, int, int]]) -> bytes:
    """The file re-written uncompressed with the boxes filled, and BurnedInAnnotation NO."""
    photometric = str(ds.PhotometricInterpretation).strip()
    pixels = ds.pixel_array.copy()
    frames = render.frame_count(ds)
    stack = pixels if frames > 1 else pixels[np.newaxis]
    # Fill with what displays as black: the lowest stored value, or the highest when inverted.
    fill = stack.max() if photometric == "MONOCHROME1" else stack.min()
    if photometric.startswith("YBR") or photometric == "RGB":
        fill = 0
    for x, y, w, h in boxes:
        stack[:, y : y + h, x : x + w, ...] = fill
    if photometric.startswith("YBR"):
        photometric = "RGB"  # pixel_array has already converted the samples
    array = stack if frames > 1 else stack[0]
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.set_pixel_data(
        np.ascontiguousarray(array),
        photometric,
        int(ds.get("BitsStored", 8)),
        generate_instance_uid=False,
    )
    ds.BurnedInAnnotation = "NO"
    return deid.write_clean(ds)
