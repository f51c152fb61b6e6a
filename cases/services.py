"""Writes to cases that an author triggers: each runs in one transaction."""

from django.db import transaction

from .models import Case


@transaction.atomic
def case_publish(*, case: Case) -> Case:
    """Make a case visible to readers; publishing twice keeps the first date."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.publish()
    case.save(update_fields=["status", "published_at", "updated_at", "search_text"])
    return case


@transaction.atomic
def case_unpublish(*, case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.status = Case.Status.DRAFT
    case.save(update_fields=["status", "updated_at", "search_text"])
    return case
