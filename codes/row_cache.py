"""Registry rows for validation, cached in each process until the code library changes.

High-volume validation asks for the same codes again and again. Rows — and absences — are kept until the
`codes` change counter (registry.changes) moves; the counter is read at most once per CHECK_SECONDS, so a
write in another process is seen within that time, and `forget()` after a commit in this process makes the
write visible here at once. Between writes the hot path never touches the database.
"""

import math
import time
import weakref
from typing import Any

from sqlalchemy import Engine

from codes import service
from registry import changes

CHECK_SECONDS = 1.0
LIMIT = 200_000  # cached codes per process; past it the cache starts again


class RowCache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Any] = {}
        self.counter: int | None = None
        self.checked = -math.inf

    def get(self, engine: Engine, scheme: str, codes: set[str]) -> dict[str, Any]:
        """The registered rows among `codes`, by code."""
        self._check(engine)
        found, missing = {}, []
        for code in codes:
            row = self.rows.get((scheme, code), missing)
            if row is missing:
                missing.append(code)
            elif row is not None:
                found[code] = row
        if missing:
            with engine.connect() as conn:
                fresh = {row.code: row for row in service.lookup_rows(conn, scheme, missing)}
            if len(self.rows) + len(missing) > LIMIT:
                self.rows.clear()
            self.rows.update(((scheme, code), fresh.get(code)) for code in missing)
            found.update(fresh)
        return found

    def forget(self) -> None:
        self.rows.clear()
        self.checked = -math.inf

    def _check(self, engine: Engine) -> None:
        """Drop every row when the counter moved; it is read first, so rows fetched after it are never older."""
        now = time.monotonic()
        if now - self.checked < CHECK_SECONDS:
            return
        with engine.connect() as conn:
            counter = changes.counters(conn).get(service.CHANGE_TOPIC)
        if counter != self.counter:
            self.rows.clear()
            self.counter = counter
        self.checked = now


_caches: "weakref.WeakKeyDictionary[Engine, RowCache]" = weakref.WeakKeyDictionary()


def registered_rows(engine: Engine, scheme: str, codes: set[str]) -> dict[str, Any]:
    """The registered rows of `scheme` among `codes`, through this process's cache for `engine`."""
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches.setdefault(engine, RowCache())
    return cache.get(engine, scheme, codes)


def forget() -> None:
    """Drop every cached row (after a commit in this process)."""
    for cache in list(_caches.values()):
        cache.forget()
