from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Tag


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ("name", "slug", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
