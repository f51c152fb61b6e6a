"""Where an image's files live: everything of an image sits under its unguessable key.

The de-identified sources are `dicom/<key>/<batch>/<order>.dcm`, a fresh batch folder for
each import or release; the derivatives are `renditions/<key>/<frame>/<variant>.webp`. Every
write goes through `file_write`, which never leaves a file half-written under its name.

The default storage is a local folder (FileSystemStorage) or a bucket of S3-compatible object
storage (django-storages' S3Storage, `MEDIA_STORAGE=s3`). Everything here works on both, and
on any other Django storage through its own API; the bucket gets a few shortcuts that save a
request per file (`listing`, `modified_times`, `files_delete`, `stored_stream`).
"""

import contextlib
import io
import os
import posixpath
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import pydicom
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from pydicom.dataset import Dataset

from cases.models import Image

# What a write in progress is called until it is moved into place (`file_write`).
TEMPORARY_SUFFIX = ".partial"
# Keys one DeleteObjects request may name.
_DELETE_BATCH = 1000
_CHUNK = 1024 * 1024


def source_path(image: Image, order: int, batch: str = "") -> str:
    # Each import writes into a fresh folder, so replacing pixels never overwrites the files
    # that the committed rows still point to.
    return f"dicom/{image.key}/{batch or uuid.uuid4().hex[:12]}/{order:05d}.dcm"


def rendition_path(image: Image, frame: int, variant: str) -> str:
    return f"renditions/{image.key}/{frame}/{variant}.webp"


def file_write(path: str, data: bytes | BinaryIO) -> str:
    """Store `data` (bytes, or a binary file read in chunks) at exactly `path` in one step:
    a reader sees the old file or the new one.

    On a filesystem the bytes go to a temporary file in the same folder, are flushed to disk
    and moved onto `path` with os.replace(), so a process killed meanwhile leaves at most a
    temporary leftover, which no row points to and `reconcile_media` deletes. A storage
    without local paths (object storage) gets one save() under the final name: an S3 PUT, and
    the multipart upload boto3 uses for large files, makes the object appear only once it is
    complete, so there is nothing to rename.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    final = local_path(path)
    if final is None:
        return _object_write(path, stream)
    folder = os.path.dirname(final)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(final)}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as target:
            shutil.copyfileobj(stream, target, _CHUNK)
            target.flush()
            os.fsync(target.fileno())
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
    writes to, and S3Storage raises NotImplementedError.
    """
    if isinstance(default_storage, FileSystemStorage):
        return default_storage.path(name)
    return None


def _object_write(path: str, stream: BinaryIO) -> str:
    name = default_storage.save(path, File(stream))
    if name != path:
        # A storage that keeps existing files chose another name (S3Storage is configured to
        # overwrite, so this is for other storages). Only derivatives are ever written over
        # (sources go to a fresh batch folder), and a derivative lost between the delete and
        # the save is rendered again on its next request.
        default_storage.delete(path)
        stream.seek(0)
        default_storage.save(path, File(stream))
        default_storage.delete(name)
    return path


def _bucket_storage():
    """The default storage when it is an S3 bucket (django-storages), else None."""
    if isinstance(default_storage, FileSystemStorage):
        return None
    # Imported here: boto3 costs start-up time that a filesystem deployment need not pay.
    from storages.backends.s3 import S3Storage

    return default_storage._wrapped if isinstance(default_storage, S3Storage) else None


def _key(storage, name: str) -> str:
    """The object key of a storage name: under the storage's location (AWS_LOCATION)."""
    location = storage.location.strip("/")
    return posixpath.join(location, name) if location else name


def _bucket_objects(storage, directory: str):
    """(name, object summary) of every object under `directory`, from one paginated LIST."""
    location = storage.location.strip("/")
    prefix = posixpath.join(location, directory.strip("/"), "") if location else f"{directory}/"
    for summary in storage.bucket.objects.filter(Prefix=prefix):
        name = summary.key[len(location) + 1 :] if location else summary.key
        yield name, summary


def listing(directory: str) -> list[str]:
    """Every file below `directory`, at any depth; empty when the directory does not exist."""
    bucket = _bucket_storage()
    if bucket is not None:
        # A bucket has no folders: one prefix LIST instead of one request per level.
        return [name for name, _summary in _bucket_objects(bucket, directory)]
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    paths = [posixpath.join(directory, name) for name in files]
    for folder in folders:
        paths += listing(posixpath.join(directory, folder))
    return paths


def modified_times(directory: str) -> dict[str, datetime]:
    """When each file below `directory` was last written, by its storage name."""
    bucket = _bucket_storage()
    if bucket is not None:
        # The LIST answer carries each object's time: no HEAD request per object.
        return {name: summary.last_modified for name, summary in _bucket_objects(bucket, directory)}
    times = {}
    for path in listing(directory):
        with contextlib.suppress(FileNotFoundError):  # deleted since the listing
            times[path] = default_storage.get_modified_time(path)
    return times


def files_delete(paths: Iterable[str]) -> None:
    paths = list(paths)
    bucket = _bucket_storage()
    if bucket is None:
        for path in paths:
            default_storage.delete(path)
        return
    keys = [_key(bucket, path) for path in paths]
    # A thousand keys per request: an image's hundreds of derivatives go in one or two.
    for start in range(0, len(keys), _DELETE_BATCH):
        objects = [{"Key": key} for key in keys[start : start + _DELETE_BATCH]]
        bucket.bucket.delete_objects(Delete={"Objects": objects, "Quiet": True})


def folder_delete(directory: str) -> None:
    """Delete every file below `directory`, and on a filesystem the folder itself."""
    files_delete(listing(directory))
    folder = local_path(directory)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class StoredStream:
    """A stored file open for reading, with what a response needs to know about it."""

    handle: BinaryIO
    size: int | None  # None: the caller may ask the handle itself
    modified: datetime


def stored_stream(path: str) -> StoredStream:
    """A stored file opened for reading from its start; FileNotFoundError when it is absent.

    From a bucket this is one GET, whose answer carries the size and time too: S3Storage's
    own open() would first download the whole object to a temporary file, which for a source
    of hundreds of MB delays the first byte by as long, and ask its time with another request.
    """
    bucket = _bucket_storage()
    if bucket is None:
        handle = default_storage.open(path, "rb")
        return StoredStream(handle, None, default_storage.get_modified_time(path))
    from botocore.exceptions import ClientError

    try:
        # Not open(): S3File asks for the object's metadata (a HEAD) before the GET.
        answer = bucket.bucket.Object(_key(bucket, path)).get()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise FileNotFoundError(path) from None
        raise
    return StoredStream(answer["Body"], answer["ContentLength"], answer["LastModified"])


def rendition_paths(image: Image) -> list[str]:
    return listing(f"renditions/{image.key}")


def media_paths(image: Image) -> list[str]:
    """Every file the image has: its sources and its derivatives."""
    return listing(f"dicom/{image.key}") + rendition_paths(image)


def stored_dataset(path: str) -> Dataset:
    """The stored DICOM file at `path`, read whole."""
    with default_storage.open(path, "rb") as handle:
        return pydicom.dcmread(handle)
