"""WebP derivatives: the right format, the right sizes, and nothing but pixels inside."""

import io

import numpy as np
import pytest
from PIL import Image

from cases.dicom import derivatives as pipeline
from cases.dicom.derivatives import DERIVATIVE_SIDES, encode_webp, make_derivatives

# Chunks that carry pixels (and the extended header, which only says what else follows).
PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
# Flags in the VP8X header announcing ICC, EXIF and XMP chunks (WebP container spec).
VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04


def _riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level chunks of a WebP file as (fourcc, payload)."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    chunks, position = [], 12
    while position < len(data):
        fourcc = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        chunks.append((fourcc, data[position + 8 : position + 8 + size]))
        position += 8 + size + (size & 1)  # chunks are padded to an even length
    return chunks


def _gradient(height: int, width: int) -> np.ndarray:
    rows = np.linspace(0, 255, height)[:, None]
    columns = np.linspace(0, 255, width)[None, :]
    return ((rows + columns) / 2).astype(np.uint8)


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_derivative_is_a_webp_file() -> None:
    data = encode_webp(_gradient(64, 64), max_side=320)
    assert _decoded(data).format == "WEBP"


def test_a_derivative_carries_no_exif_xmp_or_icc_chunk() -> None:
    for frame in (_gradient(300, 400), np.dstack([_gradient(300, 400)] * 3)):
        chunks = _riff_chunks(encode_webp(frame, max_side=320))
        assert {fourcc for fourcc, _ in chunks} <= PIXEL_CHUNKS
        for fourcc, payload in chunks:
            if fourcc == b"VP8X":
                assert payload[0] & VP8X_METADATA_FLAGS == 0
        assert not {"exif", "xmp", "icc_profile"} & set(
            _decoded(encode_webp(frame, max_side=9)).info
        )


def test_a_large_frame_is_fitted_within_each_side_keeping_its_aspect() -> None:
    derivatives = make_derivatives(_gradient(1500, 3000))
    assert {name: (width, height) for name, (_, width, height) in derivatives.items()} == {
        "thumb": (320, 160),
        "display": (1024, 512),
        "large": (2048, 1024),
    }
    for data, width, height in derivatives.values():
        assert _decoded(data).size == (width, height)


def test_a_portrait_frame_is_fitted_by_its_height() -> None:
    assert _decoded(encode_webp(_gradient(1000, 500), max_side=320)).size == (160, 320)


def test_a_frame_smaller_than_every_side_is_never_upscaled() -> None:
    derivatives = make_derivatives(_gradient(200, 256))
    assert set(derivatives) == set(DERIVATIVE_SIDES)
    for data, width, height in derivatives.values():
        assert (width, height) == (256, 200)
        assert _decoded(data).size == (256, 200)


def test_a_colour_frame_keeps_its_colour() -> None:
    frame = np.zeros((64, 64, 3), dtype=np.uint8)
    frame[..., 0] = 220  # red
    shown = np.asarray(_decoded(encode_webp(frame, max_side=64)).convert("RGB")).astype(int)
    assert shown[..., 0].mean() > 200 and shown[..., 1:].mean() < 20


def test_a_greyscale_frame_keeps_its_grey_levels() -> None:
    frame = _gradient(128, 128)
    shown = np.asarray(_decoded(encode_webp(frame, max_side=128)).convert("L")).astype(int)
    assert np.abs(shown - frame).mean() < 2


def test_a_lower_quality_gives_a_smaller_file() -> None:
    noisy = np.random.default_rng(7).integers(0, 256, size=(256, 256), dtype=np.uint8)
    assert len(encode_webp(noisy, max_side=256, quality=30)) < len(
        encode_webp(noisy, max_side=256, quality=90)
    )


def test_a_frame_that_is_not_8_bit_is_refused() -> None:
    with pytest.raises(ValueError, match="8-bit"):
        encode_webp(np.zeros((4, 4), dtype=np.uint16), max_side=320)


def test_a_side_below_one_pixel_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        encode_webp(_gradient(4, 4), max_side=0)


def test_only_the_sizes_asked_for_are_made() -> None:
    derivatives = make_derivatives(_gradient(1500, 3000), sizes=("thumb", "display"))
    assert {name: (width, height) for name, (_, width, height) in derivatives.items()} == {
        "thumb": (320, 160),
        "display": (1024, 512),
    }


def test_sizes_that_come_out_the_same_are_encoded_once(monkeypatch) -> None:
    calls = []
    real = pipeline.encode_webp
    monkeypatch.setattr(
        pipeline, "encode_webp", lambda frame, **kw: calls.append(kw) or real(frame, **kw)
    )
    made = make_derivatives(_gradient(200, 256))
    assert len(calls) == 1
    assert made["thumb"][0] is made["display"][0] is made["large"][0]


def test_frames_are_encoded_with_the_import_settings_method_2_at_quality_85() -> None:
    frame = _gradient(300, 200)
    expected = io.BytesIO()
    Image.fromarray(frame, mode="L").save(
        expected, "WEBP", quality=85, method=2, exif=b"", xmp="", icc_profile=""
    )
    assert encode_webp(frame, max_side=320) == expected.getvalue()
