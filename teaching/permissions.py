"""Who is a teacher, and whose results a teacher may read.

A teacher is anyone with teaching.view_results: a member of the "Teachers" group (made by
migration 0002, given in the admin under Users) or a superuser, who has every permission.
"""

from .models import CuratedSet


def is_teacher(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("teaching.view_results"))


def may_read_results(user, curated_set: CuratedSet) -> bool:
    """A set's results are its owner's to read, and every superuser's; no other teacher's."""
    if not is_teacher(user):
        return False
    return user.is_superuser or curated_set.owner_id == user.pk
