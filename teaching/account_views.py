"""Placeholder until its branch lands."""

from django.http import Http404


def account(request):
    raise Http404("Not built yet.")
