"""What an upload is, and the files inside it: ZIP archives opened, system clutter skipped.

Nothing is decoded here. `uploads_check` decides from sizes, leading bytes and a ZIP's
central directory alone what is refused at once, cheaply enough for a request; `expand`
hands each file on as an open binary file, a ZIP member streamed to an anonymous temporary
file with a size cap, so no file is ever held whole in memory.
"""

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from cases.dicom import reading
from cases.dicom.errors import RejectedFile

IMPORTED, REJECTED, SKIPPED = "imported", "rejected", "skipped"

_SKIPPED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1024 * 1024
# Enough leading bytes to classify any file (reading.sniff_kind looks at the first 2 KB).
_HEAD = 4096


class Upload(Protocol):
    """What the service reads: Django's UploadedFile, `MemoryUpload`, `PathUpload` and
    `StoredUpload` all fit."""

    name: str

    def read(self, size: int = -1) -> bytes: ...


@dataclass
class MemoryUpload:
    name: str
    data: bytes

    def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


@dataclass
class PathUpload:
    """A file on disk under the name the author knows it by, opened only when it is read:
    a file given to `import_images`, or a staged upload."""

    name: str
    path: Path

    def read(self, size: int = -1) -> bytes:
        with self.path.open("rb") as handle:
            return handle.read(size)


@dataclass
class StoredUpload:
    """A file in the default storage (a staged upload) under the name the author knows it by,
    opened only when it is read: the worker that reads it need not be the machine that
    staged it."""

    name: str
    stored: str

    def read(self, size: int = -1) -> bytes:
        with default_storage.open(self.stored, "rb") as handle:
            return handle.read(size)


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


# ---------------------------------------------------------------------------------------------
# Uploads in a request


class AnonymousUploadedFile(UploadedFile):
    """An upload spooled to a temporary file that has no name, so a killed worker leaves
    nothing behind in the temporary directory (Django's own keeps a named `*.upload` file)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        handle = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
        super().__init__(handle, name, content_type, size, charset, content_type_extra)


class AnonymousFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, writing to an `AnonymousUploadedFile`."""

    def new_file(self, *args, **kwargs) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = AnonymousUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )


def uploads_check(files: Iterable[Upload]) -> tuple[list[FileResult], list[Upload], str]:
    """What can be decided at once, without decoding a pixel or inflating an archive.

    Returns the results decided now, the uploads that go on to the ingest, and the reason
    when the upload is refused as a whole (too many files).
    """
    max_files = settings.ATLAS_MAX_FILES
    decided: list[FileResult] = []
    pending: list[Upload] = []
    count = 0
    for upload in files:
        name = str(upload.name)
        with _opened(upload) as handle:
            result = _decided(name, handle)
            if result is None and _is_zip(handle):
                members = _zip_check(name, handle)
                count += len(members)
                if all(member is not None for member in members) and members:
                    decided += members  # type: ignore[arg-type]
                    continue
            else:
                count += 1
        if result is None:
            pending.append(upload)
        else:
            decided.append(result)
    if count > max_files:
        return decided, pending, f"too many files: {count} (limit {max_files})"
    return decided, pending, ""


def _decided(name: str, handle: BinaryIO) -> FileResult | None:
    """The result of a file that needs no further reading: clutter, too large, or not an
    image at all by its leading bytes."""
    if _is_clutter(name):
        return FileResult(name, SKIPPED, "not an image (system file)")
    if _size(handle) > settings.ATLAS_MAX_FILE_BYTES:
        return FileResult(name, REJECTED, _too_large())
    try:
        reading.sniff_kind(_head(handle), name)
    except RejectedFile as exc:
        return FileResult(name, REJECTED, exc.reason)
    return None


