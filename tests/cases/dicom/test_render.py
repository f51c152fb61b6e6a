"""The display pipeline, on small datasets built here so each expected grey level can be
worked out by hand from PS3.3 C.11."""

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import convert_color_space
from pydicom.sequence import Sequence
from pydicom.uid import (
    CTImageStorage,
    EnhancedMRImageStorage,
    MRImageStorage,
    RLELossless,
    XRayAngiographicImageStorage,
)

from cases.dicom.errors import RejectedFile
from cases.dicom.render import (
    FILE_PRESET,
    PRESETS,
    frame_count,
    render_frame,
    sort_stack,
)


def _image(pixels: np.ndarray, photometric: str = "MONOCHROME2", **attributes: object) -> Dataset:
    """A dataset holding `pixels` natively, with whatever module attributes a test needs."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.SOPClassUID = attributes.pop("SOPClassUID", CTImageStorage)
    ds.Modality = attributes.pop("Modality", "CT")
    bits = attributes.pop("BitsStored", 8 * pixels.dtype.itemsize)
    ds.set_pixel_data(pixels, photometric, bits)
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    return ds


def _ct(hounsfield: list[int], photometric: str = "MONOCHROME2", **attributes: object) -> Dataset:
    """One row of CT pixels stored as HU + 1024, the usual rescale."""
    stored = np.array([hounsfield], dtype=np.int16) + 1024
    return _image(stored, photometric, RescaleSlope=1, RescaleIntercept=-1024, **attributes)


def _lut_item(data: list[int], first: int, bits: int) -> Dataset:
    item = Dataset()
    item.LUTDescriptor = [len(data), first, bits]
    item.add_new(0x00283006, "US", data)  # LUT Data, given the US of its ambiguous VR
    return item


def test_a_single_frame_image_without_number_of_frames_has_one_frame() -> None:
    assert frame_count(_ct([0])) == 1


def test_number_of_frames_gives_the_frame_count() -> None:
    ds = _image(np.zeros((3, 2, 2), dtype=np.uint16))
    assert frame_count(ds) == 3


def test_the_file_window_follows_the_linear_function_with_its_half_and_one_terms() -> None:
    # C=40, W=400: black at or below -160 HU, white above 239.5 HU,
    # in between ((x - 39.5) / 399 + 0.5) * 255 truncated.
    ds = _ct([-160, -159, 0, 238, 240], WindowCenter=40, WindowWidth=400)
    assert render_frame(ds).tolist() == [[0, 0, 102, 254, 255]]


def test_only_the_first_of_several_file_windows_is_used() -> None:
    ds = _ct([0], WindowCenter=[40, 400], WindowWidth=[400, 1800])
    assert render_frame(ds).tolist() == [[102]]


def test_a_window_of_width_one_is_a_threshold_at_centre_minus_half() -> None:
    ds = _ct([9, 10, 11], WindowCenter=10.5, WindowWidth=1)
    assert render_frame(ds).tolist() == [[0, 0, 255]]


def test_a_modality_lut_sequence_maps_stored_values_before_the_window() -> None:
    stored = np.array([[0, 1, 2, 3, 50]], dtype=np.uint16)
    ds = _image(stored, ModalityLUTSequence=Sequence([_lut_item([100, 300, 500, 700], 0, 16)]))
    ds.WindowCenter, ds.WindowWidth = 400.5, 601
    # 100 is the left edge (black), 700 the right edge (white); values past the table's end
    # take its last entry.
    assert render_frame(ds).tolist() == [[0, 85, 170, 255, 255]]


def test_a_voi_lut_sequence_is_used_in_preference_to_window_values() -> None:
    ds = _ct([-1, 0, 1, 2, 3])
    ds.VOILUTSequence = Sequence([_lut_item([0, 1024, 2048, 4095], 0, 12)])
    ds.WindowCenter, ds.WindowWidth = 40, 400
    # 12-bit table entries spread over 256 grey levels: v * 256 / 4096.
    assert render_frame(ds).tolist() == [[0, 0, 64, 128, 255]]


def test_a_sigmoid_voi_lut_function_from_the_file_is_honoured() -> None:
    ds = _ct([-200, 0, 200], WindowCenter=0, WindowWidth=400, VOILUTFunction="SIGMOID")
    expected = np.trunc(255 / (1 + np.exp(-4 * np.array([-200, 0, 200]) / 400)))
    assert render_frame(ds).tolist() == [expected.astype(int).tolist()]


def test_linear_exact_drops_the_half_and_one_terms() -> None:
    ds = _ct([-200, -100, 0, 100, 200], WindowCenter=0, WindowWidth=400)
    ds.VOILUTFunction = "LINEAR_EXACT"
    # (x / 400 + 0.5) * 255: exactly 127.5 at the centre, where LINEAR would give 127.8.
    assert render_frame(ds).tolist() == [[0, 63, 127, 191, 255]]


def test_an_explicit_window_replaces_the_file_window() -> None:
    ds = _ct([0], WindowCenter=1000, WindowWidth=10)
    assert render_frame(ds, window=(40, 400)).tolist() == [[102]]


def test_a_preset_applies_its_hounsfield_window() -> None:
    ds = _ct([-500, 400, 1300], WindowCenter=40, WindowWidth=400)
    assert render_frame(ds, preset="bone").tolist() == [[0, 127, 255]]


def test_the_file_preset_shows_the_file_window() -> None:
    ds = _ct([-160, 0, 240], WindowCenter=40, WindowWidth=400)
    assert np.array_equal(render_frame(ds, preset=FILE_PRESET), render_frame(ds))


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        render_frame(_ct([0]), preset="liver")


def test_a_window_and_a_preset_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        render_frame(_ct([0]), window=(40, 400), preset="bone")


def test_without_any_window_the_frame_minimum_is_black_and_maximum_white() -> None:
    ds = _ct([-1000, -500, 0, 1000])
    assert render_frame(ds).tolist() == [[0, 63, 127, 255]]


def test_the_min_max_window_is_taken_from_the_requested_frame_only() -> None:
    frames = np.array([[[0, 100]], [[0, 1000]]], dtype=np.uint16)
    ds = _image(frames)
    # Over the whole stack, 100 would be a dark grey. (The maximum can land a hair under 255
    # in floating point and truncate to 254; dcmtk's +Wm does exactly the same.)
    for index in (0, 1):
        black, white = render_frame(ds, index)[0]
        assert black == 0 and white >= 254


def test_monochrome1_is_shown_inverted() -> None:
    ds = _ct([-160, 0, 240], "MONOCHROME1", WindowCenter=40, WindowWidth=400)
    # Inversion happens before truncation, so 0 HU is trunc(255 - 102.26) = 152.
    assert render_frame(ds).tolist() == [[255, 152, 0]]


def test_monochrome1_without_a_window_shows_its_minimum_white() -> None:
    ds = _ct([-1000, 1000], "MONOCHROME1")
    assert render_frame(ds).tolist() == [[255, 0]]


def _enhanced_mr(shared: Dataset, per_frame: list[Dataset]) -> Dataset:
    frames = np.array([[[100, 200]], [[100, 200]]], dtype=np.uint16)
    ds = _image(frames, SOPClassUID=EnhancedMRImageStorage, Modality="MR")
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    return ds


def _group(slope: float | None = None, center: float | None = None, width: float = 100) -> Dataset:
    group = Dataset()
    if slope is not None:
        transform = Dataset()
        transform.RescaleSlope, transform.RescaleIntercept = slope, 0
        transform.RescaleType = "US"
        group.PixelValueTransformationSequence = Sequence([transform])
    if center is not None:
        voi = Dataset()
        voi.WindowCenter, voi.WindowWidth = center, width
        group.FrameVOILUTSequence = Sequence([voi])
    return group


def test_enhanced_frames_use_their_own_rescale_and_window() -> None:
    ds = _enhanced_mr(_group(), [_group(1, 150.5), _group(2, 300.5, 200)])
    # Frame 1 doubles its values and windows 200..400, so both frames show black then white.
    assert render_frame(ds, 0).tolist() == [[0, 255]]
    assert render_frame(ds, 1).tolist() == [[0, 255]]
    assert render_frame(ds, 1, window=(150.5, 100)).tolist() == [[255, 255]]


def test_enhanced_frames_without_their_own_values_use_the_shared_groups() -> None:
    ds = _enhanced_mr(_group(2, 300.5, 200), [_group(), _group(1, 150.5)])
    assert render_frame(ds, 0).tolist() == [[0, 255]]
    assert render_frame(ds, 1).tolist() == [[0, 255]]
    assert render_frame(ds, 0, window=(300.5, 200)).tolist() == [[0, 255]]


def test_a_frame_is_decoded_without_decoding_the_others() -> None:
    frames = np.arange(3 * 8 * 8, dtype=np.uint16).reshape(3, 8, 8)
    ds = _image(frames, SOPClassUID=MRImageStorage, Modality="MR")
    ds.compress(RLELossless)
    # Corrupt the last frame's RLE header: decoding it, or the whole stack, must fail.
    fragments = list(generate_frames(ds.PixelData, number_of_frames=3))
    fragments[2] = b"\xff" * 64
    ds.PixelData = encapsulate(fragments)
    assert render_frame(ds, 0).shape == (8, 8)
    with pytest.raises(RejectedFile, match="could not decode"):
        render_frame(ds, 2)


def test_an_index_past_the_last_frame_is_refused() -> None:
    with pytest.raises(IndexError):
        render_frame(_ct([0]), 1)


def test_rgb_pixels_are_returned_as_they_are() -> None:
    rgb = np.array([[[255, 0, 0], [0, 128, 255]]], dtype=np.uint8)
    assert np.array_equal(render_frame(_image(rgb, "RGB", Modality="US")), rgb)


def test_ybr_full_pixels_are_converted_to_rgb() -> None:
    rgb = np.array([[[200, 30, 30], [30, 200, 30], [30, 30, 200]]], dtype=np.uint8)
    ybr = convert_color_space(rgb, "RGB", "YBR_FULL")
    shown = render_frame(_image(ybr, "YBR_FULL", Modality="US")).astype(int)
    assert shown.shape == (1, 3, 3)
    assert np.abs(shown - rgb).max() <= 2  # one rounding each way


def test_sixteen_bit_rgb_keeps_its_top_eight_bits() -> None:
    rgb = np.array([[[65535, 32768, 255]]], dtype=np.uint16)
    assert render_frame(_image(rgb, "RGB", Modality="OT")).tolist() == [[[255, 128, 0]]]


def test_palette_color_pixels_go_through_the_palette() -> None:
    ds = _image(np.array([[0, 1, 2]], dtype=np.uint8), "PALETTE COLOR", Modality="US")
    for colour, entries in zip(
        ("Red", "Green", "Blue"), ([0, 65535, 0], [0, 0, 32768], [0, 0, 0]), strict=True
    ):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [3, 0, 16])
        setattr(ds, f"{colour}PaletteColorLookupTableData", np.array(entries, "<u2").tobytes())
    assert render_frame(ds).tolist() == [[[0, 0, 0], [255, 0, 0], [0, 128, 0]]]


def test_a_photometric_interpretation_we_cannot_show_is_rejected() -> None:
    ds = _ct([0])
    ds.PhotometricInterpretation = "HSV"
    with pytest.raises(RejectedFile, match="HSV"):
        render_frame(ds)


def test_an_image_without_pixel_data_is_rejected() -> None:
    ds = _ct([0])
    del ds.PixelData
    with pytest.raises(RejectedFile, match="no pixel data"):
        render_frame(ds)


def test_the_modality_lut_of_an_angiogram_is_not_applied_for_display() -> None:
    stored = np.array([[10, 20]], dtype=np.uint16)
    ds = _image(stored, SOPClassUID=XRayAngiographicImageStorage, Modality="XA")
    ds.RescaleSlope, ds.RescaleIntercept = -1, 1000  # would swap black and white if applied
    assert render_frame(ds).tolist() == [[0, 255]]


def test_the_presets_are_the_usual_ct_windows() -> None:
    assert PRESETS == {
        "soft-tissue": (40, 400),
        "bone": (400, 1800),
        "lung": (-600, 1500),
        "brain": (40, 80),
    }


def _slice(number: int, position: list[float] | None, orientation: list[float]) -> Dataset:
    ds = Dataset()
    ds.InstanceNumber = number
    ds.ImageOrientationPatient = orientation
    if position is not None:
        ds.ImagePositionPatient = position
    return ds


def _numbers(datasets: list[Dataset]) -> list[int]:
    return [int(ds.InstanceNumber) for ds in datasets]


AXIAL = [1, 0, 0, 0, 1, 0]  # normal +z, towards the head
SAGITTAL = [0, 1, 0, 0, 0, -1]  # normal -x, towards the patient's right


def test_an_axial_stack_is_ordered_foot_to_head_whatever_its_instance_numbers() -> None:
    slices = [
        _slice(1, [0, 0, 5], AXIAL),
        _slice(2, [9, 9, -5], AXIAL),
        _slice(3, [0, 0, 0], AXIAL),
    ]
    assert _numbers(sort_stack(slices)) == [2, 3, 1]


def test_a_sagittal_stack_is_ordered_along_its_own_normal() -> None:
    slices = [_slice(1, [-5, 0, 0], SAGITTAL), _slice(2, [5, 3, 3], SAGITTAL)]
    assert _numbers(sort_stack(slices)) == [2, 1]


def test_a_stack_with_a_slice_missing_its_position_falls_back_to_instance_number() -> None:
    slices = [_slice(3, [0, 0, -5], AXIAL), _slice(1, None, AXIAL), _slice(2, [0, 0, 5], AXIAL)]
    assert _numbers(sort_stack(slices)) == [1, 2, 3]


def test_an_empty_stack_sorts_to_an_empty_list() -> None:
    assert sort_stack([]) == []
