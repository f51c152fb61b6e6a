from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def query_with(request: HttpRequest, **changes) -> str:
    """The current query string with some parameters replaced."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string without some parameters (and back on page one)."""
    query = request.GET.copy()
    for key in (*keys, "page"):
        query.pop(key, None)
    return query.urlencode()
