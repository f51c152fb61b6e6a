"""Who may see what is not public: the same permissions the admin asks for the same objects.

Staff status alone opens the admin's door, not its rooms: a staff member whom the admin refuses
a case or an image must not reach it through the site or `/img/` either.
"""


def _admin_may_view(user, model: str) -> bool:
    # ModelAdmin.has_view_permission: the view or the change permission; the admin also
    # demands an active staff account before it asks.
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.has_perm(f"cases.view_{model}") or user.has_perm(f"cases.change_{model}")


def sees_drafts(user) -> bool:
    """Whether the user may read unpublished cases on the site (the staff preview)."""
    return _admin_may_view(user, "case")


def sees_unreleased_images(user) -> bool:
    """Whether the user may see held, failed or unfinished images, drafts' images and DICOM."""
    return _admin_may_view(user, "image")
