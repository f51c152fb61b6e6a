"""Frame and fragment counts are checked before anything is stored (issue 8, defect 8)."""

import io

import pytest
from PIL import Image
from pydicom.uid import JPEGBaseline8Bit

from cases.dicom.errors import RejectedFile
from cases.dicom.reading import decode_frame, read_dicom
from tests.cases.dicom.builders import make_us, to_bytes, with_compressed_frames


def _jpeg(side: int = 16) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), 128).save(buffer, "JPEG", quality=95, subsampling=0)
    return buffer.getvalue()


def _us_clip(fragments: int, declared: int) -> bytes:
    ds = with_compressed_frames(make_us(), [_jpeg() for _ in range(fragments)], JPEGBaseline8Bit)
    ds.PhotometricInterpretation = "YBR_FULL"
    ds.NumberOfFrames = declared
    return to_bytes(ds)


def test_multiframe_file_with_fewer_fragments_than_frames_is_refused_before_storing():
    with pytest.raises(RejectedFile) as caught:
        read_dicom(_us_clip(fragments=1, declared=3))
    assert caught.value.reason == (
        "damaged pixel data: 3 frames declared but only 1 compressed fragment(s) present"
    )


def test_multiframe_file_with_a_fragment_per_frame_is_read_and_every_frame_decodes():
    ds = read_dicom(_us_clip(fragments=3, declared=3))
    assert [decode_frame(ds, index).shape for index in range(3)] == [(16, 16, 3)] * 3
