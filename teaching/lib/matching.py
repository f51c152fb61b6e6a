"""Free-text answers: does what the reader typed name the entity? Pure, no database.

Both sides are folded (case and accents), punctuation is ignored, and a near miss counts: one
wrong letter in a short name, two in a longer one ("calcifilaxis", "miositis osificante").
"""

import re

from atlas.lib.text import fold

MAX_TEXT = 200
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def tolerance(name: str) -> int:
    """Typos forgiven: none under five letters (an abbreviation must be exact), one up to
    ten, two beyond."""
    if len(name) < 5:
        return 0
    return 1 if len(name) <= 10 else 2


def names_match(typed: str, names: list[str]) -> bool:
    """True if `typed` is one of `names` or a near miss of one."""
    given = normalise(typed[:MAX_TEXT])
    if not given:
        return False
    for name in names:
        wanted = normalise(name)
        if not wanted:
            continue
        if given == wanted or edit_distance(given, wanted, tolerance(wanted)) <= tolerance(wanted):
            return True
    return False


def best_match(typed: str, candidates: dict[str, list[str]]) -> str | None:
    """The key of the first candidate whose names `typed` matches, exact matches first."""
    given = normalise(typed[:MAX_TEXT])
    if not given:
        return None
    for key, names in candidates.items():
        if any(normalise(name) == given for name in names):
            return key
    for key, names in candidates.items():
        if names_match(typed, names):
            return key
    return None
