from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case, Study


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
