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
