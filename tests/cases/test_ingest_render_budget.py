"""The render task's threads share a budget of pixel values, so large files render alone."""

import threading
import time

import pytest

from cases.ingest import render
from cases.ingest.render import PixelBudget, images_render
from cases.models import Image, SourceFile
from tests.builders import make_case


def make_images(count: int, *, side: int, sources: int = 1) -> list[Image]:
    """`count` images of `side`x`side` pixels, each with `sources` one-frame files."""
    images = []
    for image in Image.objects.filter(study__case=make_case(images=count)):
        image.width = image.height = side
        image.frame_count = sources
        image.save()
        for order in range(sources):
            SourceFile.objects.create(
                image=image, order=order, file=f"dicom/{image.pk}-{order}.dcm", frames=1
            )
        images.append(image)
    return images


class Concurrency:
    """Stands in for the rendering of one source file, counting how many run at once."""

    def __init__(self, *, wait=None):
        self.running = self.most = 0
        self._lock = threading.Lock()
        self._wait = wait

    def __call__(self, image, path, first, frames):
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self._wait() if self._wait else time.sleep(0.05)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def four_threads(settings):
    settings.ATLAS_RENDER_THREADS = 4
    settings.ATLAS_MAX_PIXELS = 64_000_000


@pytest.mark.django_db
def test_images_near_the_pixel_limit_render_one_at_a_time(four_threads, monkeypatch):
    images = make_images(4, side=8000)
    renders = Concurrency()
    monkeypatch.setattr(render, "_render_frames", renders)

    images_render([image.pk for image in images])

    assert renders.most == 1
    assert set(Image.objects.values_list("pixels", flat=True)) == {Image.Pixels.READY}


@pytest.mark.django_db
def test_the_slices_of_a_stack_still_render_on_every_thread(four_threads, monkeypatch):
    (stack,) = make_images(1, side=512, sources=8)
    # Each slice waits for three others: if fewer than four could run at once, it times out.
    together = threading.Barrier(4, timeout=5)
    renders = Concurrency(wait=together.wait)
    monkeypatch.setattr(render, "_render_frames", renders)

    images_render([stack.pk])

    stack.refresh_from_db()
    assert stack.pixels == Image.Pixels.READY
    assert renders.most == 4


def test_a_budget_lets_holders_in_while_they_fit_and_in_the_order_they_asked():
    budget = PixelBudget(100)
    order = []
    first_in = threading.Event()
    release_first = threading.Event()

    def hold(name, values, inside=None):
        with budget.hold(values):
            order.append(name)
            if inside:
                inside()

    def first():
        first_in.set()
        release_first.wait(5)

    holder = threading.Thread(target=hold, args=("first", 60, first))
    holder.start()
    first_in.wait(5)
    # 60 + 60 does not fit, so "large" waits; "small" asked after it and waits its turn.
    large = threading.Thread(target=hold, args=("large", 60))
    large.start()
    time.sleep(0.05)
    small = threading.Thread(target=hold, args=("small", 10))
    small.start()
    time.sleep(0.05)
    assert order == ["first"]

    release_first.set()
    for thread in (holder, large, small):
        thread.join(5)
    assert order == ["first", "large", "small"]


def test_a_holder_larger_than_the_whole_budget_runs_alone_rather_than_never():
    budget = PixelBudget(100)
    with budget.hold(1_000):
        pass
    with budget.hold(100):
        pass
