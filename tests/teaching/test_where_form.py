"""templates/teaching/_where_form.html: the picture to tap, as the question page includes it."""

from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils import translation

CONTEXT = {
    "image_url": "/img/k3q/0/display.webp",
    "width": 1024,
    "height": 512,
    "alt": "Radiograph, anteroposterior.",
}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_bodies.append(data)


def tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_the_picture_is_an_image_button_of_the_renditions_size_with_its_neutral_caption():
    found = tags(render_to_string("teaching/_where_form.html", CONTEXT))
    [picture] = [attrs for tag, attrs in found.tags if attrs.get("type") == "image"]
    assert picture == {
        "type": "image",
        "class": "quiz-where__image",
        "name": "where",
        "src": "/img/k3q/0/display.webp",
        "width": "1024",
        "height": "512",
        "alt": "Radiograph, anteroposterior.",
    }
    hidden = [attrs["name"] for tag, attrs in found.tags if attrs.get("type") == "hidden"]
    assert hidden == ["nx", "ny"]


def test_the_script_is_a_module_file_and_nothing_is_inline():
    found = tags(render_to_string("teaching/_where_form.html", CONTEXT))
    scripts = [attrs for tag, attrs in found.tags if tag == "script"]
    assert scripts == [{"type": "module", "src": "/static/js/quiz-where.js"}]
    assert found.script_bodies == []
    assert not [attrs for _, attrs in found.tags if "style" in attrs]
    assert not [name for _, attrs in found.tags for name in attrs if name.startswith("on")]
    # The form itself and the confidence group belong to the question page.
    assert not [tag for tag, _ in found.tags if tag in ("form", "fieldset")]


def test_the_keyboard_hint_waits_for_the_script_and_reads_in_spanish_too():
    html = render_to_string("teaching/_where_form.html", CONTEXT)
    [hint] = [attrs for _, attrs in tags(html).tags if attrs.get("id") == "quiz-where-hint"]
    assert "hidden" in hint  # without the script the arrow keys do nothing
    with translation.override("es"):
        spanish = render_to_string("teaching/_where_form.html", CONTEXT)
    assert "flechas" in spanish
    assert "{x}" in spanish and "{y}" in spanish
