"""Rendering a frame holds the frame, its 8-bit result and a few MB, whatever its size."""

import tracemalloc

import numpy as np
import pytest

from cases.dicom.render import render_frame
from tests.cases.dicom.builders import make_ct

MB = 1024 * 1024
SIDE = 4000


def traced_peak(work) -> int:
    """Peak bytes Python and numpy allocated while `work` ran."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def large_ct():
    """A 4000x4000 16-bit CT frame: 32 MB decoded, 16 MB once rendered."""
    ds = make_ct(rows=16, columns=16, RescaleIntercept="-1024", RescaleSlope="1")
    stored = (np.arange(SIDE * SIDE, dtype=np.int32).reshape(SIDE, SIDE) % 4096).astype(np.int16)
    ds.set_pixel_data(stored, "MONOCHROME2", 16)
    return ds


@pytest.mark.parametrize(
    "options",
    [{}, {"preset": "bone"}, {"window": (40.0, 400.0)}, {"preset": "file"}],
    ids=["min-max", "preset", "window", "file-window"],
)
def test_a_large_ct_frame_renders_without_float_copies_of_the_whole_frame(large_ct, options):
    # The decoded frame (32 MB) and the 8-bit result (16 MB) are unavoidable; the arithmetic
    # runs in bands of rows, about 6 MB more (54 MB in all). The renderer this replaced
    # worked on the whole frame in float64 and peaked at 519 MB here.
    peak = traced_peak(lambda: render_frame(large_ct, **options))
    assert peak < 80 * MB, f"{peak / MB:.0f} MB traced"


@pytest.mark.parametrize(
    "attributes",
    [
        {"VOILUTFunction": "SIGMOID"},
        {"VOILUTFunction": "LINEAR_EXACT", "RescaleSlope": "0.37", "RescaleIntercept": "-7.25"},
        {"PhotometricInterpretation": "MONOCHROME1", "WindowCenter": None},
    ],
    ids=["sigmoid", "linear-exact-rescaled", "monochrome1-min-max"],
)
def test_a_frame_rendered_in_bands_equals_the_frame_rendered_at_once(attributes, monkeypatch):
    from cases.dicom import render

    ds = make_ct(rows=300, columns=300, **attributes)
    monkeypatch.setattr(render, "_BAND_PIXELS", 1000)  # bands of three rows
    banded = render_frame(ds)
    monkeypatch.setattr(render, "_BAND_PIXELS", 300 * 300)
    assert np.array_equal(banded, render_frame(ds))
