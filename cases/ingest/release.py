"""Release of an image held for burned-in text: rectangles blanked on every frame.

The blanked sources are written into a fresh batch folder, as an import writes them; one
transaction then points the image's rows at them and sends the image back to "processing"
with its rendering queued, the same road an import takes. The held files and their
derivatives are deleted only once that has committed. A process killed at any moment leaves
the held rows and files as they were (so the image can be released again) or the released
ones; the files it wrote for nothing are orphans for `manage.py reconcile_media --fix`.
"""

import logging
import uuid

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian

from cases.dicom import deidentify as deid
from cases.dicom import render
from cases.models import Image, SourceFile

from .commit import replaced_delete_and_render
from .storage import file_write, files_delete, rendition_paths, source_path, stored_dataset

logger = logging.getLogger(__name__)

Rectangle = tuple[int, int, int, int]

NOT_HELD = "Only an image held for review can be released."


def image_release(*, image: Image, rectangles: list[Rectangle]) -> Image:
    """Blank rectangles (x, y, width, height in source pixels) on every frame and publish."""
    image.refresh_from_db()
    if image.pixels != Image.Pixels.HELD:
        raise ValidationError(NOT_HELD)
    boxes = _checked_rectangles(rectangles, width=image.width or 0, height=image.height or 0)
    sources = list(image.sources.order_by("order"))
    batch = uuid.uuid4().hex[:12]
    written: list[str] = []
    try:
        for source in sources:
            data = _blanked(stored_dataset(source.file.name), boxes)
            written.append(file_write(source_path(image, source.order, batch), data))
        with transaction.atomic():
            # Two releases of one image may run at once: the first to commit wins.
            if Image.objects.select_for_update().get(pk=image.pk).pixels != Image.Pixels.HELD:
                raise ValidationError(NOT_HELD)
            for source, path in zip(sources, written, strict=True):
                SourceFile.objects.filter(pk=source.pk).update(file=path)
            Image.objects.filter(pk=image.pk).update(
                pixels=Image.Pixels.PROCESSING, pixels_reason="", progress=0
            )
            replaced = [source.file.name for source in sources] + rendition_paths(image)
    except BaseException:
        files_delete(written)
        raise
    # Registered after the block, so that a failing callback cannot reach the clean-up above
    # and delete the files the committed rows point to; inside an outer transaction it still
    # waits for that one to commit.
    transaction.on_commit(lambda: replaced_delete_and_render([image.pk], replaced))
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
