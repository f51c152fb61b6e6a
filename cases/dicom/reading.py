"""Safe parsing of uploads: decide what a file is and refuse anything unsafe before decoding.

Every failure surfaces as `RejectedFile` with a reason an author can act on; the checks run
on headers only, so a hostile file costs at most one pass over its own bytes.
"""

import io
import os
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO, Literal

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.encaps import generate_fragments, parse_basic_offsets
from pydicom.pixels import get_decoder, pixel_array
from pydicom.pixels.utils import get_expected_length
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)
from pydicom.valuerep import VR

from cases.dicom.errors import RejectedFile

Kind = Literal["dicom", "png", "jpeg", "zip"]

NOT_DICOM = "not a DICOM file"
DAMAGED = "truncated or damaged DICOM file"
NO_PIXELS = "no pixel data"
DAMAGED_IMAGE = "truncated or damaged image"

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_UNDEFINED_LENGTH = 0xFFFFFFFF
_ITEM_TAG_LE = b"\xfe\xff\x00\xe0"

# Pixel data may hold ATLAS_MAX_PIXELS values of this many bytes (16-bit): the bound that
# keeps one file's ingest under the figure the README states.
_BYTES_PER_VALUE = 2
# How much of a file is read to classify it and to find its file meta group.
_HEAD_BYTES = 64 * 1024
# Room for everything that is not pixels when bounding a deflated data set's inflated size.
_HEADER_ALLOWANCE = 16 * 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024

# File meta elements use a 4-byte length after these VRs (PS3.5 7.1.2).
_LONG_LENGTH_VRS = frozenset(
    {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
)

# Interpretations that both pydicom can decode and render.render_frame can draw: anything
# else would pass the upload and fail in the render task. HSV, ARGB and CMYK are retired;
# YBR_PARTIAL_420 (MPEG video) decodes but the renderer has no conversion for it.
_DECODABLE_PHOTOMETRICS = frozenset(
    {"MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422"}
    | {"YBR_ICT", "YBR_RCT"}
)

# JPEG start-of-frame markers (all processes, plus JPEG-LS SOF55) carry the coded image size.
_JPEG_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xF7}
)
_JPEG_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})

_IMAGE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "jpe", "jfif", "gif", "svg", "psd", "tif", "tiff", "bmp", "webp"}
    | {"heic", "heif", "avif", "jp2"}
)
_DICOM_EXTENSIONS = frozenset({"", "dcm", "dicom", "dic", "ima"})


def sniff_kind(data: bytes, filename: str) -> Kind:
    """Classify an upload by its leading bytes; the filename only shapes the refusal text."""
    if not data:
        raise RejectedFile("empty file")
    # The preamble is free-form (dual TIFF/DICOM files exist), so "DICM" wins over magics.
    if data[128:132] == b"DICM":
        return "dicom"
    if data.startswith(_PNG_MAGIC):
        return "png"
    if data.startswith(_JPEG_MAGIC):
        return "jpeg"
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if _looks_like_bare_dataset(data):
        return "dicom"
    raise RejectedFile(_unsupported_reason(data, filename))


