"""Where an image's files live: everything of an image sits under its unguessable key.

The de-identified sources are `dicom/<key>/<batch>/<order>.dcm`, a fresh batch folder for
each import or release; the derivatives are `renditions/<key>/<frame>/<variant>.webp`. Every
write goes through `file_write`, which never leaves a file half-written under its name.
"""

import contextlib
import os
import posixpath
import tempfile
import uuid
from collections.abc import Iterable

import pydicom
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from pydicom.dataset import Dataset

from cases.models import Image

# What a write in progress is called until it is moved into place (`file_write`).
TEMPORARY_SUFFIX = ".partial"


def source_path(image: Image, order: int, batch: str = "") -> str:
    # Each import writes into a fresh folder, so replacing pixels never overwrites the files
    # that the committed rows still point to.
    return f"dicom/{image.key}/{batch or uuid.uuid4().hex[:12]}/{order:05d}.dcm"


def rendition_path(image: Image, frame: int, variant: str) -> str:
    return f"renditions/{image.key}/{frame}/{variant}.webp"


def file_write(path: str, data: bytes) -> str:
    """Store `data` at exactly `path` in one step: a reader sees the old file or the new one.

    On a filesystem the bytes go to a temporary file in the same folder, are flushed to disk
    and moved onto `path` with os.replace(), so a process killed meanwhile leaves at most a
    temporary leftover, which no row points to and `reconcile_media` deletes. A storage
    without local paths (object storage) gets one save(): a single PUT is atomic already.
    """
    final = local_path(path)
    if final is None:
        return _object_write(path, data)
    folder = os.path.dirname(final)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(final)}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private to its owner; keep the storage's usual mode.
        os.chmod(temporary, getattr(default_storage, "file_permissions_mode", None) or 0o644)
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def local_path(name: str) -> str | None:
    """Where `name` lies on the local filesystem, or None for a storage that keeps no files.

    Asked of the class, not of path(): InMemoryStorage answers path() with a name it never
    writes to.
    """
    if isinstance(default_storage, FileSystemStorage):
        return default_storage.path(name)
    return None


def _object_write(path: str, data: bytes) -> str:
    name = default_storage.save(path, ContentFile(data))
    if name != path:
        # A storage that keeps existing files chose another name. Only derivatives are ever
        # written over (sources go to a fresh batch folder), and a derivative lost between the
        # delete and the save is rendered again on its next request.
        default_storage.delete(path)
        default_storage.save(path, ContentFile(data))
        default_storage.delete(name)
    return path


def files_delete(paths: Iterable[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def listing(directory: str) -> list[str]:
    """Every file below `directory`, at any depth; empty when the directory does not exist."""
    if not default_storage.exists(directory):
        return []
    folders, files = default_storage.listdir(directory)
    paths = [posixpath.join(directory, name) for name in files]
    for folder in folders:
        paths += listing(posixpath.join(directory, folder))
    return paths


def rendition_paths(image: Image) -> list[str]:
    return listing(f"renditions/{image.key}")


def media_paths(image: Image) -> list[str]:
    """Every file the image has: its sources and its derivatives."""
    return listing(f"dicom/{image.key}") + rendition_paths(image)


def stored_dataset(path: str) -> Dataset:
    """The stored DICOM file at `path`, read whole."""
    with default_storage.open(path, "rb") as handle:
        return pydicom.dcmread(handle)
