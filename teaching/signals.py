"""An anonymous reader's answers follow them into the account they sign in to or create."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="teaching-claim-answers")
def claim_anonymous_answers(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    from .services import answers_claim, session_player

    player = session_player(request)
    if player:
        answers_claim(player=player, user=user)
