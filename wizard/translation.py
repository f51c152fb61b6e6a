from modeltranslation.translator import TranslationOptions, register

from .models import (
    Contradiction,
    Finding,
    FindingWeight,
    FlowchartNode,
    Question,
    QuestionGroup,
    RetiredFinding,
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


@register(RetiredFinding)
class RetiredFindingTranslation(TranslationOptions):
    fields = ("why",)
