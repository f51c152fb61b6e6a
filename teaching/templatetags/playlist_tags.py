"""The "Add to playlist" form that case pages and cards show to teachers."""

from django import template

from teaching.playlist_selectors import playlists_editable_by

register = template.Library()


@register.inclusion_tag("playlists/_add_case.html", takes_context=True)
def add_to_playlist(context, case) -> dict:
    """A teacher's playlists, read once per request however many cards the page shows."""
    request = context.get("request")
    playlists = getattr(request, "_editable_playlists", None)
    if playlists is None and request is not None:
        playlists = playlists_editable_by(request.user)
        request._editable_playlists = playlists
    return {"case": case, "playlists": playlists or [], "csrf_token": context.get("csrf_token")}
