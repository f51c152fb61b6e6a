"""Reads that follow relations from the wizard to cases, in one query each."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from cases.models import Case

from .models import CaseFinding


def entity_cases(entity_pks: Iterable[int], *, per_entity: int) -> dict[int, tuple[list, int]]:
    """Published cases of each entity, newest first: (the first few, how many), in one query."""
    pks = list(entity_pks)
    if not pks:
        return {}
    rows = (
        Case.objects.published()
        .filter(diagnosis_id__in=pks)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("diagnosis_id")],
                order_by=[F("published_at").desc(), F("slug").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("diagnosis_id")]),
        )
        .filter(position__lte=per_entity)
        .order_by("diagnosis_id", "position")
    )
    found: dict[int, tuple[list, int]] = {}
    for case in rows:
        found.setdefault(case.diagnosis_id, ([], case.total))[0].append(case)
    return found


def case_findings(case: Case) -> list[tuple[str, bool]]:
    """(finding code, assumed) recorded for a case, in wizard order."""
    return list(CaseFinding.objects.filter(case=case).values_list("finding__code", "assumed"))
