"""Forms of the playlist pages: each one parses one POST into what a service takes.

A playlist's texts are written in each of the site's languages: the form has one field per
text and language (title_en, title_es), shown in one group per language. Every language is
optional on its own; a title is needed in at least one, which the others then fall back to.
"""

import copy
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from atlas.lib.i18n import field_for, language_codes

from .models import Playlist, PlaylistItem
from .playlist_services import STAGES

STAGE_CHOICES = [
    ("history", _("History")),
    ("images", _("Images")),
    ("findings", _("Findings")),
    ("discussion", _("Discussion")),
]
assert [value for value, _label in STAGE_CHOICES] == list(STAGES)


@dataclass
class Language:
    """One language's fields of a form, for the template: its code, its name, its fields."""

    code: str
    name: str
    fields: dict


class InLanguages(forms.Form):
    """A form whose `texts` fields are asked once per language, all optional."""

    texts: dict[str, forms.Field] = {}
    # The text that must be given in at least one language, and the message when it is not.
    needed: tuple[str, str] | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        self.fields.clear()
        for lang in language_codes():
            for name, field in self.texts.items():
                field = self.fields[field_for(name, lang)] = copy.deepcopy(field)
                # The browser checks the spelling of what is typed in its language.
                field.widget.attrs["lang"] = lang
        self.fields.update(fields)

    def languages(self) -> list[Language]:
        names = dict(settings.LANGUAGES)
        return [
            Language(lang, names[lang], {name: self[field_for(name, lang)] for name in self.texts})
            for lang in language_codes()
        ]

    def others(self) -> list:
        """The form's fields that are not asked per language, in their order."""
        texts = {field_for(name, lang) for name in self.texts for lang in language_codes()}
        return [field for field in self if field.name not in texts]

    def messages(self) -> list[str]:
        """Each error led by what it is about, "Slide title (Spanish): …", for a page that
        shows the message without the form."""
        names, about = dict(settings.LANGUAGES), {}
        for lang in language_codes():
            for name, field in self.texts.items():
                about[field_for(name, lang)] = f"{field.label} ({names[lang]})"
        return [
            f"{about.get(column) or self.fields[column].label}: {error}"
            if column in self.fields
            else str(error)
            for column, errors in self.errors.items()
            for error in errors
        ]

    def texts_of(self, name: str) -> dict[str, str]:
        """The cleaned text in each language: {"en": ..., "es": ...}."""
        return {lang: self.cleaned_data[field_for(name, lang)] for lang in language_codes()}

    def clean(self) -> dict:
        data = super().clean()
        if self.needed:
            name, message = self.needed
            columns = [field_for(name, lang) for lang in language_codes()]
            if all(column in data and not data[column].strip() for column in columns):
                self.add_error(columns[0], message)
        return data


def _text(label, *, rows: int = 0, max_length: int | None = None) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class PlaylistForm(InLanguages):
    texts = {
        "title": _text(_("Title"), max_length=150),
        "description": _text(_("Description"), rows=3),
    }
    needed = ("title", _("Give the playlist a title, in at least one language."))

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


class SlideForm(InLanguages):
    texts = {
        "title": _text(_("Slide title"), max_length=150),
        "text": _text(_("Short text"), rows=2),
    }
    needed = ("title", _("A title slide needs a title."))


class AddCaseForm(forms.Form):
    playlist = forms.SlugField(label=_("Playlist"))
    case = forms.CharField(max_length=40)


class StepForm(InLanguages):
    """A step's settings: a slide's words, or a case's question and stages; notes for both.
    Whether a slide has a title is the service's to say, as only it knows the step is one."""

    texts = {
        "title": _text(_("Slide title"), max_length=150),
        "text": _text(_("Short text"), rows=2),
        "notes": _text(_("Presenter notes"), rows=3),
    }

    question = forms.ChoiceField(
        label=_("Question asked"), choices=PlaylistItem.Ask.choices, required=False
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages shown"),
        choices=STAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class OrderForm(forms.Form):
    order = forms.CharField(max_length=4000)

    def clean_order(self) -> list[int]:
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("The order must list step numbers.")) from None
