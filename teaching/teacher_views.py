"""The teachers' pages: their curated sets, and each set's results on a page and as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .lib.csv_cells import safe_cell
from .lib.set_results import results_table
from .models import CuratedSet
from .permissions import is_teacher, may_read_results
from .teacher_selectors import results_of, sets_of


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "teaching/teachers_only.html", {"message": message}, status=403)


def _not_a_teacher(request: HttpRequest) -> HttpResponse:
    return _refused(
        request,
        _(
            "These pages are for teachers. Ask an administrator to add you to the "
            "“Teachers” group if you teach."
        ),
    )


def _set_for(request: HttpRequest, code: str) -> tuple[CuratedSet | None, HttpResponse | None]:
    """The set whose results the reader asks for, or the refusal to send instead."""
    if not is_teacher(request.user):
        return None, _not_a_teacher(request)
    curated_set = get_object_or_404(CuratedSet.objects.select_related("owner"), code=code)
    if not may_read_results(request.user, curated_set):
        return None, _refused(request, _("Only the teacher who built this set sees its results."))
    return curated_set, None


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    if not is_teacher(request.user):
        return _not_a_teacher(request)
    sets = list(sets_of(request.user))
    return render(request, "teaching/sets.html", {"sets": sets})


@login_required
def set_results(request: HttpRequest, code: str) -> HttpResponse:
    curated_set, refusal = _set_for(request, code)
    if refusal:
        return refusal
    results = results_of(curated_set)
    return render(
        request, "teaching/set_results.html", {"curated_set": curated_set, "results": results}
    )


@login_required
def set_results_csv(request: HttpRequest, code: str) -> HttpResponse:
    curated_set, refusal = _set_for(request, code)
    if refusal:
        return refusal
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # the byte-order mark that tells Excel the file is UTF-8
    response["Content-Disposition"] = f'attachment; filename="{curated_set.code}-results.csv"'
    writer = csv.writer(response)
    for row in results_table(results_of(curated_set)):
        writer.writerow([safe_cell(cell) for cell in row])
    return response
