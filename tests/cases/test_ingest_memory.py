"""The ingest holds one file's pixels at a time, and never a whole upload or archive member."""

import io
import tracemalloc
import zipfile

import numpy as np
import pytest
from PIL import Image as PILImage

from cases.dicom import reading
from cases.ingest import MemoryUpload
from cases.ingest.prepare import _dataset_from_picture
from cases.ingest.uploads import expand

MB = 1024 * 1024


def traced_peak(work) -> int:
    """Peak bytes Python and numpy allocated while `work` ran."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_member_is_streamed_rather_than_read_whole(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("slices/big.dcm", np.random.default_rng(1).bytes(24 * MB))
    upload = MemoryUpload("export.zip", buffer.getvalue())
    del buffer

    def walk():
        # The member is extracted before it is yielded; nothing here needs to read it.
        assert [early for _name, _handle, early in expand([upload])] == [None]

    assert traced_peak(walk) < 4 * MB


def test_a_16_bit_picture_is_wrapped_without_a_wider_copy():
    picture_bytes = io.BytesIO()
    PILImage.fromarray(np.full((1500, 2000), 1234, dtype=np.uint16)).save(picture_bytes, "PNG")
    picture = reading.read_raster(picture_bytes.getvalue())
    raw = 1500 * 2000 * 2
    assert picture.mode.startswith("I")

    ds = None

    def wrap():
        nonlocal ds
        ds = _dataset_from_picture(picture)

    peak = traced_peak(wrap)
    assert ds.BitsAllocated == 16 and int(ds.pixel_array[0, 0]) == 1234
    assert peak < 3 * raw, f"{peak / raw:.1f} copies of the pixels at once"


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_a_converted_picture_does_not_keep_its_original(mode):
    picture_bytes = io.BytesIO()
    PILImage.new(mode, (1500, 1000)).save(picture_bytes, "PNG")
    picture = reading.read_raster(picture_bytes.getvalue())

    _dataset_from_picture(picture)

    with pytest.raises(ValueError):
        picture.load()  # closed: its decoded pixels are gone


def test_wide_dicom_samples_count_against_the_memory_budget():
    from cases.dicom.errors import RejectedFile
    from tests.cases.dicom.builders import make_ct, to_bytes

    ds = make_ct(rows=64, columns=64)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 32, 32, 31
    ds.PixelData = bytes(64 * 64 * 4)
    data = to_bytes(ds)

    reading.read_dicom(data, max_pixels=64 * 64 * 2)
    with pytest.raises(RejectedFile, match=r"^image too large: 0 MB of pixel data"):
        reading.read_dicom(data, max_pixels=64 * 64)
