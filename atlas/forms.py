from django import forms
from django.utils.translation import gettext_lazy as _

# Search shows its cases this many to a page, up to this many pages: far enough for any
# reader, and it bounds what one address can ask of the database.
SEARCH_PER_PAGE = 24
SEARCH_PAGES = 40


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
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=SEARCH_PAGES,
        error_messages={
            "invalid": _("The page is a number."),
            "min_value": _("Pages start at 1."),
            "max_value": _("Only the first %(limit_value)s pages are shown: add a word."),
        },
    )
