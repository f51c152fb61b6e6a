import io
import random
import struct
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.uid import (
    MPEG2MPML,
    DeflatedExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
)

from cases.dicom import reading
from cases.dicom.errors import RejectedFile
from cases.dicom.reading import decode_frame, read_dicom, read_raster, sniff_kind
from tests.cases.dicom.builders import (
    make_ct,
    make_mr,
    make_us,
    pydicom_corpus_files,
    to_bytes,
    with_compressed_frames,
)

PSD_HEADER = (
    b"8BPS\x00\x01" + bytes(6) + b"\x00\x03\x00\x00\x00\x10\x00\x00\x00\x10\x00\x08\x00\x03"
)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def _png(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg(width: int = 8, height: int = 8, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 128).save(buffer, "JPEG", quality=95, subsampling=0)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR announces a size its tiny IDAT cannot fill."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def _reason(data: bytes, **limits: int) -> str:
    with pytest.raises(RejectedFile) as caught:
        read_dicom(data, **limits)
    return caught.value.reason


def _read_or_reject(data: bytes) -> Dataset | RejectedFile:
    """The only two outcomes read_dicom and decode_frame may have."""
    try:
        ds = read_dicom(data)
        decode_frame(ds)
        return ds
    except RejectedFile as rejection:
        return rejection


# sniff_kind


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (to_bytes(make_ct()), "dicom"),
        (to_bytes(make_ct(), preamble=False), "dicom"),
        (_png(), "png"),
        (_jpeg(), "jpeg"),
        (b"PK\x03\x04" + bytes(26), "zip"),
    ],
)
def test_sniff_kind_recognises_each_accepted_format(data: bytes, kind: str) -> None:
    assert sniff_kind(data, "upload") == kind


def test_sniff_kind_trusts_content_over_extension() -> None:
    assert sniff_kind(_png(), "scan.dcm") == "png"
    assert sniff_kind(to_bytes(make_mr()), "photo.jpg") == "dicom"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SVG, "not a PNG or JPEG image (looks like SVG)"),
        (PSD_HEADER, "not a PNG or JPEG image (looks like Photoshop PSD)"),
        (b"GIF89a" + bytes(20), "not a PNG or JPEG image (looks like GIF)"),
    ],
)
def test_image_of_another_format_renamed_png_is_rejected_with_its_real_format(
    data: bytes, reason: str
) -> None:
    with pytest.raises(RejectedFile) as caught:
        sniff_kind(data, "figure.PNG")
    assert caught.value.reason == reason


def test_pdf_named_dcm_is_rejected_as_not_dicom() -> None:
    with pytest.raises(RejectedFile) as caught:
        sniff_kind(b"%PDF-1.7\n" + bytes(300), "report.dcm")
    assert caught.value.reason == "not a DICOM file (looks like PDF)"


def test_empty_upload_is_rejected() -> None:
    with pytest.raises(RejectedFile, match="empty file"):
        sniff_kind(b"", "x.png")


# read_dicom: accepted files


@pytest.mark.parametrize("make", [make_ct, make_mr, make_us])
def test_valid_file_is_returned_with_pixel_data_still_encoded(make) -> None:
    original = make()
    ds = read_dicom(to_bytes(original))
    assert ds.PixelData == original.PixelData
    assert np.array_equal(decode_frame(ds), original.pixel_array)


def test_file_without_preamble_is_accepted_when_it_is_a_real_image_dataset() -> None:
    original = make_mr()
    ds = read_dicom(to_bytes(original, preamble=False))
    assert ds.SOPClassUID == original.SOPClassUID
    # Decoders need a transfer syntax, which a bare data set does not carry.
    assert ds.file_meta.TransferSyntaxUID == original.file_meta.TransferSyntaxUID
    assert np.array_equal(decode_frame(ds), original.pixel_array)


def test_jpeg_compressed_file_is_accepted_without_decoding() -> None:
    frame = _jpeg(16, 16)
    ds = with_compressed_frames(make_us(), [frame], JPEGBaseline8Bit)
    ds.PhotometricInterpretation = "YBR_FULL"
    read = read_dicom(to_bytes(ds))
    assert frame in read.PixelData
    assert decode_frame(read).shape == (16, 16, 3)


# read_dicom: refusals


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", _png(), bytes(200), b"\x08\x00\x05\x00" + b"garbage" * 30],
)
def test_bytes_that_are_not_dicom_are_rejected(data: bytes) -> None:
    assert _reason(data) == "not a DICOM file"


def test_bare_dataset_without_sop_class_is_not_accepted_as_dicom() -> None:
    assert _reason(to_bytes(make_ct(SOPClassUID=None), preamble=False)) == "not a DICOM file"


def test_file_without_pixel_data_is_rejected() -> None:
    assert _reason(to_bytes(make_ct(PixelData=None))) == "no pixel data"


