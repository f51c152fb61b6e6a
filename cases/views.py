from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from atlas.lib.preferences import shows_diagnoses

from .forms import CaseFilterForm
from .models import Case
from .permissions import sees_drafts
from .selectors import (
    case_cards_in_order,
    case_code_for_old_address,
    case_for_page,
    case_listing,
    neighbour_cases,
    related_cases,
)
from .viewer import (
    case_panels,
    image_for_viewer,
    old_viewer_address,
    viewer_context,
    viewer_state,
)

CASES_PER_PAGE = 12


def _active_filter_labels(form: CaseFilterForm, facets: dict, filters: dict) -> list[tuple]:
    """(key, "Field: value") for each filter in force, in the reader's words."""
    labels = []
    for key, value in filters.items():
        options = {option.value: option.label for option in facets.get(key, [])}
        labels.append((key, f"{form.fields[key].label}: {options.get(str(value), value)}"))
    return labels


def case_list(request: HttpRequest) -> HttpResponse:
    empty = [key for key, value in request.GET.items() if value == ""]
    if empty:
        # A plain form submits "Any" as key=; drop those so shared links stay short.
        query = request.GET.copy()
        for key in empty:
            del query[key]
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "errors": form.errors, "page": None, "facets": {}}
        return render(request, "cases/list.html", context, status=400)
    filters = form.active()
    diagnoses = shows_diagnoses(request)
    facets, pks = case_listing(filters, diagnoses=diagnoses, drafts=sees_drafts(request.user))
    unknown = [
        _("There is no %(filter)s called “%(value)s”.") % {"filter": key, "value": filters[key]}
        for key in ("mechanism", "entity", "region", "tag")
        if key in filters and not any(option.selected for option in facets[key])
    ]
    # The page is a slice of the matching pks the facet index found, in list order; only its
    # twelve cases are read.
    page = Paginator(pks, CASES_PER_PAGE).get_page(form.cleaned_data.get("page"))
    page.object_list = case_cards_in_order(page.object_list.tolist(), diagnoses=diagnoses)
    context = {
        "form": form,
        "facets": facets,
        "filters": filters,
        "active_filters": _active_filter_labels(form, facets, filters),
        "page": page,
        "unknown": unknown,
    }
    return render(request, "cases/list.html", context, status=404 if unknown else 200)


# The stages of reading a case as an unknown, in order; each shows what the ones before it
# showed. "diagnosis" is the revealed case.
STAGES = ("history", "images", "findings", "diagnosis")


def _stage(params) -> tuple[str, str]:
    """The stage asked for (the old ?reveal=1 is the diagnosis) and an error, if any."""
    if params.get("reveal") == "1" and "stage" not in params:
        return "diagnosis", ""
    stage = params.get("stage", "").strip() or STAGES[0]
    if stage not in STAGES:
        return STAGES[0], _("There is no stage called “%(stage)s”; the case starts again.") % {
            "stage": stage[:40]
        }
    return stage, ""


def _old_address(request: HttpRequest, slug: str, name: str, *args) -> HttpResponse:
    """A permanent redirect from an address made of the case's internal name to its code,
    for whoever may see the case; 404 otherwise."""
    code = case_code_for_old_address(Case.objects.visible_to(request.user), slug)
    if code is None:
        raise Http404(_("No published case has this address."))
    return _moved_permanently(request, reverse(name, args=[code, *args]))


def _moved_permanently(request: HttpRequest, target: str) -> HttpResponse:
    """A 301 to ``target`` that keeps the request's query string (a shared stage, a frame)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    stage, error = _stage(request.GET)
    revealed = stage == "diagnosis"
    case = case_for_page(Case.objects.visible_to(request.user), code, revealed=revealed)
    if case is None:
        return _old_address(request, code, "cases:detail")
    position = STAGES.index(stage)
    previous, following = neighbour_cases(case) if revealed else (None, None)
    context = {
        "case": case,
        "stage": stage,
        "error": error,
        "revealed": revealed,
        "shows_images": position >= 1,
        "shows_findings": position >= 2,
        "next_stage": STAGES[position + 1] if not revealed else "",
        "previous_stage": STAGES[position - 1] if position > 0 else "",
        "viewer_query": "?reveal=1" if revealed else "",
        "related": related_cases(case) if revealed else [],
        "previous_case": previous,
        "next_case": following,
    }
    return render(request, "cases/detail.html", context, status=400 if error else 200)


def image_viewer(request: HttpRequest, code: str, key: UUID) -> HttpResponse:
    image = image_for_viewer(request.user, code=code, key=key)
    if image is None:
        target = old_viewer_address(request.user, slug=code, key=key)
        if target is None:
            raise Http404(_("No published image has this address."))
        return _moved_permanently(request, target)
    state, errors = viewer_state(request.GET, image)
    context = viewer_context(image, state, panels=case_panels(request.user, image.study.case))
    context["errors"] = errors
    return render(request, "cases/viewer.html", context, status=400 if errors else 200)
