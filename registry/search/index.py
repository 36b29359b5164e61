"""The search index of one folder: open or build it, write changes, search it.

The index is a derived cache of the database, in whoosh 2.7.4 format. One meta document inside it
holds the schema version and the sync state (the revision watermark and the ids still awaited), so
the state changes in the same commit as the documents it describes, and a restart resumes from it.

Writers, in this process or another sharing the folder, take whoosh's write lock (``MAIN_WRITELOCK``,
an flock); readers never lock: each process keeps a `Snapshot` and swaps in a new one when the
table-of-contents generation changes.
"""

import contextlib
import gc
import hashlib
import multiprocessing
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.util.filelock import try_for
from whoosh.writing import MERGE_SMALL

from registry.search.bulkwriter import BulkSegmentWriter
from registry.search.documents import OPEN, SearchDocument
from registry.search.plan import plan as make_plan
from registry.search.query import SUGGEST_TIERS, Filters, Hit, Result, search
from registry.search.schema import META_GROUP, SCHEMA_VERSION, build_schema, whoosh_documents
from registry.search.segments import Snapshot

INDEX_NAME = "MAIN"
LOCK_NAME = "MAIN_WRITELOCK"


class IndexUnavailable(Exception):
    """The folder holds no readable index of the current schema."""


class Partitioned(Protocol):
    """A rebuild source: documents split into parts that child processes read on their own."""

    def partitions(self, count: int) -> list[Any]: ...

    def documents_in(self, part: Any) -> Iterable[SearchDocument]: ...


class Grouped(Protocol):
    """A catch-up source: the documents the index should hold for some groups (entities)."""

    def documents(self, groups: list[int]) -> Iterable[SearchDocument]: ...


class _ByGroups:
    """A Grouped source seen as a Partitioned one whose parts are lists of groups."""

    def __init__(self, source: Grouped) -> None:
        self.source = source

    def documents_in(self, part: list[int]) -> Iterable[SearchDocument]:
        return self.source.documents(part)