def test_image_over_the_pixel_budget_is_rejected_from_its_header() -> None:
    assert _reason(to_bytes(make_ct(rows=64, columns=64)), max_pixels=4000).startswith(
        "image too large: 64x64"
    )


def test_header_claiming_a_huge_image_is_rejected_before_the_missing_data_is_noticed() -> None:
    data = to_bytes(make_ct(Rows=60000, Columns=60000, NumberOfFrames="1000"))
    assert _reason(data, max_frames=5000).startswith("image too large: 60000x60000")


def test_too_many_frames_are_rejected() -> None:
    reason = _reason(to_bytes(make_ct(frames=4)), max_frames=3)
    assert reason == "too many frames: 4 (limit 3)"


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"Rows": 0}, "invalid image header: Rows is 0"),
        ({"Columns": None}, "invalid image header: Columns is missing"),
        ({"BitsAllocated": 12}, "invalid image header: BitsAllocated is 12"),
        ({"BitsStored": 17}, "invalid image header: BitsStored is 17"),
        ({"SamplesPerPixel": 4}, "invalid image header: SamplesPerPixel is 4"),
        ({"NumberOfFrames": "0"}, "invalid image header: NumberOfFrames is 0"),
        (
            {"PhotometricInterpretation": None},
            "invalid image header: PhotometricInterpretation is missing",
        ),
    ],
)
def test_absurd_image_header_is_rejected(override: dict, reason: str) -> None:
    assert _reason(to_bytes(make_ct(**override))) == reason


def test_pixel_data_shorter_than_the_header_says_is_rejected() -> None:
    ds = make_ct()
    ds.PixelData = ds.PixelData[:100]
    assert _reason(to_bytes(ds)) == "truncated or damaged DICOM file"


def test_compression_without_a_decoder_is_rejected_by_name() -> None:
    ds = with_compressed_frames(make_us(), [b"\x00\x00\x01\xb3" + bytes(60)], MPEG2MPML)
    assert _reason(to_bytes(ds)) == "unsupported compression: MPEG2 Main Profile / Main Level"


def test_compression_whose_decoder_plugin_is_not_installed_is_rejected(monkeypatch) -> None:
    class MissingDecoder:
        is_available = False

    monkeypatch.setattr(reading, "get_decoder", lambda uid: MissingDecoder())
    ds = with_compressed_frames(make_us(), [_jpeg(16, 16)], JPEGBaseline8Bit)
    assert _reason(to_bytes(ds)) == "unsupported compression: JPEG Baseline (Process 1)"


