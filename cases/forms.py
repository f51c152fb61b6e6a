from django import forms
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from .models import Case, Image, Study
from .viewer import MAX_ANNOTATION_DEPTH, clean_annotations, json_nesting
from .widgets import AnnotationWidget


class CaseFilterForm(forms.Form):
    """The case list's filters; every value lives in the query string."""

    mechanism = forms.SlugField(required=False, label=_("Mechanism"))
    entity = forms.SlugField(required=False, label=_("Diagnosis"))
    modality = forms.ChoiceField(
        required=False, label=_("Modality"), choices=[("", "")] + Study.Modality.choices
    )
    region = forms.SlugField(required=False, label=_("Region"))
    tag = forms.SlugField(required=False, label=_("Tag"))
    sex = forms.ChoiceField(required=False, label=_("Sex"), choices=[("", "")] + Case.Sex.choices)
    age_min = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age from"))
    age_max = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age to"))
    page = forms.IntegerField(required=False, min_value=1, label=_("Page"))

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The lower age must not be above the upper age."))
        return data

    def active(self) -> dict:
        """The filters in force, without the page number or empty values."""
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key != "page" and value not in (None, "")
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class StudyImagesForm(forms.ModelForm):
    """The study's admin form, with a field that imports images through cases.ingest.

    Only checks that need no decoding run here (sizes, counts, leading bytes, a ZIP's
    directory); the files that pass are staged on save and imported by a task.
    """

    upload_images = MultipleFileField(
        required=False,
        label=_("Add images"),
        # No `accept` filter: PACS exports often name DICOM files without an extension.
        help_text=_(
            "DICOM files (one file, several slices of a series, or a multi-frame file), a ZIP "
            "of a PACS export, or PNG/JPEG pictures. Everything is de-identified before it is "
            "stored; pictures and images that may show burned-in text are held for review."
        ),
    )

    class Meta:
        model = Study
        fields = ("case", "order", "modality", "description", "time_point", "findings")

    # Set by clean(): the uploads to stage, and the results decided already.
    upload_pending: list = []
    upload_decided: list = []

    def clean(self) -> dict:
        data = super().clean()
        files = data.get("upload_images") or []
        case = data.get("case") or getattr(self.instance, "case", None)
        if files and case is not None and not self.errors:
            from .ingest import uploads_check

            decided, pending, refusal = uploads_check(files)
            if refusal:
                self.add_error("upload_images", refusal)
            elif not pending:
                self.add_error(
                    "upload_images", [f"{result.path}: {result.reason}" for result in decided]
                )
            else:
                self.upload_pending, self.upload_decided = pending, decided
        return data


class AnnotationsField(forms.JSONField):
    """The annotations' JSON, refused unread when nested deeper than any schema allows."""

    def to_python(self, value):
        if isinstance(value, str) and json_nesting(value) > MAX_ANNOTATION_DEPTH:
            raise forms.ValidationError(_("The annotations are nested too deeply."), "too_deep")
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Redisplaying the refused text must not decode it either.
        if isinstance(data, str) and json_nesting(data) > MAX_ANNOTATION_DEPTH:
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)


class ImageAdminForm(forms.ModelForm):
    """The image's admin form: annotations are drawn over the picture and checked here."""

    class Meta:
        model = Image
        # The admin's own field list replaces this one; alone, the form edits annotations.
        fields = ["annotations"]
        widgets = {"annotations": AnnotationWidget()}
        field_classes = {"annotations": AnnotationsField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        image = self.instance
        widget = self.fields["annotations"].widget if "annotations" in self.fields else None
        if widget is not None and image.pk and image.width and image.height:
            if image.pixels in (Image.Pixels.READY, Image.Pixels.HELD):
                widget.image_url = image.rendition_url("display")
                widget.width, widget.height = image.width, image.height
                widget.frame_count = max(image.frame_count, 1)

    def clean_annotations(self) -> list:
        frames = self.instance.frame_count or None
        return clean_annotations(self.cleaned_data.get("annotations"), frame_count=frames)