def _zip_check(name: str, handle: BinaryIO) -> list[FileResult | None]:
    """One early result per member, from the central directory only (None: to be read)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            return [result for _, _, result in _zip_members(name, archive)]
    except (_DamagedZip, zipfile.BadZipFile, ValueError, OSError, EOFError):
        return [FileResult(name, REJECTED, "damaged ZIP archive")]
    except _RefusedZip as exc:
        return [FileResult(name, REJECTED, exc.reason)]
    finally:
        handle.seek(0)


# ---------------------------------------------------------------------------------------------
# Expansion, for the ingest itself


def expand(files: Iterable[Upload]) -> Iterator[tuple[str, BinaryIO | None, FileResult | None]]:
    """Yield (name, file, None) for each file to read, or (name, None, result) when decided.

    Each file is open until the next item is asked for; read it before then.
    """
    for upload in files:
        name = str(upload.name)
        with _opened(upload) as handle:
            decided = _decided(name, handle)
            if decided is not None:
                yield name, None, decided
            elif _is_zip(handle):
                yield from _expand_zip(name, handle)
            else:
                yield name, handle, None


class _DamagedZip(Exception):
    pass


class _RefusedZip(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _zip_members(
    name: str, archive: zipfile.ZipFile
) -> Iterator[tuple[str, zipfile.ZipInfo, FileResult | None]]:
    """Every member of an archive, with its refusal when the central directory decides it."""
    max_members = settings.ATLAS_ZIP_MAX_MEMBERS
    max_total = settings.ATLAS_ZIP_MAX_BYTES
    max_ratio = settings.ATLAS_ZIP_MAX_RATIO
    max_bytes = settings.ATLAS_MAX_FILE_BYTES
    try:
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _DamagedZip from exc
    if len(members) > max_members:
        raise _RefusedZip(f"too many files: {len(members)} in the archive (limit {max_members})")
    claimed = sum(info.file_size for info in members)
    if claimed > max_total:
        raise _RefusedZip(
            f"archive too large: {claimed // 2**20} MB unpacked (limit {max_total // 2**20} MB)"
        )
    for info in members:
        member = f"{name}/{info.filename}"
        if _is_clutter(info.filename):
            yield member, info, FileResult(member, SKIPPED, "not an image (system file)")
        elif info.flag_bits & 0x1:
            yield member, info, FileResult(member, REJECTED, "encrypted archive member")
        elif info.file_size > max_bytes:
            yield member, info, FileResult(member, REJECTED, _too_large())
        elif info.file_size > max_ratio * max(info.compress_size, 1) and info.file_size > 2**20:
            ratio = info.file_size // max(info.compress_size, 1)
            yield (
                member,
                info,
                FileResult(member, REJECTED, f"archive member expands {ratio}x: refused"),
            )
        else:
            yield member, info, None


def _expand_zip(
    name: str, handle: BinaryIO
) -> Iterator[tuple[str, BinaryIO | None, FileResult | None]]:
    try:
        archive = zipfile.ZipFile(handle)
        listed = list(_zip_members(name, archive))
    except (_DamagedZip, zipfile.BadZipFile, ValueError, OSError, EOFError):
        yield name, None, FileResult(name, REJECTED, "damaged ZIP archive")
        return
    except _RefusedZip as exc:
        yield name, None, FileResult(name, REJECTED, exc.reason)
        return
    with archive:
        for member, info, decided in listed:
            if decided is not None:
                yield member, None, decided
                continue
            with tempfile.TemporaryFile() as extracted:
                if not _extract(archive, info, extracted):
                    yield member, None, FileResult(member, REJECTED, "damaged ZIP archive member")
                elif _is_zip(extracted):
                    yield member, None, FileResult(member, REJECTED, "archive inside an archive")
                else:
                    yield member, extracted, None


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: BinaryIO) -> bool:
    """Stream one member to `target`; False when it is damaged or not the size it claims."""
    written = 0
    try:
        with archive.open(info) as source:
            # Read past the claim: a member that lies about its size is refused.
            while written <= info.file_size and (chunk := source.read(_CHUNK)):
                target.write(chunk)
                written += len(chunk)
    except Exception:
        return False
    target.seek(0)
    return written == info.file_size


# ---------------------------------------------------------------------------------------------
# Helpers


@contextmanager
def _opened(upload: Upload) -> Iterator[BinaryIO]:
    """The upload as a seekable binary file, at its start."""
    path = getattr(upload, "path", None)
    if path is not None:
        with open(path, "rb") as handle:
            yield handle
    elif isinstance(upload, StoredUpload):
        # Seekable on every storage: S3Storage spools the object to a temporary file, on disk
        # past AWS_S3_MAX_MEMORY_SIZE, which ZIP archives need for their central directory.
        with default_storage.open(upload.stored, "rb") as handle:
            yield handle
    elif isinstance(upload, MemoryUpload):
        yield io.BytesIO(upload.data)
    elif hasattr(upload, "seek"):
        upload.seek(0)
        yield upload  # type: ignore[misc]
        upload.seek(0)
    else:  # any other reader: spooled to an anonymous file in chunks
        with tempfile.TemporaryFile() as spooled:
            while chunk := upload.read(_CHUNK):
                spooled.write(chunk)
            spooled.seek(0)
            yield spooled


def upload_opened(upload: Upload):
    """The upload as a seekable binary file at its start, for a `with` block."""
    return _opened(upload)


def _size(handle: BinaryIO) -> int:
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    return size


def _head(handle: BinaryIO) -> bytes:
    handle.seek(0)
    head = handle.read(_HEAD)
    handle.seek(0)
    return head


def _is_zip(handle: BinaryIO) -> bool:
    return _head(handle).startswith(_ZIP_SIGNATURES)


def _too_large() -> str:
    return f"file too large (limit {settings.ATLAS_MAX_FILE_BYTES // (1024 * 1024)} MB)"


def _is_clutter(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    base = parts[-1].lower()
    return base in _SKIPPED_NAMES or base.startswith("._") or "__MACOSX" in parts