def read_dicom(
    data: bytes | BinaryIO, *, max_pixels: int = 64_000_000, max_frames: int = 2000
) -> Dataset:
    """Parse and vet a DICOM upload; the returned dataset's pixel data is still encoded.

    `data` may be an open binary file: it is then read from where it lies, never whole into
    a second buffer, so a file costs its pixel data once.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        return _vet_dicom(stream, max_pixels=max_pixels, max_frames=max_frames)
    except RejectedFile:
        raise
    except Exception as exc:  # callers rely on RejectedFile being the only failure
        raise RejectedFile(DAMAGED) from exc


def _vet_dicom(stream: BinaryIO, *, max_pixels: int, max_frames: int) -> Dataset:
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    has_preamble = head[128:132] == b"DICM"
    if not has_preamble and not _looks_like_bare_dataset(head):
        raise RejectedFile(NOT_DICOM)
    try:
        if has_preamble:
            _refuse_deflate_bomb(stream, head, max_pixels)
            stream.seek(0)
        ds = pydicom.dcmread(stream, force=not has_preamble)
        # pydicom stops quietly when an undefined-length value never ends; a clean read
        # always finishes by hitting the end of the buffer.
        if stream.tell() != size:
            raise ValueError("parsing stopped before the end of the file")
        _load_every_element(ds.file_meta)
        _load_every_element(ds)
    except RejectedFile:
        raise
    except Exception as exc:  # pydicom, struct, zlib and codec errors all mean the same here
        raise RejectedFile(DAMAGED if has_preamble else NOT_DICOM) from exc

    if not has_preamble and "SOPClassUID" not in ds:
        raise RejectedFile(NOT_DICOM)
    if not any(
        ds.get(keyword) for keyword in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
    ):
        raise RejectedFile(NO_PIXELS)
    for keyword in ("SOPClassUID", "SOPInstanceUID"):
        if not ds.get(keyword):
            raise RejectedFile(f"invalid image header: {keyword} is missing")
    if not ds.file_meta.get("TransferSyntaxUID"):
        # Files without a meta header still need one so decoders and writers agree.
        ds.file_meta.TransferSyntaxUID = _syntax_from_encoding(ds)
    _check_image(ds, max_pixels=max_pixels, max_frames=max_frames)
    return ds


def decode_frame(ds: Dataset, index: int = 0) -> np.ndarray:
    """Decode one frame of a dataset from `read_dicom`; codec failures become RejectedFile."""
    try:
        return pixel_array(ds, index=index)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # Rust codecs (pylibjpeg-rle) panic with a BaseException
        syntax = UID(str(getattr(ds, "file_meta", Dataset()).get("TransferSyntaxUID", "")))
        raise RejectedFile(f"could not decode pixel data ({syntax.name or 'unknown'})") from exc


def read_raster(data: bytes | BinaryIO, *, max_pixels: int = 64_000_000) -> Image.Image:
    """Open a PNG or JPEG upload after checking its size and integrity; returns a loaded image.

    The size comes from the header (PNG IHDR, JPEG SOF) and is checked before any pixel is
    decoded, so decoding costs at most `max_pixels` times the bytes of one pixel.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    if head.startswith(_PNG_MAGIC):
        formats = ["PNG"]
    elif head.startswith(_JPEG_MAGIC):
        formats = ["JPEG"]
    else:
        raise RejectedFile(f"not a PNG or JPEG image{_looks_like_suffix(head)}")
    try:
        # Image.open reads the header only and applies Pillow's own bomb check; ours is
        # stricter and does not depend on the process-wide Image.MAX_IMAGE_PIXELS.
        stream.seek(0)
        with Image.open(stream, formats=formats) as probe:
            _check_raster_size(probe.size, len(probe.getbands()), max_pixels)
            probe.verify()
        # verify() leaves the image unusable, so decode from a fresh handle.
        stream.seek(0)
        image = Image.open(stream, formats=formats)
        image.load()
    except RejectedFile:
        raise
    except Image.DecompressionBombError as exc:
        raise RejectedFile(f"image too large: {exc}") from exc
    except Exception as exc:
        raise RejectedFile(DAMAGED_IMAGE) from exc
    return image


def _check_raster_size(size: tuple[int, int], bands: int, max_pixels: int) -> None:
    """Like a DICOM file's, the limit counts values: a colour pixel is three of them."""
    width, height = size
    if width <= 0 or height <= 0:
        raise RejectedFile(f"invalid image header: size is {width}x{height}")
    if width * height * bands > max_pixels:
        shape = f"{width}x{height}" if bands == 1 else f"{width}x{height}x{bands}"
        unit = "pixels" if bands == 1 else "values"
        raise RejectedFile(
            f"image too large: {shape} = {width * height * bands:,} {unit} (limit {max_pixels:,})"
        )


def _looks_like_bare_dataset(data: bytes) -> bool:
    """Whether the bytes open like a data set written without preamble (group 0002 or 0008)."""
    if len(data) < 8:
        return False
    little_group, little_element = data[0] | data[1] << 8, data[2] | data[3] << 8
    big_group, big_element = data[0] << 8 | data[1], data[2] << 8 | data[3]
    return (little_group in (0x0002, 0x0008) and little_element < 0x0100) or (
        big_group == 0x0008 and big_element < 0x0100
    )