def test_jpeg_frame_larger_than_the_dicom_header_is_rejected_before_decoding() -> None:
    frame = bytearray(_jpeg(16, 16))
    sof = frame.index(b"\xff\xc0")
    frame[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    ds = with_compressed_frames(make_us(), [bytes(frame)], JPEGBaseline8Bit)
    ds.PhotometricInterpretation = "YBR_FULL"
    assert _reason(to_bytes(ds)) == (
        "image too large: a compressed frame is 60000x60000 but the header says 16x16"
    )


def test_deflated_file_that_inflates_past_the_budget_is_rejected_in_bounded_memory() -> None:
    ds = make_ct(DataSetTrailingPadding=bytes(40 * 1024 * 1024))
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    data = to_bytes(ds)
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    try:
        reason = _reason(data, max_pixels=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason.startswith("image too large: deflated data set expands past")
    assert peak < 24 * 1024 * 1024


def test_small_deflated_file_is_accepted() -> None:
    original = make_mr()
    original.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    assert np.array_equal(decode_frame(read_dicom(to_bytes(original))), original.pixel_array)


# read_dicom: damaged and hostile input


def _with_length(data: bytes, element_header: bytes, length: int) -> bytes:
    at = data.index(element_header) + len(element_header)
    return data[:at] + struct.pack("<I", length) + data[at + 4 :]


@pytest.mark.parametrize(
    ("syntax", "element_header"),
    [
        (None, b"\xe0\x7f\x10\x00OW\x00\x00"),  # explicit VR Pixel Data
        (ImplicitVRLittleEndian, b"\x10\x00\x10\x00"),  # implicit VR Patient's Name
        (None, b"\x08\x00\x40\x11SQ\x00\x00"),  # explicit VR sequence
    ],
)
def test_length_field_claiming_four_gigabytes_is_rejected_without_allocating_it(
    syntax, element_header: bytes
) -> None:
    ds = make_ct(ReferencedImageSequence=[Dataset()])
    if syntax:
        ds.file_meta.TransferSyntaxUID = syntax
    data = _with_length(to_bytes(ds), element_header, 0xFFFFFFF0)
    tracemalloc.start()
    try:
        reason = _reason(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "truncated or damaged DICOM file"
    assert peak < 16 * 1024 * 1024


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_truncation_of_a_valid_file_is_rejected() -> None:
    item = Dataset()
    item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    item.ReferencedSOPInstanceUID = "1.2.3.4"
    data = to_bytes(make_ct(rows=8, columns=8, ReferencedImageSequence=[item]))
    for end in range(0, len(data) - 1):
        with pytest.raises(RejectedFile):
            read_dicom(data[:end])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_compressed_pixel_data_cut_before_its_delimiter_is_reported_as_truncated() -> None:
    ds = with_compressed_frames(make_us(), [_jpeg(16, 16)], JPEGBaseline8Bit)
    data = to_bytes(ds)
    # pydicom drops an undefined-length value that never ends, which would otherwise
    # surface as the misleading "no pixel data".
    assert _reason(data[:-40]) == "truncated or damaged DICOM file"


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "data",
    [
        to_bytes(make_ct(rows=8, columns=8)),
        to_bytes(make_mr(rows=8, columns=8), preamble=False),
        to_bytes(with_compressed_frames(make_us(), [_jpeg(16, 16)], JPEGBaseline8Bit)),
        pydicom.data.get_testdata_file("MR_small_RLE.dcm", download=False),
        pydicom.data.get_testdata_file("JPEG2000.dcm", download=False),
        pydicom.data.get_testdata_file("image_dfl.dcm", download=False),
    ],
    ids=["ct", "bare-mr", "jpeg-us", "rle", "j2k", "deflated"],
)
def test_randomly_corrupted_files_are_read_or_rejected_never_crash(data: bytes | str) -> None:
    if isinstance(data, str):
        with open(data, "rb") as handle:
            data = handle.read()
    rng = random.Random(20240611)
    outcomes = set()
    for _ in range(150):
        corrupted = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
        outcomes.add(type(_read_or_reject(bytes(corrupted))))
    assert outcomes <= {pydicom.Dataset, pydicom.FileDataset, RejectedFile}


CORPUS_ROOT = Path(pydicom.data.DATA_ROOT, "test_files")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "path", pydicom_corpus_files(), ids=lambda path: str(path.relative_to(CORPUS_ROOT))
)
def test_every_pydicom_corpus_file_is_either_decoded_or_rejected_with_a_reason(path: Path) -> None:
    outcome = _read_or_reject(path.read_bytes())
    if isinstance(outcome, RejectedFile):
        assert outcome.reason
    else:
        frame = decode_frame(outcome)
        assert frame.shape[:2] == (outcome.Rows, outcome.Columns)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_corpus_check_accepts_good_files_and_refuses_known_bad_ones() -> None:
    def outcome(name: str) -> Dataset | RejectedFile:
        path = pydicom.data.get_testdata_file(name, download=False)
        with open(path, "rb") as handle:
            return _read_or_reject(handle.read())

    for good in ["CT_small.dcm", "MR_small_RLE.dcm", "JPEG2000.dcm", "SC_rgb_jpeg_dcmtk.dcm"]:
        assert isinstance(outcome(good), Dataset), good
    assert outcome("MR_truncated.dcm").reason == "truncated or damaged DICOM file"
    assert outcome("rtplan.dcm").reason == "no pixel data"
    assert outcome("JPEG2000-embedded-sequence-delimiter.dcm").reason.startswith("image too large")


# read_raster


@pytest.mark.parametrize(("data", "size"), [(_png(4, 3), (4, 3)), (_jpeg(8, 6), (8, 6))])
def test_png_and_jpeg_open_as_loaded_images(data: bytes, size: tuple[int, int]) -> None:
    image = read_raster(data, max_pixels=1000)
    assert image.size == size
    assert image.getpixel((0, 0)) is not None


def test_raster_over_the_pixel_budget_is_rejected() -> None:
    # A colour pixel is three values, as in a DICOM file: 12 pixels are 36 values.
    with pytest.raises(RejectedFile, match=r"^image too large: 4x3x3 = 36 values \(limit 30\)$"):
        read_raster(_png(4, 3), max_pixels=30)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [10_000, 100_000])
def test_png_header_announcing_a_decompression_bomb_is_rejected_without_decoding(
    side: int,
) -> None:
    with pytest.raises(RejectedFile, match="^image too large"):
        read_raster(_png_claiming(side, side), max_pixels=64_000_000)


@pytest.mark.parametrize("data", [_png()[:-20], _jpeg()[:40], _png()[:8] + bytes(50)])
def test_truncated_raster_is_rejected(data: bytes) -> None:
    with pytest.raises(RejectedFile, match="^truncated or damaged image$"):
        read_raster(data, max_pixels=1000)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SVG, "not a PNG or JPEG image (looks like SVG)"),
        (PSD_HEADER, "not a PNG or JPEG image (looks like Photoshop PSD)"),
        (to_bytes(make_ct()), "not a PNG or JPEG image"),
    ],
)
def test_raster_reader_refuses_other_formats(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedFile) as caught:
        read_raster(data, max_pixels=1000)
    assert caught.value.reason == reason
