from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from atlas.lib.text import fold

from .models import Entity, Mechanism


def glossary(request: HttpRequest) -> HttpResponse:
    entities = sorted(
        Entity.objects.select_related("mechanism", "parent"), key=lambda e: fold(e.name)
    )
    by_mechanism = [
        (mechanism, [e for e in entities if e.mechanism_id == mechanism.pk])
        for mechanism in Mechanism.objects.all()
    ]
    by_letter = [
        (letter, list(group))
        for letter, group in groupby(entities, key=lambda e: fold(e.name)[:1].upper())
    ]
    context = {"by_mechanism": by_mechanism, "by_letter": by_letter, "count": len(entities)}
    return render(request, "diagnosis/glossary.html", context)


def classification(request: HttpRequest) -> HttpResponse:
    placed = list(
        Entity.objects.filter(table_column__isnull=False, table_row__isnull=False)
        .select_related("table_column")
        .order_by("table_row")
    )
    columns = list(Mechanism.objects.exclude(table_heading=""))
    depth = max((e.table_row for e in placed), default=0)
    grid = {(e.table_column_id, e.table_row): e for e in placed}
    rows = [[grid.get((column.pk, row)) for column in columns] for row in range(1, depth + 1)]
    flowchart = Entity.objects.exclude(flowchart_branch="").order_by("flowchart_branch", "name")
    # The same cells column by column, for screens too narrow for three columns.
    stacked = [
        (column, [e for e in placed if e.table_column_id == column.pk]) for column in columns
    ]
    context = {"columns": columns, "rows": rows, "stacked": stacked, "flowchart": flowchart}
    return render(request, "diagnosis/classification.html", context)
