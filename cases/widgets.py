"""Admin widgets for images: the annotation editor drawn over the image itself."""

import json

from django import forms
from django.forms import Script
from django.forms.fields import InvalidJSONInput


class AnnotationWidget(forms.Textarea):
    """The annotations' JSON in a textarea, with a drawing surface over the display image.

    Without JavaScript the author edits the JSON; with it, the textarea is hidden and kept in
    step with what is drawn. The form sets `image_url`, `width` and `height` when the image
    has pixels; with none there is nothing to draw on and only the textarea shows.
    """

    # Under cases/templates/: form widgets render with the app directories, not DIRS.
    template_name = "cases/widgets/annotations.html"

    def __init__(self, attrs=None) -> None:
        super().__init__({"rows": 6, "spellcheck": "false", **(attrs or {})})
        self.image_url = ""
        self.width = 0
        self.height = 0
        self.frame_count = 1

    class Media:
        js = [Script("js/admin-annotate.js", type="module")]
        css = {"all": ["css/admin-annotate.css"]}

    def format_value(self, value) -> str:
        # JSONField hands over a string already encoded; pretty-print it for hand edits.
        if value in (None, ""):
            return "[]"
        if isinstance(value, InvalidJSONInput):
            return value  # what the author typed, shown back as it was
        try:
            return json.dumps(json.loads(value), indent=1, ensure_ascii=False)
        except (TypeError, ValueError):
            return str(value)

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "image_url": self.image_url,
            "width": self.width,
            "height": self.height,
            "frame_count": self.frame_count,
        }
        return context
