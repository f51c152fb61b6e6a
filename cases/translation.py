from modeltranslation.translator import TranslationOptions, register

from .models import Case, Image, Study


@register(Case)
class CaseTranslation(TranslationOptions):
    fields = (
        "presentation",
        "history",
        "confirmation",
        "discussion",
        "teaching_points",
        "attribution",
    )


@register(Study)
class StudyTranslation(TranslationOptions):
    fields = ("description", "time_point", "findings")


@register(Image)
class ImageTranslation(TranslationOptions):
    fields = ("plane", "caption", "caption_neutral", "alt_text")
