from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        min_length=2,
        max_length=200,
        strip=True,
        error_messages={
            "min_length": _("Type at least two letters."),
            "max_length": _("Keep the search under 200 characters."),
        },
    )
