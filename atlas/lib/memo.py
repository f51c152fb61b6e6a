"""A value memoised in this process under the version of the data it was built from.

The version lives where every process reads it (the shared cache, a database row) and every
committed change of the data renews it, so a process never serves a value older than the last
commit it can see; the memo only spares rebuilding it while nothing changed. One slot: a value
built for a new version replaces the old one, which is never read again."""

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class VersionedSlot(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[str, T] | None = None

    def get(self, version: str | None, build: Callable[[], T]) -> T:
        """The value built for `version`: the memo's, or `build()`'s, kept for the next call.
        Two threads asking at once build once. Without a version (a cache that keeps nothing)
        nothing says when a value would be stale, so none is kept."""
        entry = self._entry
        if version is not None and entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:
            entry = self._entry
            if version is not None and entry is not None and entry[0] == version:
                return entry[1]
            value = build()
            self._entry = (version, value) if version is not None else None
            return value

    def clear(self) -> None:
        with self._lock:
            self._entry = None
