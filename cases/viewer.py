"""The image viewer: its state from the query string, the images it shows, and the overlay.

Frames are counted from 1 in the address and on screen, as a radiologist counts slices;
media addresses count from 0. Annotations are stored in image coordinates from 0 to 1 and
drawn here in source pixels, so the overlay's viewBox is the image's own size.
"""

import math
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Case, Image
from .permissions import sees_unreleased_images

ANNOTATION_TYPES = ("arrow", "circle", "label")
MAX_ANNOTATIONS = 50
MAX_LABEL_LENGTH = 80
# The schema nests two levels (a list of shapes); json.loads recurses once per level and
# fails with RecursionError somewhere below a thousand, so depth is checked before decoding.
MAX_ANNOTATION_DEPTH = 20

PRESET_LABELS = {
    "file": gettext_lazy("Default"),
    "soft-tissue": gettext_lazy("Soft tissue"),
    "bone": gettext_lazy("Bone"),
    "lung": gettext_lazy("Lung"),
    "brain": gettext_lazy("Brain"),
}
# The key that picks each window; D is the image's default, the window stored with it.
PRESET_KEYS = {"file": "D", "soft-tissue": "1", "bone": "2", "lung": "3", "brain": "4"}


@dataclass(frozen=True)
class ViewerState:
    frame: int  # from 1
    preset: str
    annotations: bool
    # Opened from a revealed case (reveal=1): the full caption, and annotations on by default.
    # Otherwise the image is read as an unknown: neutral caption, annotations off.
    revealed: bool = False

    def query(self, **changes) -> str:
        state = replace(self, **changes)
        params = {"frame": state.frame, "preset": state.preset, "ann": int(state.annotations)}
        if state.revealed:
            params["reveal"] = 1
        return "?" + urlencode(params)


def viewer_state(params, image: Image) -> tuple[ViewerState, list[str]]:
    """The state asked for, with every bad value replaced by the default and explained.

    A frame number past either end is clamped (a shared link to slice 40 of a 30-slice
    stack still shows something useful); words where numbers belong, unknown windows and
    an `ann` other than 0 or 1 are errors the page reports.
    """
    errors = []
    last = max(image.frame_count, 1)
    frame = 1
    raw_frame = params.get("frame", "").strip()
    if raw_frame:
        try:
            frame = min(max(int(raw_frame), 1), last)
        except ValueError:
            errors.append(
                _("The frame must be a whole number from 1 to %(last)d.") % {"last": last}
            )
    presets = image.preset_names
    preset = params.get("preset", "").strip() or presets[0]
    if preset not in presets:
        names = ", ".join(str(PRESET_LABELS.get(name, name)) for name in presets)
        errors.append(
            _("This image has no window called “%(preset)s”. It offers: %(names)s.")
            % {"preset": preset[:40], "names": names}
        )
        preset = presets[0]
    raw_reveal = params.get("reveal", "0").strip() or "0"
    if raw_reveal not in ("0", "1"):
        errors.append(_("The diagnosis can be shown (reveal=1) or hidden (reveal=0)."))
        raw_reveal = "0"
    revealed = raw_reveal == "1"
    # Annotations point at the answer: off until the case is revealed, unless asked for.
    default_ann = "1" if revealed else "0"
    raw_ann = params.get("ann", default_ann).strip() or default_ann
    if raw_ann not in ("0", "1"):
        errors.append(_("Annotations can be shown (ann=1) or hidden (ann=0)."))
        raw_ann = default_ann
    return ViewerState(frame, preset, raw_ann == "1", revealed), errors


def image_for_viewer(user, *, code: str, key) -> Image | None:
    """The image with its study and case, if this user may look at it (one query)."""
    qs = Image.objects.select_related("study__case").filter(key=key, study__case__code=code)
    return _readable(qs, user).first()


