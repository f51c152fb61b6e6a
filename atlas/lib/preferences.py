"""The reader's "show diagnoses" choice, kept in the session.

Cases are read as unknowns by default: the case list's Diagnosis facet, search by diagnosis
and the wizard's links from an entity to its cases together make an answer key, so they wait
until the reader asks for them. The choice lasts for the session (anonymous readers too).
"""

from django.http import HttpRequest

SHOW_DIAGNOSES = "show_diagnoses"


def shows_diagnoses(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(SHOW_DIAGNOSES, False))


def set_shows_diagnoses(request: HttpRequest, show: bool) -> None:
    request.session[SHOW_DIAGNOSES] = bool(show)
