"""A process's in-memory view of the index: per-segment tables, loaded once per segment.

A `Snapshot` is immutable once built; a search holds the one it started with while the sync thread
swaps in a newer one, so no reader is ever closed under a running query. A segment's tables are reused
from the previous snapshot while the segment exists; new deletions only re-mask it.

Everything a query needs per document is here: the text document of each name document (`text_of`),
each name folded (exact and prefix matches are binary searches in `sorted_names`), each revision's
rank, facets and release range. A rebuild writes every segment in rank order, so inside such a
segment the smallest document numbers are the best ranked.
"""

import bisect
import heapq
import sys
from array import array
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from whoosh.index import TOC
from whoosh.reading import SegmentReader

from registry.search.documents import OPEN
from registry.search.postings import doc_ids
from registry.search.schema import FLAG_LIVE, FLAG_PRIMARY, KIND_NAME, KIND_TEXT, META_GROUP, ROW, decode_info

NO_DOC = 0xFFFFFFFF
_EMPTY_ROW = (0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class Revision:
    key: int
    group: int
    rank: str
    digest: str
    facets: dict[str, str]
    live: bool
    rel_from: int
    rel_to: int

    def passes(self, release: int | None, facets: tuple, hidden: tuple) -> bool:
        if release is None and not self.live:
            return False
        if release is not None and not (self.rel_from and self.rel_from <= release < (self.rel_to or OPEN)):
            return False
        if any(self.facets.get(f) != v for f, v in facets):
            return False
        return not any(self.facets.get(f) in values for f, values in hidden)


class SegmentTables:
    """What never changes in a segment: its reader and per-document tables."""

    def __init__(self, storage, schema, segment, generation: int) -> None:
        self.segment_id = segment.segment_id()
        count = segment.doc_count_all()
        self.reader = SegmentReader(storage, schema, segment, generation=generation)
        self.rows = _load_rows(self.reader, count)
        extra = _load_extra(self.reader, count)
        self.text_of = array("I", [NO_DOC]) * count
        self.folded: list[str | None] = [None] * count
        self.langs: list[str | None] = [None] * count
        self.choices: list[str] = [""] * count  # per name document, its readings (analyzers.reading_choices)
        self.revisions: dict[int, Revision] = {}  # by text document number
        self.names_of: dict[int, list[int]] = {}  # text document → its name documents
        self._load(extra)
        pairs = sorted((name, d) for d, name in enumerate(self.folded) if name is not None)
        self.sorted_names = [name for name, _ in pairs]
        self.sorted_docs = array("I", [d for _, d in pairs])
        ranks = [self.revisions[d].rank for d in sorted(self.revisions)]
        self.rank_sorted = all(a <= b for a, b in pairwise(ranks))
        self.vocabularies: dict[str, frozenset[str]] = {}
        self.failing = lru_cache(maxsize=16)(self._failing)

    def _failing(self, release: int | None, facets: tuple, hidden: tuple) -> frozenset[int]:
        """Text documents whose revision fails the filters (deletions aside; cached per segment)."""
        return frozenset(d for d, r in self.revisions.items() if not r.passes(release, facets, hidden))

    def _load(self, extra: list[bytes]) -> None:
        text = NO_DOC
        for docnum, (key, group, kind, flags, _, rel_from, rel_to) in enumerate(self.rows):
            if kind == KIND_TEXT:
                text = docnum
                rank, digest, facets = decode_info(extra[docnum])
                self.revisions[docnum] = Revision(key, group, rank, digest, facets, bool(flags & FLAG_LIVE),
                                                  rel_from, rel_to)
                self.text_of[docnum] = docnum
            elif kind == KIND_NAME and text != NO_DOC and self.rows[text][0] == key:
                lang, self.folded[docnum], self.choices[docnum] = extra[docnum].decode().split("\x1f", 2)
                self.langs[docnum] = sys.intern(lang)
                self.text_of[docnum] = text
                self.names_of.setdefault(text, []).append(docnum)


class SegmentView:
    """A segment as of one generation: its tables and the text documents not deleted."""

    def __init__(self, tables: SegmentTables, deleted: frozenset[int]) -> None:
        self.tables = tables
        self.reader = tables.reader
        self.text_of, self.folded, self.langs = tables.text_of, tables.folded, tables.langs
        self.choices = tables.choices
        self.names_of = tables.names_of
        self.deleted = deleted
        self.excluded = lru_cache(maxsize=16)(self._excluded)

    def _excluded(self, release: int | None, facets: tuple, hidden: tuple) -> frozenset[int]:
        """Text documents that fail the filters, and deleted ones."""
        return self.deleted | self.tables.failing(release, facets, hidden)

    @property
    def revisions(self) -> dict[int, Revision]:
        """The revisions not deleted, by text document number."""
        return {d: r for d, r in self.tables.revisions.items() if d not in self.deleted}

    def is_primary(self, docnum: int) -> bool:
        return bool(self.tables.rows[docnum][3] & FLAG_PRIMARY)

    def name_index(self, docnum: int) -> int:
        return self.tables.rows[docnum][4]

    def names_starting(self, prefix: str) -> tuple[list[int], list[int]]:
        """(name documents equal to `prefix`, name documents starting with it but longer)."""
        names, docs = self.tables.sorted_names, self.tables.sorted_docs
        low = bisect.bisect_left(names, prefix)
        high = bisect.bisect_left(names, prefix + "\U0010ffff", low)
        equal = bisect.bisect_right(names, prefix, low, high)
        return list(docs[low:equal]), list(docs[equal:high])

    def best(self, docs: set[int], count: int) -> list[int]:
        """The `count` best-ranked text documents of `docs`."""
        if self.tables.rank_sorted:
            return heapq.nsmallest(count, docs)
        ranks = self.tables.revisions
        return heapq.nsmallest(count, docs, key=lambda d: (ranks[d].rank, d))

    def vocabulary(self, field: str) -> frozenset[str]:
        """Every token of `field` in this segment (for typo look-ups), read once per segment."""
        found = self.tables.vocabularies.get(field)
        if found is None:
            found = frozenset(t.decode() for t in self.reader.lexicon(field))
            self.tables.vocabularies[field] = found
        return found

    def payload(self, docnum: int) -> dict:
        return self.reader.stored_fields(docnum).get("p") or {}


class Snapshot:
    """Every segment of one index generation."""

    def __init__(self, storage, indexname: str, previous: "Snapshot | None" = None) -> None:
        toc = TOC.read(storage, indexname)
        self.generation = toc.generation
        old = {v.tables.segment_id: v.tables for v in previous.views} if previous else {}
        self.views = []
        for segment in toc.segments:
            tables = old.get(segment.segment_id())
            if tables is None:
                tables = SegmentTables(storage, toc.schema, segment, toc.generation)
            self.views.append(SegmentView(tables, frozenset(segment.deleted_docs() or ())))
        self.meta = _load_meta(self.views)

    def revisions(self) -> dict[int, tuple[SegmentView, int, Revision]]:
        """Every indexed revision by key: (its segment, its text document, the revision)."""
        return {r.key: (v, d, r) for v in self.views for d, r in v.revisions.items()}

    def warm(self, fields: tuple[str, ...] = ("w", "f")) -> None:
        """Load the typo vocabularies now rather than on the first query that needs them."""
        for view in self.views:
            for field in fields:
                view.vocabulary(field)

    def close(self) -> None:
        for view in self.views:
            view.reader.close()


def _load_meta(views: list[SegmentView]) -> dict:
    """The payload of the meta document (schema version, sync state); {} if there is none."""
    for view in reversed(views):
        for docnum in doc_ids(view.reader, "grp", META_GROUP):
            if docnum not in view.deleted:
                return view.payload(docnum)
    return {}


def _load_rows(reader: SegmentReader, doccount: int) -> list[tuple]:
    """All rows of the fixed-size ``m`` column in one read."""
    if not reader.has_column("m"):
        return [_EMPTY_ROW] * doccount
    column = reader.column_reader("m", translate=False)
    rows = list(ROW.iter_unpack(column._dbfile.get(column._basepos, column._count * ROW.size)))
    return rows + [_EMPTY_ROW] * (doccount - len(rows))


def _load_extra(reader: SegmentReader, doccount: int) -> list[bytes]:
    """All values of the variable-size ``r`` column (rank and facets, or a name's language and text)."""
    if not reader.has_column("r"):
        return [b""] * doccount
    column = reader.column_reader("r", translate=False)
    data = column._dbfile.get(column._basepos, sum(column._lengths))
    return [data[o:o + n] for o, n in zip(column._offsets, column._lengths, strict=False)]
