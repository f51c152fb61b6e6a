from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language


def language_links(request: HttpRequest) -> dict:
    """Links to the current page in each language, so switching keeps the reader in place."""
    current = get_language()
    path = request.get_full_path()
    links = [
        {
            "code": code,
            "name": name,
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_links": links}


def diagnoses_preference(request: HttpRequest) -> dict:
    """Whether the reader chose to see diagnoses on lists, search and the wizard; lazy, so a
    page that never asks costs no session read."""
    from atlas.lib.preferences import shows_diagnoses

    return {"show_diagnoses": SimpleLazyObject(lambda: shows_diagnoses(request))}


def theme_preference(request: HttpRequest) -> dict:
    """The reader's colour scheme, for the class on <html>: every page reads it."""
    from atlas.lib.preferences import chosen_theme

    return {"theme": chosen_theme(request)}
