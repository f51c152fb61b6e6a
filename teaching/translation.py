from modeltranslation.translator import TranslationOptions, register

from .models import Playlist, PlaylistItem


@register(Playlist)
class PlaylistTranslation(TranslationOptions):
    fields = ("title", "description")


@register(PlaylistItem)
class PlaylistItemTranslation(TranslationOptions):
    fields = ("title", "text", "notes")
