"""Rendering: the WebP derivatives of an image's frames, through the one encoder.

The eager sizes are rendered as a task after the commit (`images_render`), which leaves the
image ready, held or failed; every other size and every window preset is rendered on its
first request (`rendition_ensure`) and kept. Every derivative is written in one step
(`file_write`): a render killed midway leaves no truncated WebP for `/img/` to serve.
"""

import logging
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import default_storage

from cases.dicom import render
from cases.dicom.derivatives import DERIVATIVE_SIDES, encode_webp, make_derivatives
from cases.dicom.errors import RejectedFile
from cases.models import Image

from .storage import file_write, rendition_path, stored_dataset

logger = logging.getLogger(__name__)

# Sizes rendered while importing; the others (and every preset) are rendered on first request.
EAGER_SIZES = ("thumb", "display")


def image_render(image_id: int) -> None:
    """Task body: render the eager derivatives, then mark the image held, ready or failed."""
    images_render([image_id])


def images_render(image_ids: list[int]) -> None:
    """Render several images in one thread pool, so that many small images keep it busy."""
    images = list(Image.objects.filter(pk__in=image_ids).prefetch_related("sources"))
    # The threads share one file's worth of pixel values: a stack of small slices keeps
    # every thread busy, while files near the limit render one at a time, so the task's peak
    # stays that of the largest file the limits accept, however many an upload holds.
    budget = PixelBudget(settings.ATLAS_MAX_PIXELS)
    with ThreadPoolExecutor(max_workers=settings.ATLAS_RENDER_THREADS) as pool:
        jobs = [(image, _submit_renders(pool, image, budget)) for image in images]
        for image, futures in jobs:
            _finish(image, futures)


def rendition_ensure(image: Image, frame: int, size: str, preset: str | None) -> str:
    """Storage path of a derivative, rendering it first if nobody has asked for it before."""
    variant = size if preset is None else f"{size}-{preset}"
    path = rendition_path(image, frame, variant)
    if default_storage.exists(path):
        return path
    frames = _frame_sources(image)
    if not 0 <= frame < len(frames):
        raise RejectedFile("no such frame")
    source, index = frames[frame]
    pixels = render.render_frame(stored_dataset(source), index, preset=preset)
    data = encode_webp(pixels, max_side=DERIVATIVE_SIDES[size])
    # Written in one step, since the check above serves whatever stands at `path` for ever;
    # two requests rendering it at once write the same bytes, and the last one wins.
    return file_write(path, data)


def _finish(image: Image, futures: list) -> None:
    try:
        if not futures:
            raise RejectedFile("no pixel data")
        step = max(1, len(futures) // 20)
        for done, future in enumerate(futures, start=1):
            future.result()
            if done % step == 0 and done < len(futures):
                Image.objects.filter(pk=image.pk).update(progress=done * 100 // len(futures))
    except Exception as exc:
        for future in futures:
            future.cancel()
        reason = exc.reason if isinstance(exc, RejectedFile) else "rendering failed"
        # The class name only: messages from decoders can quote header values.
        logger.warning("image %s failed to render: %s", image.pk, type(exc).__name__)
        Image.objects.filter(pk=image.pk).update(
            pixels=Image.Pixels.FAILED, pixels_reason=reason[:300]
        )
        return
    held = bool(image.pixels_reason)
    Image.objects.filter(pk=image.pk).update(
        pixels=Image.Pixels.HELD if held else Image.Pixels.READY, progress=100
    )


class PixelBudget:
    """A semaphore counted in pixel values, granted in the order it was asked for.

    A holder asking for more than the whole budget waits until it is alone, then runs.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._used = 0
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, values: int) -> Iterator[None]:
        values = min(max(values, 0), self.capacity)
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
            # First come, first served: a large file is not overtaken for ever by small ones.
            self._changed.wait_for(
                lambda: self._queue[0] is ticket and self._used + values <= self.capacity
            )
            self._queue.popleft()
            self._used += values
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._used -= values
                self._changed.notify_all()


# Samples per pixel are not stored on the rows, so every pixel is counted as three values
# (RGB): an overestimate for greyscale, which only makes large greyscale files wait longer.
_VALUES_PER_PIXEL = 3


def _source_values(image: Image, frames: int) -> int:
    """Pixel values a source file holds, for the budget; unknown sizes take the whole of it."""
    if not image.width or not image.height:
        return settings.ATLAS_MAX_PIXELS
    return image.width * image.height * _VALUES_PER_PIXEL * frames


def _submit_renders(pool: ThreadPoolExecutor, image: Image, budget: PixelBudget) -> list:
    """One job per source file (a multi-frame file is read once), in frame order."""
    jobs, first = [], 0
    for source in sorted(image.sources.all(), key=lambda source: source.order):
        values = _source_values(image, source.frames)
        jobs.append(
            pool.submit(
                _render_source, image, source.file.name, first, source.frames, budget, values
            )
        )
        first += source.frames
    return jobs


def _render_source(
    image: Image, path: str, first: int, frames: int, budget: PixelBudget, values: int
) -> None:
    with budget.hold(values):
        _render_frames(image, path, first, frames)


def _render_frames(image: Image, path: str, first: int, frames: int) -> None:
    ds = stored_dataset(path)
    for index in range(frames):
        number = first + index
        # Every frame gets the display size for scrolling; only the first gets a thumbnail.
        sizes = EAGER_SIZES if number == 0 else ("display",)
        derivatives = make_derivatives(render.render_frame(ds, index), sizes=sizes)
        for size, (data, _width, _height) in derivatives.items():
            file_write(rendition_path(image, number, size), data)


def _frame_sources(image: Image) -> list[tuple[str, int]]:
    """(source path, frame index within it) for every frame of the image, in order."""
    frames = []
    for source in image.sources.order_by("order"):
        frames += [(source.file.name, index) for index in range(source.frames)]
    return frames
