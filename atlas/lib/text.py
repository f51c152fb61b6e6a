"""Pure text helpers, testable without a database."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Calcificación" and "calcificacion" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# A trigram index can only find a word of three characters or more; shorter ones are matched
# by scanning the rows the longer words left (see atlas.models.FoldedSearchQuerySet).
TRIGRAM = 3


def search_terms(query: str) -> list[str]:
    """The folded words of a query, each once, in the order typed."""
    return list(dict.fromkeys(fold(query).split()))


def fts5_phrase(term: str) -> str:
    """A word as an FTS5 string literal, so quotes, NEAR, AND, *, - or brackets in a query are
    plain characters to find, never query syntax."""
    return '"' + term.replace('"', '""') + '"'


def lines(text: str) -> list[str]:
    """Non-empty stripped lines of a multi-line field (teaching points, synonyms)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
