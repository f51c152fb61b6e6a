"""The reader's choices kept in the session: "show diagnoses" and the colour scheme.

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


# The reader's colour scheme. "auto" follows the device (prefers-color-scheme); "light" and
# "dark" win over it. The choice is rendered on <html> by the server, so no script runs
# before the first paint and the page never flashes the other scheme.
THEME = "theme"
THEMES = ("auto", "light", "dark")


def chosen_theme(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    theme = session.get(THEME, "auto") if session is not None else "auto"
    return theme if theme in THEMES else "auto"


def set_theme(request: HttpRequest, theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(f"Unknown theme {theme!r}")
    request.session[THEME] = theme
