from modeltranslation.translator import TranslationOptions, register

from .models import Entity, Mechanism


@register(Mechanism)
class MechanismTranslation(TranslationOptions):
    fields = ("name", "table_heading", "description")


@register(Entity)
class EntityTranslation(TranslationOptions):
    fields = (
        "name",
        "synonyms",
        "label_note",
        "definition",
        "imaging_features",
        "typical_sites",
        "laboratory",
        "clinical_note",
        "flowchart_branch",
    )