def old_viewer_address(user, *, slug: str, key) -> str | None:
    """The viewer's address for an image reached by its case's old address, or None."""
    qs = Image.objects.filter(key=key, study__case__slug=slug)
    code = _readable(qs, user).values_list("study__case__code", flat=True).first()
    return reverse("cases:image", args=[code, key]) if code else None


def _readable(qs, user):
    if not sees_unreleased_images(user):
        qs = qs.filter(pixels=Image.Pixels.READY, study__case__status=Case.Status.PUBLISHED)
    return qs


def case_panels(user, case: Case) -> list[Image]:
    """Every image of the case the user may see, in figure order, for the panel strip."""
    qs = Image.objects.filter(study__case=case).order_by("study__order", "study_id", "order")
    if not sees_unreleased_images(user):
        qs = qs.filter(pixels=Image.Pixels.READY)
    return list(qs)


# -- annotations -------------------------------------------------------------------------------


def _unit(value, name: str, index: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(
            _("Annotation %(n)d: %(name)s must be a number from 0 to 1.")
            % {"n": index, "name": name}
        )
    if not 0 <= value <= 1:
        raise ValidationError(
            _("Annotation %(n)d: %(name)s must be between 0 and 1 (the image's edges).")
            % {"n": index, "name": name}
        )
    return float(value)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_nesting(text: str) -> int:
    """How deep JSON text nests arrays and objects, counted without decoding it."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def clean_annotations(value, *, frame_count: int | None = None) -> list[dict]:
    """Check annotations against the schema and return them normalised; ValidationError if not.

    Each item is {"type": "arrow"|"circle"|"label", "frame": int or null, "x1", "y1", "x2",
    "y2"} in image coordinates from 0 to 1; a label has "x1", "y1" and "text" instead.
    """
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("Annotations must be a list of shapes."))
    if len(value) > MAX_ANNOTATIONS:
        raise ValidationError(
            _("At most %(max)d annotations per image.") % {"max": MAX_ANNOTATIONS}
        )
    cleaned = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValidationError(_("Annotation %(n)d is not a shape.") % {"n": index})
        kind = item.get("type")
        if kind not in ANNOTATION_TYPES:
            raise ValidationError(
                _("Annotation %(n)d: the type must be arrow, circle or label.") % {"n": index}
            )
        frame = item.get("frame")
        if frame is not None:
            if isinstance(frame, bool) or not isinstance(frame, int) or frame < 0:
                raise ValidationError(
                    _("Annotation %(n)d: the frame must be empty or a frame number from 0.")
                    % {"n": index}
                )
            if frame_count and frame >= frame_count:
                raise ValidationError(
                    _("Annotation %(n)d: the image has only %(count)d frames.")
                    % {"n": index, "count": frame_count}
                )
        shape = {"type": kind, "frame": frame}
        names = ("x1", "y1") if kind == "label" else ("x1", "y1", "x2", "y2")
        for name in names:
            shape[name] = _unit(item.get(name), name, index)
        if kind == "label":
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(_("Annotation %(n)d: a label needs text.") % {"n": index})
            if len(text) > MAX_LABEL_LENGTH:
                raise ValidationError(
                    _("Annotation %(n)d: keep a label under %(max)d characters.")
                    % {"n": index, "max": MAX_LABEL_LENGTH}
                )
            shape["text"] = text.strip()
        cleaned.append(shape)
    return cleaned


@dataclass(frozen=True)
class Shape:
    """One annotation in source pixels, ready for the SVG overlay."""

    type: str
    frame: int | None  # from 0, None on every frame
    x1: float
    y1: float
    x2: float = 0
    y2: float = 0
    r: float = 0
    text: str = ""

    def shown_on(self, frame: int) -> bool:
        return self.frame is None or self.frame == frame


def overlay_shapes(image: Image) -> list[Shape]:
    """The image's annotations in pixel coordinates; stored data that fails the schema is skipped
    whole rather than half drawn, so a bad edit elsewhere never breaks the page."""
    try:
        annotations = clean_annotations(image.annotations)
    except ValidationError:
        return []
    width, height = image.width or 0, image.height or 0
    shapes = []
    for a in annotations:
        x1, y1 = a["x1"] * width, a["y1"] * height
        if a["type"] == "label":
            shapes.append(Shape("label", a["frame"], x1, y1, text=a["text"]))
            continue
        x2, y2 = a["x2"] * width, a["y2"] * height
        radius = math.hypot(x2 - x1, y2 - y1)
        shapes.append(Shape(a["type"], a["frame"], x1, y1, x2, y2, r=radius))
    return shapes


def overlay_scale(image: Image) -> dict[str, float]:
    """Stroke width and font size in source pixels, so the overlay reads the same at any size."""
    side = max(image.width or 1, image.height or 1)
    return {"stroke": round(side * 0.006, 2), "font": round(side * 0.04, 2)}


def rendition_pattern(image: Image) -> str:
    """A rendition address with {frame} and {variant} holes, for the viewer's script."""
    url = image.rendition_url("thumb", 0)
    head = url.rsplit("/", 2)[0]
    return head + "/{frame}/{variant}.webp"


def srcset_sizes(image: Image) -> str:
    """ "thumb 320,display 1024" — the size names in srcset with their widths, for the script."""
    entries = []
    for entry in image.srcset().split(", "):
        if not entry:
            continue
        url, width = entry.rsplit(" ", 1)
        variant = url.rsplit("/", 1)[1].removesuffix(".webp")
        entries.append(f"{variant} {width.removesuffix('w')}")
    return ",".join(entries)


def viewer_context(image: Image, state: ViewerState, *, panels: list[Image]) -> dict:
    """Everything the viewer page draws for this state, with links to each next state."""
    frame = state.frame - 1
    preset = None if state.preset == "file" else state.preset
    last = max(image.frame_count, 1)
    presets = [
        {
            "name": name,
            "label": PRESET_LABELS.get(name, name),
            "key": PRESET_KEYS.get(name, ""),
            "query": state.query(preset=name),
            "current": name == state.preset,
        }
        for name in image.preset_names
    ]
    shapes = overlay_shapes(image) if image.is_ready else []
    # Before reveal, hidden annotations are not even sent: a label's text may name the answer.
    # "Show annotations" is then a plain link that loads them.
    drawn = shapes if state.annotations or state.revealed else []
    srcset = image.srcset(frame, preset) if image.is_ready else ""
    case = image.study.case
    panel_query = "?reveal=1" if state.revealed else ""
    for panel in panels:
        panel.thumb_url = panel.rendition_url("thumb") if panel.is_ready else ""
        panel.viewer_url = reverse("cases:image", args=[case.code, panel.key]) + panel_query
    stage = "diagnosis" if state.revealed else "images"
    return {
        "image": image,
        "case": case,
        "case_url": f"{case.get_absolute_url()}?stage={stage}",
        "has_annotations": bool(shapes),
        "state": state,
        "last_frame": last,
        "src": image.rendition_url("display", frame, preset) if image.is_ready else "",
        "srcset": srcset,
        # The widest rendition in srcset: what "full-size image" opens without the script.
        "full_size": srcset.rsplit(", ", 1)[-1].rsplit(" ", 1)[0] if srcset else "",
        "presets": presets,
        "first_query": state.query(frame=1),
        "previous_query": state.query(frame=state.frame - 1) if state.frame > 1 else "",
        "next_query": state.query(frame=state.frame + 1) if state.frame < last else "",
        "last_query": state.query(frame=last),
        "annotations_query": state.query(annotations=not state.annotations),
        "shapes": [(shape, shape.shown_on(frame)) for shape in drawn],
        "scale": overlay_scale(image),
        "pattern": rendition_pattern(image) if image.is_ready else "",
        "srcset_sizes": srcset_sizes(image) if image.is_ready else "",
        "panels": panels,
    }