def _describe(data: bytes) -> str | None:
    """Name the format a refused file most likely is, for the author's benefit."""
    head = data[:2048]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    signatures: list[tuple[bool, str]] = [
        (head.startswith(b"8BPS"), "Photoshop PSD"),
        (b"<svg" in text, "SVG"),
        (text.startswith((b"<!doctype html", b"<html")), "HTML"),
        (text.startswith(b"<?xml"), "XML"),
        (head.startswith((b"GIF87a", b"GIF89a")), "GIF"),
        (head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")), "TIFF"),
        (head.startswith(b"RIFF") and head[8:12] == b"WEBP", "WebP"),
        (head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif"), "HEIC/AVIF"),
        (head[4:8] == b"ftyp", "MP4/QuickTime video"),
        (head.startswith((b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")), "JPEG 2000"),
        (head.startswith(b"BM"), "BMP"),
        (head.startswith(b"%PDF"), "PDF"),
        (head.startswith(b"\x1f\x8b"), "gzip archive"),
    ]
    return next((name for matched, name in signatures if matched), None)


def _looks_like_suffix(data: bytes) -> str:
    kind = _describe(data)
    return f" (looks like {kind})" if kind else ""


def _unsupported_reason(data: bytes, filename: str) -> str:
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    if extension in _IMAGE_EXTENSIONS:
        expected = "not a PNG or JPEG image"
    elif extension in _DICOM_EXTENSIONS:
        expected = NOT_DICOM
    elif extension == "zip":
        expected = "not a ZIP archive"
    else:
        expected = "unsupported file type"
    return expected + _looks_like_suffix(data)


def _refuse_deflate_bomb(stream: BinaryIO, head: bytes, max_pixels: int) -> None:
    """Inflate a deflated data set in bounded chunks before pydicom inflates it all at once."""
    body_start, syntax = _scan_file_meta(head)
    if syntax != DeflatedExplicitVRLittleEndian.encode():
        return
    # max_pixels counts samples; no pixel format stores more than 8 bytes per sample.
    limit = max_pixels * 8 + _HEADER_ALLOWANCE
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    stream.seek(body_start)
    total = 0
    while chunk := stream.read(_INFLATE_CHUNK):
        pending = chunk
        while pending:
            total += len(inflater.decompress(pending, _INFLATE_CHUNK))
            if total > limit:
                raise RejectedFile(
                    f"image too large: deflated data set expands past {limit:,} bytes"
                )
            pending = inflater.unconsumed_tail


def _scan_file_meta(data: bytes) -> tuple[int, bytes]:
    """Return where the file meta group ends and its transfer syntax; it is always explicit LE."""
    position, syntax = 132, b""
    while position + 8 <= len(data) and data[position : position + 2] == b"\x02\x00":
        element = int.from_bytes(data[position + 2 : position + 4], "little")
        if data[position + 4 : position + 6] in _LONG_LENGTH_VRS:
            length = int.from_bytes(data[position + 8 : position + 12], "little")
            header = 12
        else:
            length = int.from_bytes(data[position + 6 : position + 8], "little")
            header = 8
        if element == 0x0010:
            syntax = data[position + header : position + header + length].rstrip(b"\x00 ")
        position += header + length
    return position, syntax


def _load_every_element(ds: Dataset) -> None:
    """Convert every element now so damage is found here, and not later in a view."""
    for tag in list(ds.keys()):
        raw = ds.get_item(tag)
        # BytesIO.read() returns what is left rather than allocating a claimed 4 GB, so a
        # value shorter than its declared length is how an oversized length shows up.
        if (
            isinstance(raw, RawDataElement)
            and raw.length != _UNDEFINED_LENGTH
            and len(raw.value or b"") < raw.length
        ):
            raise ValueError(f"{tag} is shorter than its declared length")
        element = ds[tag]
        if element.VR == VR.SQ:
            for item in element.value:
                _load_every_element(item)


def _syntax_from_encoding(ds: Dataset) -> UID:
    implicit, little = ds.original_encoding
    if implicit:
        return ImplicitVRLittleEndian
    return ExplicitVRLittleEndian if little is not False else ExplicitVRBigEndian


def _check_image(ds: Dataset, *, max_pixels: int, max_frames: int) -> None:
    """Validate the Image Pixel module against limits and installed decoders."""
    rows = _header_int(ds, "Rows", range(1, 65536))
    columns = _header_int(ds, "Columns", range(1, 65536))
    bits_allocated = _header_int(ds, "BitsAllocated", (1, 8, 16, 32, 64))
    _header_int(ds, "BitsStored", range(1, bits_allocated + 1))
    _header_int(ds, "PixelRepresentation", (0, 1))
    samples = _header_int(ds, "SamplesPerPixel", (1, 3))
    frames = _header_int(ds, "NumberOfFrames", range(1, 2**31), default=1)
    if frames > max_frames:
        raise RejectedFile(f"too many frames: {frames} (limit {max_frames})")
    total = rows * columns * frames * samples
    if total > max_pixels:
        raise RejectedFile(
            f"image too large: {columns}x{rows}, {frames} frame(s) of {samples} sample(s) "
            f"= {total:,} values (limit {max_pixels:,})"
        )
    # Memory follows bytes, not values: wide samples (32 or 64 bits) get fewer of them.
    stored = total * max(bits_allocated, 8) // 8
    if stored > max_pixels * _BYTES_PER_VALUE:
        raise RejectedFile(
            f"image too large: {stored // 2**20} MB of pixel data "
            f"(limit {max_pixels * _BYTES_PER_VALUE // 2**20} MB)"
        )
    photometric = ds.get("PhotometricInterpretation")
    if not isinstance(photometric, str) or not photometric:
        raise RejectedFile("invalid image header: PhotometricInterpretation is missing")
    if photometric.strip() not in _DECODABLE_PHOTOMETRICS:
        raise RejectedFile(f"unsupported photometric interpretation: {photometric.strip()}")

    syntax = UID(str(ds.file_meta.TransferSyntaxUID))
    if not syntax.is_transfer_syntax:
        raise RejectedFile(f"unsupported transfer syntax: {str(syntax)[:64]!r}")
    try:
        available = get_decoder(syntax).is_available
    except NotImplementedError:
        available = False
    if not available:
        raise RejectedFile(f"unsupported compression: {syntax.name}")

    if "PixelData" not in ds:
        return  # float pixel data is never encapsulated and pydicom sizes it itself
    pixels = ds.PixelData
    if syntax.is_encapsulated:
        _check_encapsulated(pixels, rows=rows, columns=columns, frames=frames)
    elif len(pixels) < get_expected_length(ds, "bytes"):
        raise RejectedFile(DAMAGED)


def _header_int(
    ds: Dataset, keyword: str, allowed: range | tuple[int, ...], default: int | None = None
) -> int:
    """Read one integer header attribute and insist it lies in `allowed`."""
    value = ds.get(keyword)
    if value is None or value == "":
        if default is None:
            raise RejectedFile(f"invalid image header: {keyword} is missing")
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RejectedFile(f"invalid image header: {keyword} is {value!r}") from None
    if number not in allowed:
        raise RejectedFile(f"invalid image header: {keyword} is {number}")
    return number


def _check_encapsulated(pixels: bytes, *, rows: int, columns: int, frames: int) -> None:
    """Refuse codestreams claiming a bigger image than the header: codecs size buffers from them.

    Every frame needs at least one fragment of its own; a file with fewer would decode its
    first frame and then fail on a later one, after it had been stored.
    """
    if not pixels.startswith(_ITEM_TAG_LE):
        raise RejectedFile(DAMAGED)
    try:
        buffer = io.BytesIO(pixels)
        parse_basic_offsets(buffer)
        fragments = list(generate_fragments(buffer))
    except Exception as exc:
        raise RejectedFile(DAMAGED) from exc
    if not fragments:
        raise RejectedFile(NO_PIXELS)
    if len(fragments) < frames:
        raise RejectedFile(
            f"damaged pixel data: {frames} frames declared but only {len(fragments)} "
            "compressed fragment(s) present"
        )
    for fragment in fragments:
        coded = _coded_size(fragment)
        if coded and (coded[0] > rows or coded[1] > columns):
            raise RejectedFile(
                f"image too large: a compressed frame is {coded[1]}x{coded[0]} "
                f"but the header says {columns}x{rows}"
            )


def _coded_size(fragment: bytes) -> tuple[int, int] | None:
    """Return (rows, columns) declared by a JPEG, JPEG-LS or JPEG 2000 codestream, if any."""
    if fragment.startswith(b"\xff\xd8"):
        position = 2
        while position + 4 <= len(fragment) and fragment[position] == 0xFF:
            marker = fragment[position + 1]
            if marker == 0xFF:  # fill byte before a marker
                position += 1
                continue
            if marker in _JPEG_STANDALONE_MARKERS:
                position += 2
                continue
            if marker in _JPEG_SOF_MARKERS and position + 9 <= len(fragment):
                rows = int.from_bytes(fragment[position + 5 : position + 7], "big")
                columns = int.from_bytes(fragment[position + 7 : position + 9], "big")
                return (rows, columns) if rows else None  # 0 rows: height comes in a DNL
            if marker == 0xDA:  # scan data started without a frame header
                return None
            position += 2 + int.from_bytes(fragment[position + 2 : position + 4], "big")
        return None
    # JPEG 2000 and HTJ2K: SOC then SIZ, possibly inside JP2 boxes.
    start = fragment.find(b"\xff\x4f\xff\x51", 0, 4096)
    if start < 0 or start + 24 > len(fragment):
        return None
    width, height, x_offset, y_offset = (
        int.from_bytes(fragment[start + offset : start + offset + 4], "big")
        for offset in (8, 12, 16, 20)
    )
    return height - y_offset, width - x_offset
