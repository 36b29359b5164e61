"""Where search documents come from: the revision table of a versioned domain.

An indexable revision is the entity's newest one (its *live* revision) or one held by a release
(``rel_from`` set). The domain turns a row into a `SearchDocument` with `to_document`; this module
only knows the generic revision columns (id, entity_id, rev, rel_from, rel_to, data) and the
release table's ``seq``.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import DBAPIError

from registry.releases.revisions import RevisionBase
from registry.search.documents import SearchDocument

CHUNK = 500
SMALL = 20_000  # revisions below which a rebuild stays in one process


@dataclass(frozen=True)
class Row:
    id: int
    entity_id: int
    rev: int
    rel_from: int | None
    rel_to: int | None
    data: dict[str, Any]


ToDocument = Callable[[Row, bool], SearchDocument]  # (row, live) → document
Digest = Callable[[dict[str, Any]], str]


class RevisionSource:
    """Reads one revision table. Safe to use after fork: each process builds its own engine."""

    def __init__(self, engine: Engine, table: type[RevisionBase], to_document: ToDocument,
                 digest: Digest) -> None:
        self._engine, self._pid, self._url = engine, os.getpid(), engine.url
        self.table = table.__table__
        self.to_document, self.digest = to_document, digest

    @property
    def engine(self) -> Engine:
        if os.getpid() != self._pid:  # a forked child must not share the parent's pooled connections
            from registry.database import build_engine
            self._engine = build_engine(self._url.render_as_string(hide_password=False))
            self._pid = os.getpid()
        return self._engine

    # ---- changes ---------------------------------------------------------------------------------

    def max_id(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(self.table.c.id))).scalar() or 0

    def ids_after(self, after: int, limit: int | None) -> list[tuple[int, int]]:
        """(id, entity id) of revisions with id > `after`, ascending, at most `limit` (None: all)."""
        t = self.table.c
        query = select(t.id, t.entity_id).where(t.id > after).order_by(t.id).limit(limit)
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]

    def ids_between(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """(id, entity id) of revisions inside any of the inclusive id `ranges`."""
        if not ranges:
            return []
        t = self.table.c
        query = select(t.id, t.entity_id).where(or_(*(t.id.between(lo, hi) for lo, hi in ranges)))
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]

    def release_seqs(self) -> set[int]:
        """Sequence numbers of every release (empty while there is no release table)."""
        from registry.releases.models import Release

        try:
            with self.engine.connect() as conn:
                return set(conn.execute(select(Release.seq)).scalars())
        except DBAPIError:
            return set()

    def entities_in_releases(self, seqs: set[int]) -> set[int]:
        """Entities with a revision whose release range starts or ends at one of `seqs`."""
        if not seqs:
            return set()
        t = self.table.c
        query = select(t.entity_id).distinct().where(or_(t.rel_from.in_(seqs), t.rel_to.in_(seqs)))
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def documents(self, entities: Iterable[int]) -> list[SearchDocument]:
        """The documents the index should hold for `entities` (their live and released revisions)."""
        entities = sorted(set(entities))
        found = []
        for start in range(0, len(entities), CHUNK):
            rows = self._indexable(entities[start:start + CHUNK])
            found += [self.to_document(row, live) for row, live in rows]
        return found

    # ---- whole table -----------------------------------------------------------------------------

    def partitions(self, count: int) -> list[tuple[int, int]]:
        """Entity id ranges of about equal size (one range for a small table: not worth a process)."""
        with self.engine.connect() as conn:
            low, high, rows = conn.execute(select(func.min(self.table.c.entity_id),
                                                  func.max(self.table.c.entity_id), func.count())).one()
        if low is None:
            return [(0, 0)]
        if rows < SMALL:
            return [(low, high)]
        step = max(1, -(-(high - low + 1) // count))
        return [(lo, min(lo + step - 1, high)) for lo in range(low, high + 1, step)]

    def documents_in(self, part: tuple[int, int]) -> Iterator[SearchDocument]:
        for row, live in self._indexable_range(*part):
            yield self.to_document(row, live)

    def fingerprint_items(self) -> Iterator[tuple[int, str, bool, int | None, int | None]]:
        """(id, digest, live, rel_from, rel_to) of every indexable revision (for `index check`)."""
        with self.engine.connect() as conn:
            low, high = conn.execute(select(func.min(self.table.c.entity_id),
                                            func.max(self.table.c.entity_id))).one()
        if low is None:
            return
        for row, live in self._indexable_range(low, high):
            yield row.id, self.digest(row.data), live, row.rel_from, row.rel_to

    # ---- queries ---------------------------------------------------------------------------------

    def _indexable(self, entities: list[int]) -> Iterator[tuple[Row, bool]]:
        yield from self._select(self.table.c.entity_id.in_(entities))

    def _indexable_range(self, low: int, high: int, batch: int = 20_000) -> Iterator[tuple[Row, bool]]:
        for start in range(low, high + 1, batch):
            yield from self._select(self.table.c.entity_id.between(start, min(start + batch - 1, high)))

    def _select(self, which) -> Iterator[tuple[Row, bool]]:
        t = self.table.c
        newest = (select(t.entity_id.label("entity"), func.max(t.rev).label("rev"))
                  .where(which).group_by(t.entity_id).subquery())
        query = (select(t.id, t.entity_id, t.rev, t.rel_from, t.rel_to, t.data, newest.c.rev)
                 .join(newest, newest.c.entity == t.entity_id)
                 .where(which, or_(t.rel_from.is_not(None), and_(t.rev == newest.c.rev)))
                 .order_by(t.id))
        with self.engine.connect() as conn:
            for rid, entity, rev, rel_from, rel_to, data, newest_rev in conn.execute(query):
                yield Row(rid, entity, rev, rel_from, rel_to, data), rev == newest_rev
