import pytest

from cases.models import Image
from tests.builders import make_case


@pytest.fixture
def image(db):
    """A ready three-frame 400x300 image of a published case, with no files behind it."""
    image = Image.objects.get(study__case=make_case())
    image.pixels, image.frame_count, image.width, image.height = "ready", 3, 400, 300
    image.save()
    return image
