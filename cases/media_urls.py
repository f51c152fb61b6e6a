"""Image media, outside the language prefix: one address serves every language."""

from django.urls import path

from . import media_views

app_name = "media"

urlpatterns = [
    path("<uuid:key>/<int:frame>/<slug:variant>.webp", media_views.rendition, name="rendition"),
    path("<uuid:key>/source/<int:order>.dcm", media_views.source, name="source"),
]
