"""Placeholder until its branch lands."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404("Not built yet.")


set_list = _missing
set_results = _missing
set_results_csv = _missing
