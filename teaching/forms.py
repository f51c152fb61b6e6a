from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Study

from .lib.matching import MAX_TEXT
from .models import Confidence, Feedback, Kind, Quiz
from .services import MAX_QUESTIONS

COUNTS = (5, 10, 20, 40)


class QuizBuildForm(forms.Form):
    """How a reader asks for a quiz: from the atlas filters, a teacher's set, or what is due."""

    source = forms.ChoiceField(choices=Quiz.Source.choices, initial=Quiz.Source.FILTERS)
    mechanism = forms.SlugField(required=False, label=_("Mechanism"))
    tag = forms.SlugField(required=False, label=_("Tag"))
    region = forms.SlugField(required=False, label=_("Region"))
    modality = forms.ChoiceField(
        required=False, label=_("Modality"), choices=[("", _("Any"))] + Study.Modality.choices
    )
    set = forms.SlugField(required=False, max_length=16, label=_("Curated set"))
    count = forms.TypedChoiceField(
        label=_("Questions"),
        coerce=int,
        choices=[(n, n) for n in COUNTS],
        initial=10,
        required=False,
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of question"),
        choices=Kind.choices,
        initial=[Kind.DIAGNOSIS, Kind.MECHANISM],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    feedback = forms.ChoiceField(
        label=_("Show the answers"),
        choices=Feedback.choices,
        initial=Feedback.EACH,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        data["count"] = min(data.get("count") or 10, MAX_QUESTIONS)
        data["kinds"] = data.get("kinds") or [Kind.DIAGNOSIS]
        data["feedback"] = data.get("feedback") or Feedback.EACH
        if data.get("source") == Quiz.Source.SET and not data.get("set"):
            raise forms.ValidationError(_("Choose a curated set."))
        return data

    def filters(self) -> dict:
        keys = ("mechanism", "tag", "region", "modality")
        return {key: self.cleaned_data[key] for key in keys if self.cleaned_data.get(key)}


class StartForm(forms.Form):
    feedback = forms.ChoiceField(
        label=_("Show the answers"),
        choices=Feedback.choices,
        initial=Feedback.EACH,
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    """One answer: a numbered choice, typed text or a point on the image, and how sure."""

    confidence = forms.ChoiceField(
        label=_("How sure are you?"), choices=Confidence.choices, widget=forms.RadioSelect
    )
    choice = forms.IntegerField(required=False, min_value=1, max_value=9)
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        strip=True,
        label=_("Or type your answer"),
        error_messages={
            "max_length": _("Keep a typed answer under %(limit_value)d characters."),
        },
    )
    nx = forms.FloatField(required=False, min_value=0, max_value=1)
    ny = forms.FloatField(required=False, min_value=0, max_value=1)

    def __init__(self, *args, kind: str, choices: int, width: int = 0, height: int = 0, **kw):
        super().__init__(*args, **kw)
        self.kind, self.choice_count = kind, choices
        self.width, self.height = width, height

    def _point(self) -> tuple[float, float] | None:
        """The tap in image units: the script's nx/ny, else the image button's where.x/y,
        which a browser without JavaScript sends in pixels of the unscaled image."""
        nx, ny = self.cleaned_data.get("nx"), self.cleaned_data.get("ny")
        if nx is not None and ny is not None:
            return nx, ny
        try:
            px, py = int(self.data.get("where.x", "")), int(self.data.get("where.y", ""))
        except ValueError:
            return None
        if not (0 <= px <= self.width and 0 <= py <= self.height) or not self.width:
            raise forms.ValidationError(_("That point is outside the image; tap on the image."))
        return px / self.width, py / self.height

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if self.kind == Kind.WHERE:
            data["point"] = self._point()
            if data["point"] is None:
                raise forms.ValidationError(_("Tap or click the lesion on the image."))
            return data
        number = data.get("choice")
        if number is not None and number > self.choice_count:
            raise forms.ValidationError(_("There is no answer with that number."))
        typed = data.get("text") and self.kind in (Kind.DIAGNOSIS, Kind.GLOSSARY)
        if number is None and not typed:
            raise forms.ValidationError(_("Choose an answer first."))
        return data
