from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .models import Case, Image, Study
from .services import case_publish, case_unpublish


class StudyInline(TranslationStackedInline):
    model = Study
    extra = 0
    show_change_link = True
    fields = ("order", "modality", "description", "time_point", "findings", "image_count")
    readonly_fields = ("image_count",)

    @admin.display(description=_("images"))
    def image_count(self, study: Study) -> int:
        return study.images.count() if study.pk else 0


class ImageInline(TranslationStackedInline):
    model = Image
    extra = 0
    fields = ("order", "panel", "plane", "caption", "alt_text", "is_synthetic")


@admin.register(Case)
class CaseAdmin(TranslationAdmin):
    list_display = ("slug", "title", "diagnosis", "status", "published_at", "study_count")
    list_filter = ("status", "sex", "diagnosis__mechanism", "studies__modality")
    search_fields = ("slug", "presentation", "history")
    autocomplete_fields = ("diagnosis", "differential")
    prepopulated_fields = {"slug": ("presentation",)}
    readonly_fields = ("published_at",)
    inlines = [StudyInline]
    actions = ["publish", "unpublish"]
    view_on_site = True
    fieldsets = (
        (None, {"fields": ("slug", "status", "published_at", "attribution")}),
        (_("Patient"), {"fields": ("age", "sex", "presentation", "history")}),
        (_("Diagnosis"), {"fields": ("diagnosis", "certainty", "confirmation", "differential")}),
        (_("Teaching"), {"fields": ("discussion", "teaching_points", "tags")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("diagnosis")
            .annotate(n_studies=Count("studies", distinct=True))
        )

    @admin.display(description=_("studies"), ordering="n_studies")
    def study_count(self, case: Case) -> int:
        return case.n_studies

    @admin.action(description=_("Publish the selected cases"))
    def publish(self, request, queryset) -> None:
        for case in queryset:
            case_publish(case=case, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d case published.", "%d cases published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected cases to draft"))
    def unpublish(self, request, queryset) -> None:
        for case in queryset:
            case_unpublish(case=case, by=request.user)
        self.message_user(request, _("Cases returned to draft."), messages.SUCCESS)


@admin.register(Study)
class StudyAdmin(TranslationAdmin):
    list_display = ("__str__", "case", "modality", "order")
    list_filter = ("modality",)
    list_select_related = ("case",)
    search_fields = ("case__slug", "description")
    inlines = [ImageInline]
