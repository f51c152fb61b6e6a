from django.utils.translation import get_language


def current_language() -> str:
    """The active language as the atlas's content spells it: "es" or "en"."""
    return "es" if (get_language() or "").startswith("es") else "en"
