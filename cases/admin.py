from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .admin_views import image_review
from .forms import ImageAdminForm, StudyImagesForm
from .ingest import REJECTED, upload_batch_create
from .models import Case, Image, Study, UploadBatch
from .services import case_publish, case_unpublish

# How many of a study's uploads its change page lists.
UPLOADS_SHOWN = 10


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
    show_change_link = True
    fields = (
        "order",
        "panel",
        "plane",
        "caption",
        "caption_neutral",
        "alt_text",
        "is_synthetic",
        "pixels",
        "progress",
        "pixels_reason",
    )
    readonly_fields = ("pixels", "progress", "pixels_reason")


@admin.register(Case)
class CaseAdmin(TranslationAdmin):
    list_display = ("code", "slug", "title", "diagnosis", "status", "published_at", "study_count")
    list_filter = ("status", "sex", "diagnosis__mechanism", "studies__modality")
    search_fields = ("code", "slug", "presentation", "history")
    autocomplete_fields = ("diagnosis", "differential")
    prepopulated_fields = {"slug": ("presentation",)}
    readonly_fields = ("code", "published_at")
    inlines = [StudyInline]
    actions = ["publish", "unpublish"]
    view_on_site = True
    fieldsets = (
        (None, {"fields": ("slug", "code", "status", "published_at", "attribution")}),
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

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.reindex()

    @admin.display(description=_("studies"), ordering="n_studies")
    def study_count(self, case: Case) -> int:
        return case.n_studies

    @admin.action(description=_("Publish the selected cases"))
    def publish(self, request, queryset) -> None:
        for case in queryset:
            case_publish(case=case)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d case published.", "%d cases published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected cases to draft"))
    def unpublish(self, request, queryset) -> None:
        for case in queryset:
            case_unpublish(case=case)
        self.message_user(request, _("Cases returned to draft."), messages.SUCCESS)


@admin.register(Study)
class StudyAdmin(TranslationAdmin):
    list_display = ("__str__", "case", "modality", "order")
    list_filter = ("modality",)
    list_select_related = ("case",)
    search_fields = ("case__slug", "description")
    inlines = [ImageInline]
    form = StudyImagesForm
    # Listed, or modeltranslation would build the fieldsets from model fields only and drop
    # the form's upload field.
    fields = ("case", "order", "modality", "description", "time_point", "findings", "upload_images")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not form.upload_pending:
            return
        batch = upload_batch_create(
            study=form.instance,
            files=form.upload_pending,
            decided=form.upload_decided,
            by=request.user,
        )
        for result in form.upload_decided:
            if result.status == REJECTED:
                text = _("%(path)s: rejected, %(reason)s") % {
                    "path": result.path,
                    "reason": result.reason,
                }
                self.message_user(request, text, messages.ERROR)
        count = len(batch.files)
        text = ngettext(
            "%d file received: it is being imported; its result is shown under Uploads.",
            "%d files received: they are being imported; their results are shown under Uploads.",
            count,
        )
        self.message_user(request, text % count, messages.INFO)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "upload_batches": _upload_batches(object_id)}
        return super().change_view(request, object_id, form_url, extra_context)


def _upload_batches(study_id) -> list[UploadBatch]:
    """The study's latest uploads, newest first, for its change page."""
    return list(
        UploadBatch.objects.filter(study_id=study_id).select_related("created_by")[:UPLOADS_SHOWN]
    )


@admin.register(Image)
class ImageAdmin(TranslationAdmin):
    form = ImageAdminForm
    list_display = ("__str__", "study", "pixels", "progress", "frame_count", "modality")
    list_filter = ("pixels", "modality")
    list_select_related = ("study__case",)
    search_fields = ("study__case__slug", "plane", "caption")
    # What the pipeline sets, shown after what the author writes.
    readonly_fields = (
        "pixels",
        "progress",
        "pixels_reason",
        "modality",
        "frame_count",
        "width",
        "height",
        "preview",
        "downloads",
    )
    fields = (
        "study",
        "order",
        "panel",
        "plane",
        "caption",
        "caption_neutral",
        "alt_text",
        "is_synthetic",
        "annotations",
        *readonly_fields,
    )

    def get_urls(self):
        review = path(
            "<int:pk>/review/",
            self.admin_site.admin_view(image_review),
            name="cases_image_review",
        )
        return [review, *super().get_urls()]

    @admin.display(description=_("preview"))
    def preview(self, image: Image) -> str:
        if not image.pk or image.pixels in (Image.Pixels.NONE, Image.Pixels.FAILED):
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="{}">',
            image.rendition_url("thumb"),
            image.alt_text,
            min(image.width or 320, 320),
        )

    @admin.display(description=_("de-identified DICOM"))
    def downloads(self, image: Image) -> str:
        sources = list(image.sources.all()) if image.pk else []
        if not sources:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" download>{}</a>',
            (
                (reverse("media:source", args=[image.key, source.order]), f"{source.order}.dcm")
                for source in sources
            ),
        )
