from modeltranslation.translator import TranslationOptions, register

from .models import (
    Contradiction,
    Entity,
    Finding,
    FindingWeight,
    FlowchartNode,
    Mechanism,
    Question,
    QuestionGroup,
)


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


@register(QuestionGroup)
class QuestionGroupTranslation(TranslationOptions):
    fields = ("label",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text",)


@register(Finding)
class FindingTranslation(TranslationOptions):
    fields = ("label",)


@register(FlowchartNode)
class FlowchartNodeTranslation(TranslationOptions):
    fields = ("label", "note")


@register(FindingWeight)
class FindingWeightTranslation(TranslationOptions):
    fields = ("why",)


@register(Contradiction)
class ContradictionTranslation(TranslationOptions):
    fields = ("why",)
