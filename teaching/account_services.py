"""Writes for a reader's own account: the consent choice and deleting the account."""

from django.db import transaction

from .models import Attempt, Learner


def learner_consent_set(*, user, shows_name_to_teachers: bool) -> Learner:
    """Record whether teachers may see the reader's name, making their Learner row if needed."""
    learner, _created = Learner.objects.update_or_create(
        user=user, defaults={"shows_name_to_teachers": shows_name_to_teachers}
    )
    return learner


@transaction.atomic
def account_delete(*, user, player: str = "") -> None:
    """Delete the user; the database cascades to their attempts, answers, review cards and
    learner row. The session's anonymous attempts, if any stayed unclaimed, go too: they are
    the same reader's answers and nobody could reach them once the session ends."""
    if player:
        Attempt.objects.filter(player=player, user__isnull=True).delete()
    user.delete()
