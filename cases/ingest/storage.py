"""Where an image's files live: everything of an image sits under its unguessable key.

The de-identified sources are `dicom/<key>/<batch>/<order>.dcm`, a fresh batch folder for
each import; the derivatives are `renditions/<key>/<frame>/<variant>.webp`.
"""

import posixpath
import uuid

import pydicom
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pydicom.dataset import Dataset

from cases.models import Image


def source_path(image: Image, order: int, batch: str = "") -> str:
    # Each import writes into a fresh folder, so replacing pixels never overwrites the files
    # that the committed rows still point to.
    return f"dicom/{image.key}/{batch or uuid.uuid4().hex[:12]}/{order:05d}.dcm"


def rendition_path(image: Image, frame: int, variant: str) -> str:
    return f"renditions/{image.key}/{frame}/{variant}.webp"


def file_write(path: str, data: bytes) -> str:
    """Store `data` at exactly `path`, replacing what was there (storage would pick a new name)."""
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(data))


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
