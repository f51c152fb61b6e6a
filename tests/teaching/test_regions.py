"""“Where is it?”: which taps land on the author's circle (teaching/lib/regions.py)."""

import math

import pytest

from teaching.lib.regions import is_inside, region_from_annotations


def circle(x1: float, y1: float, x2: float, y2: float, frame=None) -> dict:
    return {"type": "circle", "frame": frame, "x1": x1, "y1": y1, "x2": x2, "y2": y2}


ARROW = {"type": "arrow", "frame": None, "x1": 0.1, "y1": 0.1, "x2": 0.5, "y2": 0.5}
LABEL = {"type": "label", "frame": None, "x1": 0.2, "y1": 0.2, "text": "here"}

# A 500 px square with a circle of 50 px round its middle: the tolerance is 15 px, so a tap
# counts up to 65 px from the centre.
SIDE = 500
MIDDLE = region_from_annotations([circle(0.5, 0.5, 0.6, 0.5)])


def tap_right_of_centre(pixels: float) -> bool:
    return is_inside(MIDDLE, 0.5 + pixels / SIDE, 0.5, width=SIDE, height=SIDE)


def test_a_tap_on_the_centre_is_inside():
    assert is_inside(MIDDLE, 0.5, 0.5, width=SIDE, height=SIDE)


def test_a_tap_on_the_rim_is_inside_whichever_way_from_the_centre():
    assert is_inside(MIDDLE, 0.6, 0.5, width=SIDE, height=SIDE)
    assert is_inside(MIDDLE, 0.5, 0.4, width=SIDE, height=SIDE)
    assert is_inside(MIDDLE, 0.4, 0.5, width=SIDE, height=SIDE)


def test_a_tap_just_outside_the_rim_but_within_the_tolerance_is_inside():
    assert tap_right_of_centre(50 + 14.9)
    # Diagonally too: the tolerance grows the circle, not a square round it.
    step = (50 + 14.9) / math.sqrt(2) / SIDE
    assert is_inside(MIDDLE, 0.5 + step, 0.5 + step, width=SIDE, height=SIDE)


def test_a_tap_just_beyond_the_tolerance_is_outside():
    assert not tap_right_of_centre(50 + 15.5)
    step = (50 + 15.5) / math.sqrt(2) / SIDE
    assert not is_inside(MIDDLE, 0.5 - step, 0.5 - step, width=SIDE, height=SIDE)


def test_on_a_wide_radiograph_distances_are_measured_in_real_pixels():
    # 1024 x 512: the circle's radius is 5 % of the width, 51.2 px, and the tolerance 3 % of
    # the height, 15.36 px, so a tap counts up to 66.56 px away in any direction. In image
    # coordinates the same distance is twice as long downwards as sideways.
    width, height = 1024, 512
    region = region_from_annotations([circle(0.5, 0.5, 0.55, 0.5)])
    assert is_inside(region, 0.5, 0.5 + 66 / height, width=width, height=height)
    assert not is_inside(region, 0.5, 0.5 + 67 / height, width=width, height=height)
    assert is_inside(region, 0.5 + 66 / width, 0.5, width=width, height=height)
    assert not is_inside(region, 0.5 + 67 / width, 0.5, width=width, height=height)


def test_on_a_wide_radiograph_a_circle_drawn_downwards_has_its_radius_in_pixels_too():
    width, height = 1024, 512
    region = region_from_annotations([circle(0.5, 0.5, 0.5, 0.6)])  # 51.2 px, as above
    assert is_inside(region, 0.5 + 66 / width, 0.5, width=width, height=height)
    assert not is_inside(region, 0.5 + 67 / width, 0.5, width=width, height=height)


@pytest.mark.parametrize("annotations", [None, [], [ARROW], [LABEL], [ARROW, LABEL]])
def test_an_image_with_no_circle_has_no_region_and_no_tap_is_inside(annotations):
    region = region_from_annotations(annotations)
    assert region == {}
    assert not is_inside(region, 0.5, 0.5, width=SIDE, height=SIDE)


def test_the_region_is_the_first_circle_with_its_frame():
    region = region_from_annotations(
        [ARROW, circle(0.2, 0.3, 0.25, 0.3, frame=2), circle(0.7, 0.7, 0.8, 0.7)]
    )
    assert region == {"x1": 0.2, "y1": 0.3, "x2": 0.25, "y2": 0.3, "frame": 2}


def test_a_degenerate_circle_is_no_region():
    assert region_from_annotations([circle(0.4, 0.4, 0.4, 0.4)]) == {}


def test_a_degenerate_circle_gives_way_to_the_next_one():
    region = region_from_annotations([circle(0.4, 0.4, 0.4, 0.4), circle(0.7, 0.7, 0.8, 0.7)])
    assert (region["x1"], region["y1"]) == (0.7, 0.7)


@pytest.mark.parametrize(
    "shape",
    [
        circle(0.5, 0.5, 1.4, 0.5),  # off the image
        circle(0.5, float("nan"), 0.6, 0.5),
        circle(0.5, 0.5, float("inf"), 0.5),
        circle(True, 0.5, 0.6, 0.5),
        circle("0.5", 0.5, 0.6, 0.5),
        {"type": "circle", "frame": None, "x1": 0.5, "y1": 0.5},  # no rim point
        "circle",
    ],
)
def test_a_circle_the_viewer_would_refuse_to_draw_is_no_region(shape):
    assert region_from_annotations([shape]) == {}


def test_a_tap_off_the_image_is_outside_even_where_the_tolerance_reaches_past_the_edge():
    at_the_edge = region_from_annotations([circle(0.98, 0.5, 0.98, 0.55)])
    assert is_inside(at_the_edge, 1.0, 0.5, width=SIDE, height=SIDE)
    assert not is_inside(at_the_edge, 1.01, 0.5, width=SIDE, height=SIDE)
    assert not is_inside(at_the_edge, float("nan"), 0.5, width=SIDE, height=SIDE)


def test_an_image_of_unknown_size_has_no_tap_inside():
    assert not is_inside(MIDDLE, 0.5, 0.5, width=0, height=SIDE)
    assert not is_inside(MIDDLE, 0.5, 0.5, width=SIDE, height=0)
