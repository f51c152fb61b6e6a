from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from diagnosis.admin import EntityAdmin
from diagnosis.models import Entity

from .knowledge import BASE_SUM_TOLERANCE
from .models import (
    CaseFinding,
    Contradiction,
    EntityPrior,
    Finding,
    FindingWeight,
    FlowchartNode,
    Question,
    QuestionGroup,
    Reference,
    RetiredFinding,
)
from .snapshot import knowledge_problems


class KnowledgeCheckMixin:
    """After each change, tell the editor what the wizard's knowledge base now lacks.

    An inconsistent knowledge base does not stop the wizard: it keeps serving the last
    consistent one until the problems listed here are fixed.
    """

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        self._report_knowledge(request)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._report_knowledge(request)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        self._report_knowledge(request)

    def _report_knowledge(self, request) -> None:
        problems = knowledge_problems()
        if problems:
            shown = "; ".join(problems[:8]) + ("; …" if len(problems) > 8 else "")
            self.message_user(
                request,
                _(
                    "The wizard's knowledge base needs attention (%(count)d): %(problems)s. "
                    "Until it is consistent, the wizard keeps using the last consistent version."
                )
                % {"count": len(problems), "problems": shown},
                messages.WARNING,
            )


class EntityPriorInline(admin.StackedInline):
    model = EntityPrior
    extra = 0
    max_num = 1
    fields = ("prior", "tree_node", "note")
    autocomplete_fields = ("tree_node",)
    verbose_name = _("place in the wizard")


class FindingWeightInline(TranslationTabularInline):
    model = FindingWeight
    extra = 0
    fields = ("finding", "lr", "why", "reference")
    autocomplete_fields = ("finding", "reference")


class EntityWizardAdmin(KnowledgeCheckMixin, EntityAdmin):
    inlines = [EntityPriorInline, FindingWeightInline]


# The glossary's admin knows nothing of the wizard; the wizard adds its inlines to it here.
admin.site.unregister(Entity)
admin.site.register(Entity, EntityWizardAdmin)


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 0
    fields = ("key", "kind", "text", "cost", "order")
    show_change_link = True


@admin.register(QuestionGroup)
class QuestionGroupAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("label", "key", "order")
    ordering = ("order", "key")
    inlines = [QuestionInline]


class FindingFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.kind != Question.Kind.SINGLE:
            return
        bases = [
            form.cleaned_data["base"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("base") is not None
        ]
        total = sum(bases)
        if bases and abs(total - 1) > BASE_SUM_TOLERANCE:
            raise ValidationError(
                _(
                    "The answers of a single-choice question exclude one another, so their base "
                    "rates must add up to 1; these add up to %(total)s."
                )
                % {"total": f"{total:.3f}"}
            )


class FindingInline(TranslationTabularInline):
    model = Finding
    formset = FindingFormSet
    extra = 0
    fields = ("code", "label", "base", "order")
    show_change_link = True


@admin.register(Question)
class QuestionAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("text", "key", "group", "kind", "cost", "order")
    list_filter = ("group", "kind")
    list_select_related = ("group",)
    search_fields = ("key", "text")
    inlines = [FindingInline]


class CaseFindingInline(admin.TabularInline):
    model = CaseFinding
    extra = 0
    fields = ("case", "assumed")
    autocomplete_fields = ("case",)


@admin.register(Finding)
class FindingAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("code", "label", "question", "base")
    list_filter = ("question__group",)
    list_select_related = ("question",)
    search_fields = ("code", "label")
    fields = ("code", "question", "label", "base", "order")
    # Base rates of a single-choice question must add up to one: edit them together there.
    readonly_fields = ("question", "base")
    inlines = [CaseFindingInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Contradiction)
class ContradictionAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("first", "second", "why")
    list_select_related = ("first", "second")
    autocomplete_fields = ("first", "second")


@admin.register(FlowchartNode)
class FlowchartNodeAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("label", "key", "parent", "order", "mechanism")
    list_select_related = ("parent", "mechanism")
    search_fields = ("key", "label")
    autocomplete_fields = ("parent", "select", "entities")
    fields = (
        "key",
        "label",
        "parent",
        "order",
        "mechanism",
        "select",
        "entities",
        "printed_profiles",
        "note",
    )


@admin.register(Reference)
class ReferenceAdmin(KnowledgeCheckMixin, admin.ModelAdmin):
    list_display = ("key", "text")
    search_fields = ("key", "text")


@admin.register(RetiredFinding)
class RetiredFindingAdmin(KnowledgeCheckMixin, TranslationAdmin):
    list_display = ("code", "why")
    search_fields = ("code",)
    autocomplete_fields = ("into",)
    fields = ("code", "into", "why")
