from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Entity, Mechanism


@admin.register(Mechanism)
class MechanismAdmin(TranslationAdmin):
    list_display = ("name", "slug", "order", "table_heading")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Entity)
class EntityAdmin(TranslationAdmin):
    list_display = ("name", "slug", "mechanism", "parent", "printed_label")
    list_filter = ("mechanism",)
    list_select_related = ("mechanism", "parent")
    search_fields = ("name", "slug", "synonyms", "printed_label")
    autocomplete_fields = ("parent", "related")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("slug", "name", "synonyms", "mechanism", "parent")}),
        (
            "Poster",
            {
                "fields": (
                    "printed_label",
                    "label_note",
                    "table_column",
                    "table_row",
                    "flowchart_branch",
                )
            },
        ),
        (
            "Content",
            {
                "fields": (
                    "definition",
                    "imaging_features",
                    "typical_sites",
                    "laboratory",
                    "clinical_note",
                    "related",
                    "tags",
                )
            },
        ),
    )
