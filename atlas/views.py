from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.lib.i18n import current_language
from atlas.lib.preferences import THEMES, set_shows_diagnoses, set_theme, shows_diagnoses
from cases.models import Case
from cases.selectors import (
    case_card_lists,
    case_cards,
    case_search,
    published_counts_by_diagnosis,
)
from diagnosis.models import Entity, Mechanism
from wizard.knowledge import KnowledgeBaseError
from wizard.presenters import entity_weights, poster_flowchart
from wizard.snapshot import knowledge_snapshot

from .forms import SEARCH_PER_PAGE, SearchForm

ENTITY_LINK = ("id", "slug", "parent_id", "name_en", "name_es")
# An entity page shows this many cases; the case list, filtered, shows the rest.
CASES_SHOWN = 12


def home(request: HttpRequest) -> HttpResponse:
    context = {
        # From the counts kept per diagnosis: counting 100,000 rows took most of the page.
        "case_count": sum(published_counts_by_diagnosis().values()),
        "entity_count": Entity.objects.count(),
        "mechanisms": Mechanism.objects.all(),
    }
    return render(request, "atlas/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    cases, entities, more = [], [], False
    page = 1
    if "q" in request.GET and form.is_valid():
        query, page = form.cleaned_data["q"], form.cleaned_data["page"] or 1
        # An unknown is found by what it shows before reveal; by its diagnosis only once the
        # reader chose to see diagnoses.
        revealed = shows_diagnoses(request)
        start = (page - 1) * SEARCH_PER_PAGE
        # One case more than the page shows tells whether a next page exists, without counting
        # every match.
        found = case_search(
            Case.objects.published(), query, revealed=revealed, limit=start + SEARCH_PER_PAGE + 1
        )
        if revealed:
            found = found.select_related("diagnosis")
        cases = case_cards(found, start, start + SEARCH_PER_PAGE + 1)
        more, cases = len(cases) > SEARCH_PER_PAGE, cases[:SEARCH_PER_PAGE]
        if page == 1:
            entities = list(Entity.objects.search(query).select_related("mechanism")[:50])
    status = 400 if form.errors and "q" in request.GET else 200
    context = {
        "form": form,
        "cases": cases,
        "entities": entities,
        "searched": "q" in request.GET,
        "page": page,
        "more": more,
        "first": (page - 1) * SEARCH_PER_PAGE + 1,
        "last": (page - 1) * SEARCH_PER_PAGE + len(cases),
    }
    return render(request, "atlas/search.html", context, status=status)


@require_POST
def diagnoses_preference(request: HttpRequest) -> HttpResponse:
    """Show or hide diagnoses on the case list, search and the wizard, for this session; a
    plain form posts here and comes back to the page it was on."""
    show = request.POST.get("show", "")
    if show not in ("0", "1"):
        return HttpResponseBadRequest(_("Choose to show (1) or hide (0) diagnoses."))
    set_shows_diagnoses(request, show == "1")
    return redirect(_same_site_next(request) or "cases:list")


@require_POST
def theme_preference(request: HttpRequest) -> HttpResponse:
    """The reader's colour scheme for this session: automatic, light or dark; the header's
    form posts here and comes back to the page it was on."""
    theme = request.POST.get("theme", "")
    if theme not in THEMES:
        message = _("Choose a colour scheme: automatic, light or dark.")
        return render(request, "400.html", {"message": message}, status=400)
    set_theme(request, theme)
    return redirect(_same_site_next(request) or "home")


def _same_site_next(request: HttpRequest) -> str:
    """The form's `next`, if it is a page of this site; otherwise empty."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def classification(request: HttpRequest) -> HttpResponse:
    """The poster's table and its flowchart: the glossary's entities and the wizard's tree."""
    placed = list(
        Entity.objects.filter(table_column__isnull=False, table_row__isnull=False)
        .select_related("table_column")
        .order_by("table_row")
    )
    columns = list(Mechanism.objects.exclude(table_heading=""))
    depth = max((e.table_row for e in placed), default=0)
    grid = {(e.table_column_id, e.table_row): e for e in placed}
    rows = [[grid.get((column.pk, row)) for column in columns] for row in range(1, depth + 1)]
    flowchart = list(
        Entity.objects.exclude(flowchart_branch="").order_by("flowchart_branch", "name")
    )
    # The same cells column by column, for screens too narrow for three columns.
    stacked = [
        (column, [e for e in placed if e.table_column_id == column.pk]) for column in columns
    ]
    try:
        printed = dict(
            Entity.objects.exclude(printed_label="").values_list("slug", "printed_label")
        )
        svg = poster_flowchart(knowledge_snapshot(), current_language(), printed=printed)
    except KnowledgeBaseError:
        svg = ""  # the table still shows; the wizard page explains what is missing
    context = {
        "columns": columns,
        "rows": rows,
        "stacked": stacked,
        "flowchart": flowchart,
        "svg": svg,
    }
    return render(request, "atlas/classification.html", context)


def login_locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page for a sign-in refused after too many failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "atlas/locked_out.html", {"minutes": minutes}, status=429)


def _get_entity_or_404(slug: str) -> Entity:
    entity = (
        Entity.objects.select_related("mechanism", "parent", "table_column")
        .prefetch_related(
            # Links only: their names and addresses.
            Prefetch("children", queryset=Entity.objects.order_by("name").only(*ENTITY_LINK)),
            Prefetch("related", queryset=Entity.objects.order_by("name").only(*ENTITY_LINK)),
            "tags",
        )
        .filter(slug=slug)
        .first()
    )
    if entity is None:
        raise Http404(_("The glossary has no entry with this address."))
    return entity


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A glossary entry with its cases and, on demand, its weights in the wizard."""
    entity = _get_entity_or_404(slug)
    weights = _weights(entity.slug)
    published = Case.objects.published()
    # The entity and the entities nested under it (already fetched): an IN list the case
    # index answers, where "or its diagnosis's parent" would join every case to its entity.
    own = published.filter(diagnosis__in=[entity, *entity.children.all()])
    # Driven from the differential rows of this entity: joined the other way round, the
    # newest-first walk would test every published case for a differential row.
    listed = Case.differential.through.objects.filter(entity=entity).values("case_id")
    in_differential = published.filter(pk__in=listed)
    counts = published_counts_by_diagnosis()
    cases, differential_cases = case_card_lists(
        own.select_related("diagnosis"), in_differential, limit=CASES_SHOWN
    )
    context = {
        "entity": entity,
        "cases": cases,
        "case_count": sum(counts.get(e.pk, 0) for e in [entity, *entity.children.all()]),
        "differential_cases": differential_cases,
        "cases_shown": CASES_SHOWN,
        "raised_by": [w for w in weights if w.raised],
        "lowered_by": [w for w in weights if not w.raised],
    }
    return render(request, "atlas/entity.html", context)


def _weights(slug: str) -> list:
    """What raises and lowers this entity in the wizard, from the cached knowledge base (one
    query when it is current); nothing when the knowledge base is unavailable."""
    try:
        snapshot = knowledge_snapshot()
    except KnowledgeBaseError:
        return []
    return entity_weights(snapshot, slug, current_language())


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