class SearchIndex:
    def __init__(self, directory: Path, *, hidden: dict[str, set[str]] | None = None) -> None:
        self.directory = Path(directory)
        self.hidden = tuple(sorted((k, frozenset(v)) for k, v in (hidden or {}).items()))
        self._snapshot: Snapshot | None = None
        self._swap = threading.Lock()

    # ---- reading ------------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            raise IndexUnavailable(f"search index {self.directory} is not open")
        return self._snapshot

    def exists(self) -> bool:
        """True when the folder holds an index of some generation (readable or not)."""
        return self.directory.is_dir() and TOC._latest_generation(self._storage(), INDEX_NAME) >= 0

    def open(self) -> Snapshot:
        """Load the newest generation; raise IndexUnavailable if it is missing, corrupt or outdated."""
        try:
            snapshot = self._load(None)
        except Exception as error:  # any failure to read the cache means: rebuild it
            raise IndexUnavailable(f"search index {self.directory} unreadable: {error!r}") from error
        if snapshot.meta.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable(f"search index {self.directory} has schema {snapshot.meta.get('schema')}")
        self._snapshot = snapshot
        return snapshot

    def refresh(self) -> bool:
        """Swap in the newest generation if another writer made one; True if it changed."""
        with self._swap:
            current = self.snapshot
            if TOC._latest_generation(self._storage(), INDEX_NAME) == current.generation:
                return False
            self._snapshot = self._load(current)
            return True

    def _load(self, previous: Snapshot | None) -> Snapshot:
        storage = _TrackingStorage(str(self.directory))
        try:
            snapshot = Snapshot(storage, INDEX_NAME, previous=previous)
            snapshot.warm()
        except BaseException:
            storage.close_opened()  # whoosh leaves files open when a table of contents is unreadable
            raise
        storage.opened.clear()
        return snapshot

    @property
    def state(self) -> dict[str, Any]:
        return dict(self.snapshot.meta.get("state") or {})

    def search(self, query: str, *, facets: dict[str, str] | None = None, lang: str | None = None,
               release: int | None = None, hide: dict[str, frozenset[str]] | None = None, limit: int = 20,
               offset: int = 0) -> tuple[Result, float]:
        """The page of hits and the total for `query`; also the milliseconds it took. `hide` excludes
        facet values beyond the index's own hidden ones (a release's scope and stage)."""
        started = time.perf_counter()
        result = search(self.snapshot, make_plan(query), self._filters(facets, lang, release, hide),
                        limit=limit, offset=offset)
        return result, (time.perf_counter() - started) * 1000

    def suggest(self, query: str, *, limit: int = 10) -> list[Hit]:
        """The best `limit` name completions (prefix, pinyin, initials) of live revisions."""
        result = search(self.snapshot, make_plan(query), self._filters(None, None, None, None),
                        limit=limit, tiers=SUGGEST_TIERS, count=False)
        return result.hits

    def _filters(self, facets, lang, release, hide=None) -> Filters:
        facets = dict(facets or {})
        hidden = tuple((k, v) for k, v in self.hidden if k not in facets)
        hidden += tuple(sorted((k, frozenset(v)) for k, v in (hide or {}).items() if v))
        return Filters(tuple(sorted(facets.items())), lang, release, hidden)

    def fingerprint(self) -> tuple[int, str]:
        """(revision count, content hash) of the open snapshot, comparable with `fingerprint_of`."""
        revs = [r for _, _, r in self.snapshot.revisions().values()]
        return fingerprint_of((r.key, r.digest, r.live, r.rel_from, r.rel_to) for r in revs)

    # ---- writing ------------------------------------------------------------------------------

    @contextmanager
    def locked(self, timeout: float = 0.0) -> Iterator[bool]:
        """Hold the folder's write lock; yields False (and holds nothing) if not had within `timeout`."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = self._storage().lock(LOCK_NAME)
        got = try_for(lock.acquire, timeout=timeout, delay=0.05) if timeout else lock.acquire()
        try:
            yield bool(got)
        finally:
            if got:
                lock.release()

    def replace_groups(self, groups: Iterable[int], documents: Iterable[SearchDocument],
                       state: dict[str, Any]) -> None:
        """Under the write lock: drop every document of `groups`, add `documents`, save `state`."""
        ix = FileIndex(self._storage(), schema=None, indexname=INDEX_NAME)
        writer = BulkSegmentWriter(ix, _lk=False)
        try:
            _drop_groups(writer, groups)
            _add(writer, documents)
            _add_meta(writer, state)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def add_in_bulk(self, groups: Iterable[int], source: Grouped, state: dict[str, Any], *,
                    procs: int = 2) -> int:
        """Under the write lock: `replace_groups` for a large backlog. The documents of `groups` are built
        in `procs` forked children (one rank-ordered segment each, as a rebuild writes them) and join the
        index in the same commit that drops the groups' old documents; return the documents added."""
        ix = FileIndex(self._storage(), schema=None, indexname=INDEX_NAME)
        ordered = sorted(set(groups))
        step = max(1, -(-len(ordered) // max(1, procs)))
        parts = [ordered[start:start + step] for start in range(0, len(ordered), step)] or [[]]
        segments, count = self._segments_of(ix, _ByGroups(source), parts, procs)
        writer = BulkSegmentWriter(ix, _lk=False)
        try:
            _drop_groups(writer, ordered)
            _add_meta(writer, state)
            writer.commit(mergetype=lambda w, old: MERGE_SMALL(w, old) + segments)
        except BaseException:
            writer.cancel()
            raise
        return count

    def rebuild(self, source: Partitioned, state: dict[str, Any], *, procs: int = 2) -> int:
        """Under the write lock: a new index of every document of `source`; returns the revision count."""
        self._reset_folder()
        ix = FileIndex.create(self._storage(), build_schema(), INDEX_NAME)
        segments, count = self._segments_of(ix, source, source.partitions(procs), procs)
        writer = BulkSegmentWriter(ix, _lk=False)
        _add_meta(writer, state)
        writer.commit(mergetype=lambda _writer, _old: segments)
        return count

    @staticmethod
    def _segments_of(ix: FileIndex, source: Partitioned, parts: list[Any], procs: int) -> tuple[list, int]:
        """One segment per part (in forked children when there are processes to spare); and the count."""
        if procs > 1 and len(parts) > 1:
            return _build_in_children(ix, source, parts)
        segments, count = [], 0
        for part in parts:
            segment, added = _build_segment(ix, source.documents_in(part))
            segments += [segment] if segment else []
            count += added
        return segments, count

    def _reset_folder(self) -> None:
        """Remove everything but the lock file (the index may be corrupt beyond whoosh's cleaning)."""
        for path in self.directory.iterdir():
            if path.name == LOCK_NAME:
                continue
            shutil.rmtree(path) if path.is_dir() else path.unlink()

    def _storage(self) -> FileStorage:
        return FileStorage(str(self.directory))


class _TrackingStorage(FileStorage):
    """A FileStorage that remembers the files it opened, to close them if loading fails."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.opened: list = []

    def open_file(self, name, **kwargs):
        opened = super().open_file(name, **kwargs)
        self.opened.append(opened)
        return opened

    def close_opened(self) -> None:
        for opened in self.opened:
            with contextlib.suppress(Exception):  # closing what a failed load left open, best effort
                opened.close()
        self.opened.clear()


def fingerprint_of(items: Iterable[tuple[int, str, bool, int | None, int | None]]) -> tuple[int, str]:
    """(count, sha256) over (revision key, content digest, live, rel_from, rel_to) items."""
    lines = sorted(f"{k}:{d}:{int(bool(live))}:{rf or 0}:{0 if rt in (None, OPEN) else rt}"
                   for k, d, live, rf, rt in items)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()



def _drop_groups(writer: BulkSegmentWriter, groups: Iterable[int]) -> None:
    """Delete every document of `groups`, and the metadata document, in the writer's pending commit."""
    with writer.searcher() as searcher:
        for group in set(groups) | {META_GROUP}:
            writer.delete_by_term("grp", str(group), searcher=searcher)

def _add(writer: BulkSegmentWriter, documents: Iterable[SearchDocument]) -> int:
    count = 0
    for doc in documents:
        for tokens, stored, columns in whoosh_documents(doc):
            writer.add_tokens(tokens, stored, columns)
        count += 1
    return count


def _add_meta(writer: BulkSegmentWriter, state: dict[str, Any]) -> None:
    writer.add_tokens({"grp": [META_GROUP]}, {"p": {"schema": SCHEMA_VERSION, "state": state}}, None)


def _build_segment(ix: FileIndex, documents: Iterable[SearchDocument]):
    """A segment of `documents` in rank order (so that its smallest document numbers rank best)."""
    writer = BulkSegmentWriter(ix, _lk=False)
    count = _add(writer, sorted(documents, key=lambda d: (d.rank, d.key)))
    if not count:
        writer.cancel()
        return None, 0
    return writer._finalize_segment(), count


def _child(ix: FileIndex, source: Partitioned, part: Any, results) -> None:
    # The child lives for one segment and its containers hold no cycles worth finding: the cyclic collector
    # only rescans the growing posting lists (a fifth of a 100,000-concept build).
    gc.disable()
    try:
        results.put(("ok", *_build_segment(ix, source.documents_in(part))))
    except BaseException as error:  # report, never hang the parent
        results.put(("error", repr(error), 0))


def _build_in_children(ix: FileIndex, source: Partitioned, parts: list[Any]) -> tuple[list, int]:
    """Each part in a forked child writing its own segment (the parent only collects them)."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    children = [context.Process(target=_child, args=(ix, source, part, results)) for part in parts]
    for child in children:
        child.start()
    outcomes = [results.get() for _ in children]
    for child in children:
        child.join()
    errors = [o[1] for o in outcomes if o[0] == "error"]
    if errors:
        raise RuntimeError(f"index build failed: {errors[0]}")
    return [o[1] for o in outcomes if o[1] is not None], sum(o[2] for o in outcomes)

