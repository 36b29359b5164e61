"""Registry rows for validation, cached in each process until the code library changes.

High-volume validation asks for the same codes again and again. Rows — and absences — are kept until the
`codes` change counter (registry.changes) moves; the counter is read at most once per CHECK_SECONDS, so a
write in another process is seen within that time, and `forget()` after a commit in this process makes the
write visible here at once. Between writes the hot path never touches the database. Whole answers derived
from the rows (a single code's validation) can be kept alongside and are dropped with them.
"""

import math
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Engine

from codes import service
from registry import changes

CHECK_SECONDS = 1.0
LIMIT = 200_000  # cached codes per process; past it the cache starts again


class RowCache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Any] = {}
        self.answers: dict[Hashable, Any] = {}  # whole answers derived from the rows, dropped with them
        self.counter: int | None = None
        self.checked = -math.inf

    def answer(self, engine: Engine, key: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`, remembered under `key` until the rows are dropped."""
        self._check(engine)
        found = self.answers.get(key)
        if found is None:
            if len(self.answers) >= LIMIT:
                self.answers.clear()
            found = self.answers[key] = compute()
        return found

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
                self._drop()
            self.rows.update(((scheme, code), fresh.get(code)) for code in missing)
            found.update(fresh)
        return found

    def forget(self) -> None:
        self._drop()
        self.checked = -math.inf

    def _drop(self) -> None:
        self.rows.clear()
        self.answers.clear()

    def _check(self, engine: Engine) -> None:
        """Drop every row when the counter moved; it is read first, so rows fetched after it are never older."""
        now = time.monotonic()
        if now - self.checked < CHECK_SECONDS:
            return
        with engine.connect() as conn:
            counter = changes.counters(conn).get(service.CHANGE_TOPIC)
        if counter != self.counter:
            self._drop()
            self.counter = counter
        self.checked = now


_caches: "weakref.WeakKeyDictionary[Engine, RowCache]" = weakref.WeakKeyDictionary()


def registered_rows(engine: Engine, scheme: str, codes: set[str]) -> dict[str, Any]:
    """The registered rows of `scheme` among `codes`, through this process's cache for `engine`."""
    return _cache(engine).get(engine, scheme, codes)


def remembered(engine: Engine, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()` — an answer derived from registry rows — kept in this process until the rows change."""
    return _cache(engine).answer(engine, key, compute)


def _cache(engine: Engine) -> RowCache:
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches.setdefault(engine, RowCache())
    return cache


def counter_age(engine: Engine) -> float | None:
    """Seconds since this process last read the change counter for `engine` (None: not yet); /metrics."""
    cache = _caches.get(engine)
    if cache is None or cache.checked == -math.inf:
        return None
    return time.monotonic() - cache.checked


def forget() -> None:
    """Drop every cached row (after a commit in this process)."""
    for cache in list(_caches.values()):
        cache.forget()
