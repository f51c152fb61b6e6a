"""content_load: a topic folder's glossary and cases, here only what it does with annotations."""

import json

import pytest

from atlas.content import ContentError, content_load
from cases.models import Case, Image

pytestmark = pytest.mark.django_db

CIRCLE = {"type": "circle", "frame": None, "x1": 0.5, "y1": 0.4, "x2": 0.6, "y2": 0.4}


def write_topic(folder, *, image: dict) -> None:
    glossary = {
        "mechanisms": [{"slug": "dystrophic", "name": {"en": "Dystrophic", "es": "Distrófica"}}],
        "entities": [
            {"slug": "gout", "mechanism": "dystrophic", "name": {"en": "Gout", "es": "Gota"}}
        ],
    }
    case = {
        "slug": "a-case",
        "age": 50,
        "sex": "M",
        "diagnosis": "gout",
        "certainty": "imaging",
        "studies": [{"modality": "CT", "images": [{"panel": "a", **image}]}],
    }
    (folder / "glossary.json").write_text(json.dumps(glossary))
    (folder / "cases.json").write_text(json.dumps({"cases": [case]}))


def test_an_images_circle_is_loaded_as_the_viewer_draws_it(tmp_path):
    write_topic(tmp_path, image={"annotations": [CIRCLE]})
    content_load(path=tmp_path)
    assert Image.objects.get().annotations == [CIRCLE]


def test_a_shape_off_the_image_is_refused_with_where_it_is_and_nothing_is_loaded(tmp_path):
    write_topic(tmp_path, image={"annotations": [{**CIRCLE, "x2": 1.3}]})
    with pytest.raises(ContentError, match=r"a-case, study 1, image 1: .*between 0 and 1"):
        content_load(path=tmp_path)
    assert not Case.objects.exists()


def test_a_file_that_names_no_annotations_keeps_those_drawn_in_the_admin(tmp_path):
    write_topic(tmp_path, image={})
    content_load(path=tmp_path)
    Image.objects.update(annotations=[CIRCLE])
    content_load(path=tmp_path)
    assert Image.objects.get().annotations == [CIRCLE]


def test_an_empty_list_in_the_file_clears_them(tmp_path):
    write_topic(tmp_path, image={"annotations": [CIRCLE]})
    content_load(path=tmp_path)
    write_topic(tmp_path, image={"annotations": []})
    content_load(path=tmp_path)
    assert Image.objects.get().annotations == []
