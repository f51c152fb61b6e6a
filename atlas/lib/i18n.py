"""The one place that knows the site's languages and how a translated field is named.

Content has one column per language (`name_en`, `name_es`, made by modeltranslation); these
helpers pick the column for a language and spread {"en": ..., "es": ...} over the columns.
No ORM here, so anything may use them.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def language_codes() -> list[str]:
    """The site's languages, the default first: ["en", "es"]."""
    return [code for code, _name in settings.LANGUAGES]


def current_language() -> str:
    """The active language as one of the site's codes ("es-mx" is "es"); else the default."""
    active = (get_language() or "").split("-")[0].lower()
    codes = language_codes()
    return active if active in codes else codes[0]


def reading_order() -> list[str]:
    """The languages a translated text is read in, best first: the active one, then the
    others in the site's order, as MODELTRANSLATION_FALLBACK_LANGUAGES falls back (an empty
    Spanish text shows the English)."""
    first = current_language()
    return [first, *(lang for lang in language_codes() if lang != first)]


def first_of(texts) -> str:
    """The first text that is not empty, as modeltranslation's fallback picks it."""
    return next((text for text in texts if text), "")


def field_for(field: str, lang: str | None = None) -> str:
    """The column holding `field` in `lang` (the active language when None): "caption_es"."""
    return f"{field}_{lang or current_language()}"


def spread(field: str, value: Any) -> dict[str, str]:
    """{"en": ..., "es": ...} as {"field_en": ..., "field_es": ...}; a bare string is English."""
    codes = language_codes()
    if not isinstance(value, Mapping):
        value = {codes[0]: value}
    return {field_for(field, lang): str(value.get(lang) or "") for lang in codes}


def columns(field: str) -> list[str]:
    """Every language's column of `field`, for values(): ["name_en", "name_es"]."""
    return [field_for(field, lang) for lang in language_codes()]


def gather(row: Mapping[str, Any], field: str) -> dict[str, str]:
    """The inverse of spread: {"en": row["field_en"], "es": row["field_es"]}."""
    return {lang: row[field_for(field, lang)] or "" for lang in language_codes()}
