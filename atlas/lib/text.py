"""Pure text helpers, testable without a database."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Calcificación" and "calcificacion" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def lines(text: str) -> list[str]:
    """Non-empty stripped lines of a multi-line field (teaching points, synonyms)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
