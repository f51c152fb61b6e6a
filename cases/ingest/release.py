"""Release of an image held for burned-in text: rectangles blanked on every frame.

The blanked sources replace the held ones under the same names, the old derivatives are
deleted, and the image goes back to "processing" with its rendering queued as a task, the
same road an import takes.
"""

import logging

import numpy as np
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian

from cases.dicom import deidentify as deid
from cases.dicom import render
from cases.models import Image
from cases.tasks import render_images

from .storage import file_write, rendition_paths, stored_dataset

logger = logging.getLogger(__name__)

Rectangle = tuple[int, int, int, int]


def image_release(*, image: Image, rectangles: list[Rectangle]) -> Image:
    """Blank rectangles (x, y, width, height in source pixels) on every frame and publish."""
    image.refresh_from_db()
    if image.pixels != Image.Pixels.HELD:
        raise ValidationError("Only an image held for review can be released.")
    boxes = _checked_rectangles(rectangles, width=image.width or 0, height=image.height or 0)
    rewritten = {
        source.file.name: _blanked(stored_dataset(source.file.name), boxes)
        for source in image.sources.order_by("order")
    }
    with transaction.atomic():
        for name, data in rewritten.items():
            file_write(name, data)
        for path in rendition_paths(image):
            default_storage.delete(path)
        Image.objects.filter(pk=image.pk).update(
            pixels=Image.Pixels.PROCESSING, pixels_reason="", progress=0
        )
        transaction.on_commit(lambda: render_images.enqueue([image.pk]))
    logger.info("image %s released with %d blanked area(s)", image.pk, len(boxes))
    image.refresh_from_db()
    return image


def _checked_rectangles(rectangles: list[Rectangle], *, width: int, height: int) -> list[Rectangle]:
    boxes = []
    for rectangle in rectangles:
        try:
            x, y, w, h = (int(value) for value in rectangle)
        except (TypeError, ValueError):
            raise ValidationError(
                f"A rectangle must be four whole numbers: {rectangle!r}."
            ) from None
        if w < 1 or h < 1 or x < 0 or y < 0 or x + w > width or y + h > height:
            raise ValidationError(
                f"Rectangle x={x}, y={y}, width={w}, height={h} does not fit inside the "
                f"{width}x{height} image."
            )
        boxes.append((x, y, w, h))
    return boxes


def _blanked(ds: Dataset, boxes: list[Rectangle]) -> bytes:
    """The file re-written uncompressed with the boxes filled, and BurnedInAnnotation NO."""
    photometric = str(ds.PhotometricInterpretation).strip()
    pixels = ds.pixel_array.copy()
    frames = render.frame_count(ds)
    stack = pixels if frames > 1 else pixels[np.newaxis]
    # Fill with what displays as black: the lowest stored value, or the highest when inverted.
    fill = stack.max() if photometric == "MONOCHROME1" else stack.min()
    if photometric.startswith("YBR") or photometric == "RGB":
        fill = 0
    for x, y, w, h in boxes:
        stack[:, y : y + h, x : x + w, ...] = fill
    if photometric.startswith("YBR"):
        photometric = "RGB"  # pixel_array has already converted the samples
    array = stack if frames > 1 else stack[0]
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.set_pixel_data(
        np.ascontiguousarray(array),
        photometric,
        int(ds.get("BitsStored", 8)),
        generate_instance_uid=False,
    )
    ds.BurnedInAnnotation = "NO"
    return deid.write_clean(ds)
