from modeltranslation.translator import TranslationOptions, register

from .models import Tag


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
