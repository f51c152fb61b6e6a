"""`file_write`: a file appears under its name whole, on a filesystem or an object store."""

import os

import pytest
from django.core.files.storage import default_storage

from cases.ingest.storage import file_write


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(media_root):
    file_write("dicom/k/b/00000.dcm", b"old")
    file_write("dicom/k/b/00000.dcm", b"new")

    assert os.listdir(media_root / "dicom/k/b") == ["00000.dcm"]
    assert (media_root / "dicom/k/b/00000.dcm").read_bytes() == b"new"
    assert os.stat(media_root / "dicom/k/b/00000.dcm").st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(media_root, monkeypatch):
    file_write("renditions/k/0/display.webp", b"old")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        file_write("renditions/k/0/display.webp", b"new")

    assert os.listdir(media_root / "renditions/k/0") == ["display.webp"]
    assert (media_root / "renditions/k/0/display.webp").read_bytes() == b"old"


def test_a_storage_without_local_paths_is_written_through_its_own_api(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    file_write("renditions/k/0/display.webp", b"old")
    file_write("renditions/k/0/display.webp", b"new")

    assert default_storage.listdir("renditions/k/0") == ([], ["display.webp"])
    with default_storage.open("renditions/k/0/display.webp") as handle:
        assert handle.read() == b"new"
