from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from cases.models import Case
from cases.selectors import case_cards
from diagnosis.models import Entity, Mechanism

from .forms import SearchForm

SEARCH_LIMIT = 50


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "case_count": Case.objects.published().count(),
        "entity_count": Entity.objects.count(),
        "mechanisms": Mechanism.objects.all(),
    }
    return render(request, "atlas/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    cases, entities = [], []
    if "q" in request.GET and form.is_valid():
        query = form.cleaned_data["q"]
        cases = list(case_cards(Case.objects.published().search(query))[:SEARCH_LIMIT])
        entities = list(Entity.objects.search(query).select_related("mechanism")[:SEARCH_LIMIT])
    status = 400 if form.errors and "q" in request.GET else 200
    context = {"form": form, "cases": cases, "entities": entities, "searched": "q" in request.GET}
    return render(request, "atlas/search.html", context, status=status)


def login_locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page for a sign-in refused after too many failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "atlas/locked_out.html", {"minutes": minutes}, status=429)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the static icon."""
    return redirect(static("favicon.svg"), permanent=True)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 that explains itself when the view said why (an unknown slug, a draft)."""
    message = exception.args[0] if exception.args else ""
    context = {"message": message if isinstance(message, str) else ""}
    return render(request, "404.html", context, status=404)
