from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import CaseFilterForm
from .models import Case
from .selectors import case_cards, case_facets, case_for_page, cases_filtered, related_cases
from .viewer import case_panels, image_for_viewer, viewer_context, viewer_state

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
    base = Case.objects.visible_to(request.user)
    facets = case_facets(base, filters)
    unknown = [
        _("There is no %(filter)s called “%(value)s”.") % {"filter": key, "value": filters[key]}
        for key in ("mechanism", "entity", "region", "tag")
        if key in filters and not any(option.selected for option in facets[key])
    ]
    cases = case_cards(cases_filtered(base, filters).order_by("-published_at", "slug"))
    page = Paginator(cases, CASES_PER_PAGE).get_page(form.cleaned_data.get("page"))
    context = {
        "form": form,
        "facets": facets,
        "filters": filters,
        "active_filters": _active_filter_labels(form, facets, filters),
        "page": page,
        "unknown": unknown,
    }
    return render(request, "cases/list.html", context, status=404 if unknown else 200)


def _get_case_or_404(request: HttpRequest, slug: str) -> Case:
    case = case_for_page(Case.objects.visible_to(request.user), slug)
    if case is None:
        raise Http404(_("No published case has this address."))
    return case


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = _get_case_or_404(request, slug)
    revealed = request.GET.get("reveal") == "1"
    context = {
        "case": case,
        "revealed": revealed,
        "related": related_cases(case) if revealed else [],
    }
    return render(request, "cases/detail.html", context)


def image_viewer(request: HttpRequest, slug: str, key: UUID) -> HttpResponse:
    image = image_for_viewer(request.user, slug=slug, key=key)
    if image is None:
        raise Http404(_("No published image has this address."))
    state, errors = viewer_state(request.GET, image)
    context = viewer_context(image, state, panels=case_panels(request.user, image.study.case))
    context["errors"] = errors
    return render(request, "cases/viewer.html", context, status=400 if errors else 200)
