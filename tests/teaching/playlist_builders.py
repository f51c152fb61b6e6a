"""Builders for the playlist tests: playlists with steps, and images with real pixels."""

import io

from PIL import Image as PILImage

from cases.ingest.storage import file_write, rendition_path
from cases.models import Image
from teaching.models import Playlist, PlaylistItem
from tests.builders import make_case, make_entity, make_mechanism


def make_playlist(*, owner, title: str = "Monday conference", cases=(), visibility="private"):
    playlist = Playlist.objects.create(owner=owner, title=title, visibility=visibility)
    for position, case in enumerate(cases, start=1):
        PlaylistItem.objects.create(playlist=playlist, position=position, case=case)
    return playlist


def positions(playlist) -> list:
    """The playlist's steps in order, each as its case's code or its slide title."""
    items = playlist.items.order_by("position").select_related("case")
    return [item.case.code if item.case else item.title for item in items]


def with_pixels(image: Image, size=(64, 48)) -> Image:
    """Make `image` ready, with a WebP display rendition in storage as the pipeline leaves it."""
    out = io.BytesIO()
    PILImage.new("L", size, 128).save(out, "WEBP")
    file_write(rendition_path(image, 0, "display"), out.getvalue())
    image.pixels, image.frame_count = Image.Pixels.READY, 1
    image.width, image.height = size
    image.modality = "CT"
    image.save()
    return image


def make_named_case(**overrides):
    """A case whose diagnosis has a name no other word on a page contains, and a differential."""
    mechanism = make_mechanism(name_en="Dystrophic")
    diagnosis = make_entity(mechanism=mechanism, name_en="Zebracalcinosis")
    case = make_case(diagnosis=diagnosis, **overrides)
    case.differential.set([make_entity(mechanism=mechanism, name_en="Other thing")])
    return case
