"""What an upload is, and the files inside it: ZIP archives opened, system clutter skipped.

Nothing is parsed here; `expand` only decides which bytes go on to be read.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

IMPORTED, REJECTED, SKIPPED = "imported", "rejected", "skipped"

_SKIPPED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


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


def expand(files: Iterable[Upload]) -> Iterator[tuple[str, bytes, FileResult | None]]:
    """Yield (name, bytes, None) for each file to read, or (name, b"", result) when decided."""
    max_bytes = settings.ATLAS_MAX_FILE_BYTES
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
        if data.startswith(_ZIP_SIGNATURES):
            yield from _expand_zip(name, data)
        else:
            yield name, data, None


def _is_clutter(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    base = parts[-1].lower()
    return base in _SKIPPED_NAMES or base.startswith("._") or "__MACOSX" in parts


def _expand_zip(name: str, data: bytes) -> Iterator[tuple[str, bytes, FileResult | None]]:
    max_members = settings.ATLAS_ZIP_MAX_MEMBERS
    max_total = settings.ATLAS_ZIP_MAX_BYTES
    max_ratio = settings.ATLAS_ZIP_MAX_RATIO
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
        if content.startswith(_ZIP_SIGNATURES):
            yield member, b"", FileResult(member, REJECTED, "archive inside an archive")
            continue
        yield member, content, None
