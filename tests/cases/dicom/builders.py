"""Small, valid DICOM datasets built in code, so unit tests never depend on files on disk.

`make_ct`, `make_mr` and `make_us` return a dataset with file meta and native pixel data;
keyword overrides replace any attribute (None deletes it). `to_bytes` turns one into a
Part 10 file, or into a bare data set without preamble and meta.
"""

import io
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pydicom.data
from pydicom.datadict import tag_for_keyword
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    UID,
    CTImageStorage,
    ExplicitVRLittleEndian,
    MRImageStorage,
    UltrasoundImageStorage,
    UltrasoundMultiFrameImageStorage,
    generate_uid,
)


def make_ct(*, rows: int = 16, columns: int = 16, frames: int = 1, **overrides: Any) -> Dataset:
    """A signed 16-bit axial CT slice in Hounsfield-like values."""
    ds = _base("CT", CTImageStorage)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    _add_geometry(ds)
    ds.KVP = "120"
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    values = _ramp(rows, columns, frames, 1) % 2000 - 1000
    _set_pixels(ds, values.astype(np.int16), "MONOCHROME2", bits_stored=16)
    return _apply(ds, overrides)


def make_mr(*, rows: int = 16, columns: int = 16, frames: int = 1, **overrides: Any) -> Dataset:
    """An unsigned 12-bit-in-16 MR slice."""
    ds = _base("MR", MRImageStorage)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "ND"]
    _add_geometry(ds)
    ds.ScanningSequence = "SE"
    ds.SequenceVariant = "NONE"
    ds.MagneticFieldStrength = "1.5"
    ds.EchoTime = "15"
    ds.RepetitionTime = "500"
    values = _ramp(rows, columns, frames, 1) % 4096
    _set_pixels(ds, values.astype(np.uint16), "MONOCHROME2", bits_stored=12)
    return _apply(ds, overrides)


def make_us(*, rows: int = 16, columns: int = 16, frames: int = 1, **overrides: Any) -> Dataset:
    """An 8-bit RGB ultrasound image; BurnedInAnnotation is left unset, as scanners often do."""
    sop_class = UltrasoundImageStorage if frames == 1 else UltrasoundMultiFrameImageStorage
    ds = _base("US", sop_class)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "ABDOMINAL"]
    values = _ramp(rows, columns, frames, 3) % 256
    _set_pixels(ds, values.astype(np.uint8), "RGB", bits_stored=8)
    return _apply(ds, overrides)


def ct_series(count: int, **overrides: Any) -> list[Dataset]:
    """`count` 32x32 slices of one series, 5 mm apart, each slice a uniform value of its own."""
    series = generate_uid()
    slices = []
    for number in range(count):
        ds = make_ct(
            rows=32,
            columns=32,
            SeriesInstanceUID=series,
            InstanceNumber=str(number + 1),
            ImagePositionPatient=["0", "0", str(number * 5)],
            **overrides,
        )
        ds.PixelData = (np.full((32, 32), number * 100, dtype=np.int16)).tobytes()
        slices.append(ds)
    return slices


def to_bytes(ds: Dataset, *, preamble: bool = True) -> bytes:
    """Write `ds` as a Part 10 file, or as a bare data set when `preamble` is False."""
    buffer = io.BytesIO()
    if preamble:
        pydicom.dcmwrite(buffer, ds, enforce_file_format=True)
        return buffer.getvalue()
    syntax = UID(ds.file_meta.TransferSyntaxUID)
    bare = Dataset()
    bare.update(ds)
    pydicom.dcmwrite(
        buffer, bare, implicit_vr=syntax.is_implicit_VR, little_endian=syntax.is_little_endian
    )
    return buffer.getvalue()


def with_compressed_frames(ds: Dataset, frames: list[bytes], transfer_syntax: UID) -> Dataset:
    """Replace the pixel data with already-compressed frames under `transfer_syntax`."""
    ds.file_meta.TransferSyntaxUID = transfer_syntax
    ds.PixelData = encapsulate(frames)
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    return ds


def pydicom_corpus_files() -> list[Path]:
    """Every file of pydicom's own test corpus that is installed locally.

    Listed from the package directory on purpose: pydicom.data.get_testdata_files() also
    tries to download any file of its online map that matches the pattern.
    """
    root = Path(pydicom.data.DATA_ROOT, "test_files")
    return sorted(path for path in root.rglob("*") if path.is_file())


def _base(modality: str, sop_class: UID) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = modality
    ds.PatientName = "Test^Patient"
    ds.PatientID = "TEST-0001"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyDate = "20200101"
    ds.StudyTime = "120000"
    ds.SeriesDate = "20200101"
    ds.ContentDate = "20200101"
    ds.ContentTime = "120000"
    ds.AccessionNumber = ""
    ds.ReferringPhysicianName = ""
    ds.StudyID = "1"
    ds.SeriesNumber = "1"
    ds.InstanceNumber = "1"
    ds.Manufacturer = "Builder"
    ds.PatientOrientation = ""

    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def _add_geometry(ds: Dataset) -> None:
    ds.FrameOfReferenceUID = generate_uid()
    ds.PositionReferenceIndicator = ""
    ds.ImagePositionPatient = ["-100", "-100", "0"]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.PixelSpacing = ["0.5", "0.5"]
    ds.SliceThickness = "1"


def _ramp(rows: int, columns: int, frames: int, samples: int) -> np.ndarray:
    """A diagonal ramp, so a transposed or shifted decode cannot pass for the original."""
    shape = (frames, rows, columns, samples)
    return np.indices(shape).sum(axis=0) * 7 + np.arange(samples)


def _set_pixels(ds: Dataset, values: np.ndarray, photometric: str, *, bits_stored: int) -> None:
    frames, rows, columns, samples = values.shape
    array = values.reshape(
        ((frames,) if frames > 1 else ()) + (rows, columns) + ((samples,) if samples > 1 else ())
    )
    ds.set_pixel_data(array, photometric, bits_stored)
    if frames > 1:
        ds.NumberOfFrames = frames


def _apply(ds: Dataset, overrides: dict[str, Any]) -> Dataset:
    for keyword, value in overrides.items():
        if tag_for_keyword(keyword) is None:
            raise ValueError(f"{keyword} is not a DICOM keyword")
        if value is None:
            if keyword in ds:
                delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    if "SOPInstanceUID" in ds:
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds
