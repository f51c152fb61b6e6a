"""“Where is it?”: is a tap inside the author's region? Pure, no database.

Regions are the image's circle annotations, stored as the viewer stores them: image
coordinates from 0 to 1, a circle centred on (x1, y1) through (x2, y2), its radius measured in
pixels. A tap counts if it falls inside the circle grown by TOLERANCE of the image's shorter
side, so a finger that lands on the rim of a small lesion is not marked wrong.
"""

import math

TOLERANCE = 0.03  # 3 % of the image's shorter side: about 15 px on a 512 px image


def _on_image(value) -> bool:
    """A coordinate the viewer's schema accepts: a real number from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and 0 <= value <= 1


def region_from_annotations(annotations: list[dict]) -> dict:
    """The first circle drawn on the image, {"x1", "y1", "x2", "y2", "frame"}; {} if none.

    A circle with no radius, which nobody could hit, and one with a point that is not a number
    from 0 to 1, which the viewer refuses to draw, are passed over, so that an image whose
    only region is one of these is never asked about.
    """
    for shape in annotations or []:
        if not isinstance(shape, dict) or shape.get("type") != "circle":
            continue
        values = [shape.get(name) for name in ("x1", "y1", "x2", "y2")]
        if not all(_on_image(value) for value in values):
            continue
        region = dict(zip(("x1", "y1", "x2", "y2"), map(float, values), strict=True))
        if (region["x1"], region["y1"]) != (region["x2"], region["y2"]):
            region["frame"] = shape.get("frame")
            return region
    return {}


def is_inside(region: dict, x: float, y: float, *, width: int, height: int) -> bool:
    """True if the tap (x, y), from 0 to 1, falls within the region plus the tolerance.

    A tap off the image is never inside, even where the grown circle reaches past its edge.
    """
    if not region or width <= 0 or height <= 0:
        return False
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        return False
    if not (_on_image(x) and _on_image(y)):
        return False
    cx, cy = region["x1"] * width, region["y1"] * height
    radius = math.hypot(
        (region["x2"] - region["x1"]) * width, (region["y2"] - region["y1"]) * height
    )
    distance = math.hypot(x * width - cx, y * height - cy)
    return distance <= radius + TOLERANCE * min(width, height)


def circle_in_pixels(region: dict, *, width: int, height: int) -> tuple[float, float, float]:
    """The region as (cx, cy, r) in pixels of a width x height drawing, for the answer's
    picture; (0, 0, 0) without a region."""
    if not region or width <= 0 or height <= 0:
        return 0.0, 0.0, 0.0
    cx, cy = region["x1"] * width, region["y1"] * height
    r = math.hypot((region["x2"] - region["x1"]) * width, (region["y2"] - region["y1"]) * height)
    return round(cx, 1), round(cy, 1), round(r, 1)
