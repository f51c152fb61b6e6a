"""The teachers' side of the admin: curated sets, and the quizzes' records for superusers.

A teacher builds a set here and sees only their own; a superuser sees every set. Cases are
picked by autocomplete and named by their neutral title and public code, so a set can be
built, or shown on a projector, without the list of cases giving their diagnoses away.

Playlists are built on their own pages; here a superuser reads and mends them, each text in
English and in Spanish.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from atlas.lib.i18n import field_for, language_codes
from cases.models import Case

from .models import Answer, Attempt, CuratedSet, CuratedSetCase, Playlist, PlaylistItem, Quiz


def case_label(case: Case) -> str:
    # The code first: the picker cuts long labels at the end.
    return f"{case.code} · {case.title}"


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return case_label(obj)


class CaseChoicesView(AutocompleteJsonView):
    """The admin's case autocomplete, with the public code beside the neutral title."""

    def serialize_result(self, obj: Case, to_field_name: str) -> dict:
        return {"id": str(getattr(obj, to_field_name)), "text": case_label(obj)}


class CaseAutocomplete(AutocompleteSelect):
    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:teaching_curatedset_case_choices")


class CuratedSetCaseInline(admin.TabularInline):
    model = CuratedSetCase
    extra = 3
    fields = ("position", "case")
    # Kept for the admin's own check that the case admin can be searched; the widget below
    # replaces the one this would give.
    autocomplete_fields = ("case",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case":
            kwargs["widget"] = CaseAutocomplete(db_field, self.admin_site)
            kwargs["form_class"] = CaseChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CuratedSet)
class CuratedSetAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "owner", "case_count", "results_link")
    search_fields = ("title", "code")
    inlines = [CuratedSetCaseInline]

    def get_urls(self):
        choices = CaseChoicesView.as_view(admin_site=self.admin_site)
        return [
            path(
                "case-choices/",
                self.admin_site.admin_view(choices),
                name="teaching_curatedset_case_choices",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("owner")
        qs = qs.annotate(n_cases=Count("entries"))
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    def get_fields(self, request, obj=None):
        fields = ["title", "description", "code"]
        return fields + ["owner"] if request.user.is_superuser else fields

    def get_readonly_fields(self, request, obj=None):
        return ("code",)

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not CuratedSetCase:
            return super().save_formset(request, form, formset, change)
        # A case added without a position (the form's 0) goes after the others, in the
        # order of the rows, rather than before them all.
        entries = formset.save(commit=False)
        for entry in formset.deleted_objects:
            entry.delete()
        kept = [
            f.instance for f in formset.forms if f.instance.pk and f not in formset.deleted_forms
        ]
        last = max((entry.position for entry in [*kept, *entries]), default=0)
        for entry in entries:
            if not entry.position:
                last += 1
                entry.position = last
            entry.save()
        formset.save_m2m()

    @admin.display(description=_("cases"), ordering="n_cases")
    def case_count(self, curated_set: CuratedSet) -> int:
        return curated_set.n_cases

    @admin.display(description=_("results"))
    def results_link(self, curated_set: CuratedSet) -> str:
        url = reverse("teaching:set_results", args=[curated_set.code])
        return format_html('<a href="{}">{}</a>', url, _("Results"))


class PlaylistItemInline(TranslationStackedInline):
    model = PlaylistItem
    extra = 0
    fields = ("position", "case", "question", "stages", "title", "text", "notes")
    autocomplete_fields = ("case",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The same picker as the sets': code and neutral title, never the diagnosis.
        if db_field.name == "case":
            kwargs["widget"] = CaseAutocomplete(db_field, self.admin_site)
            kwargs["form_class"] = CaseChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlaylistAdminForm(forms.ModelForm):
    """As on the playlist's own form, a title in one language is enough."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for lang in language_codes():
            if field_for("title", lang) in self.fields:
                self.fields[field_for("title", lang)].required = False

    def clean(self) -> dict:
        data = super().clean()
        columns = [field_for("title", lang) for lang in language_codes()]
        if not any((data.get(column) or "").strip() for column in columns):
            self.add_error(columns[0], _("Give the playlist a title, in at least one language."))
        return data


@admin.register(Playlist)
class PlaylistAdmin(TranslationAdmin):
    form = PlaylistAdminForm
    list_display = ("title", "code", "owner", "visibility", "updated_at")
    list_filter = ("visibility",)
    list_select_related = ("owner",)
    search_fields = ("code", "title_en", "title_es")
    fields = ("title", "description", "code", "owner", "visibility", "editors")
    readonly_fields = ("code",)
    filter_horizontal = ("editors",)
    inlines = [PlaylistItemInline]


class ReadOnlyForSuperusers(admin.ModelAdmin):
    """The quizzes' records, for superusers to look at; nobody edits them here."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Quiz)
class QuizAdmin(ReadOnlyForSuperusers):
    list_display = ("code", "source", "curated_set", "created_by", "created_at")
    list_filter = ("source",)
    list_select_related = ("curated_set", "created_by")
    search_fields = ("code",)


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyForSuperusers):
    list_display = ("quiz", "user", "player", "started_at", "finished_at")
    list_select_related = ("quiz", "user")
    search_fields = ("quiz__code", "user__username")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyForSuperusers):
    list_display = ("question", "user", "choice", "correct", "confidence", "answered_at")
    list_filter = ("correct", "confidence")
    list_select_related = ("question__quiz", "user")
    search_fields = ("question__quiz__code", "user__username")
