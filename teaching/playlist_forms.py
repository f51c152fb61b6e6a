"""Forms of the playlist pages: each one parses one POST into what a service takes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Playlist, PlaylistItem
from .playlist_services import STAGES

STAGE_CHOICES = [
    ("history", _("History")),
    ("images", _("Images")),
    ("findings", _("Findings")),
    ("discussion", _("Discussion")),
]
assert [value for value, _label in STAGE_CHOICES] == list(STAGES)


class PlaylistForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Playlist.Visibility.choices, initial="private"
    )
    editors = forms.CharField(
        label=_("Share with teachers"),
        required=False,
        help_text=_("Their user names, separated by commas. They may then edit the playlist."),
    )

    def clean_editors(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["editors"].split(",")]
        return list(dict.fromkeys(name for name in names if name))


class SlideForm(forms.Form):
    title = forms.CharField(label=_("Slide title"), max_length=150)
    text = forms.CharField(
        label=_("Short text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AddCaseForm(forms.Form):
    playlist = forms.SlugField(label=_("Playlist"))
    case = forms.CharField(max_length=40)


class StepForm(forms.Form):
    question = forms.ChoiceField(
        label=_("Question asked"), choices=PlaylistItem.Ask.choices, required=False
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages shown"),
        choices=STAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(max_length=150, required=False)
    text = forms.CharField(required=False)
    notes = forms.CharField(label=_("Presenter notes"), required=False)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class OrderForm(forms.Form):
    order = forms.CharField(max_length=4000)

    def clean_order(self) -> list[int]:
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("The order must list step numbers.")) from None
