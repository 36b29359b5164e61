"""Keeping the index in step with the database, in every process that searches.

Each process runs one `Syncer` thread. Every poll it tries the index folder's write lock without
waiting; whoever gets it applies what changed since the watermark stored in the index (revision ids
above it, ids still awaited, new releases) and commits; every process then swaps in the newest
generation. A write is so visible to all processes within two polls.

Revision ids from a PostgreSQL sequence commit out of order: an id below the highest one seen may
still appear. Such ids are *gaps*, kept as id ranges with the time they were first missed and looked
for again on every poll until `GAP_PATIENCE` seconds have passed (then the transaction that took the
id is taken to have rolled back).
"""

import logging
import threading
import time
from typing import Any, Protocol

from registry.search.documents import SearchDocument
from registry.search.index import IndexUnavailable, SearchIndex

GAP_PATIENCE = 60.0
BATCH = 5000
BULK = 20_000  # revisions behind from which a catch-up builds whole segments (registry.search.index)
TAIL = 1000  # ids below the high-water mark a rebuild looks at for gaps
MAX_GAPS = 1000

log = logging.getLogger(__name__)


class ChangeSource(Protocol):
    def max_id(self) -> int: ...

    def ids_after(self, after: int, limit: int | None) -> list[tuple[int, int]]: ...

    def ids_between(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]: ...

    def release_seqs(self) -> set[int]: ...

    def entities_in_releases(self, seqs: set[int]) -> set[int]: ...

    def documents(self, entities) -> list[SearchDocument]: ...

    def partitions(self, count: int) -> list[Any]: ...

    def documents_in(self, part: Any): ...


def apply_changes(index: SearchIndex, source: ChangeSource, *, now: float | None = None, procs: int = 1) -> int:
    """Under the write lock: index what changed since the stored watermark; return the entities redone.
    A backlog of `BULK` revisions or more (a large import) is indexed in one go, its segments built like a
    rebuild's (in `procs` processes); a smaller one `BATCH` revisions at a time."""
    now = time.time() if now is None else now
    state = index.state
    bulk = source.max_id() - state.get("max_id", 0) >= BULK
    entities, new_state = _changes(state, source, now, limit=None if bulk else BATCH)
    if bulk:
        index.add_in_bulk(entities, source, new_state, procs=procs)
    elif entities or new_state != state:
        index.replace_groups(entities, source.documents(entities), new_state)
    return len(entities)


def _changes(state: dict[str, Any], source: ChangeSource, now: float,
             limit: int | None) -> tuple[set[int], dict[str, Any]]:
    """The entities to index again since `state`, and the state after them (watermark, gaps, releases)."""
    high = state.get("max_id", 0)
    gaps = [tuple(g) for g in state.get("gaps", [])]
    entities: set[int] = set()
    if gaps:
        found = source.ids_between([(lo, hi) for lo, hi, _ in gaps])
        entities |= {entity for _, entity in found}
        gaps = _without(gaps, {rid for rid, _ in found})
    for rid, entity in source.ids_after(high, limit):
        if rid > high + 1:
            gaps.append((high + 1, rid - 1, now))
        high = rid
        entities.add(entity)
    gaps = [g for g in gaps if now - g[2] < GAP_PATIENCE][-MAX_GAPS:]
    releases = source.release_seqs()
    entities |= source.entities_in_releases(releases - set(state.get("releases", [])))
    return entities, {"max_id": high, "gaps": [list(g) for g in gaps], "releases": sorted(releases)}


def rebuild(index: SearchIndex, source: ChangeSource, *, procs: int = 2) -> int:
    """Under the write lock: the whole index anew; the watermark is the highest id before reading."""
    now = time.time()
    high = source.max_id()
    present = {rid for rid, _ in source.ids_between([(max(1, high - TAIL), high)])} if high else set()
    gaps = _ranges(set(range(max(1, high - TAIL), high + 1)) - present, now)
    state = {"max_id": high, "gaps": gaps, "releases": sorted(source.release_seqs())}
    return index.rebuild(source, state, procs=procs)


def ensure_open(index: SearchIndex, source: ChangeSource, *, procs: int = 2, wait: float = 600.0) -> bool:
    """Open the index, rebuilding it (once, whichever process gets the lock) if it is missing, corrupt,
    of another schema or ahead of the database; then catch up. True if this call rebuilt it.

    Workers starting together on an empty folder: one builds while the others wait for the lock and then
    open what it built. The first look is taken without the lock (it may see a build under way) and says
    nothing; the look under the lock logs why a build is needed, once: INFO for a missing index."""
    if _usable(index, source, quiet=True):
        catch_up(index, source, procs=procs)
        return False
    with index.locked(timeout=wait) as got:
        if not got:
            raise IndexUnavailable(f"search index {index.directory} is locked by another process")
        rebuilt = not _usable(index, source)
        if rebuilt:
            rebuild(index, source, procs=procs)
            index.open()
    catch_up(index, source, procs=procs)
    return rebuilt


def catch_up(index: SearchIndex, source: ChangeSource, *, procs: int = 1) -> None:
    """Apply changes until none are left (used at start, before serving; a large backlog is indexed in
    `procs` processes)."""
    while True:
        with index.locked(timeout=30.0) as got:
            if not got:
                return
            index.refresh()
            if not apply_changes(index, source, procs=procs):
                index.refresh()
                return
        index.refresh()


def _usable(index: SearchIndex, source: ChangeSource, *, quiet: bool = False) -> bool:
    missing = not index.exists()
    try:
        if missing:
            raise IndexUnavailable(f"no search index in {index.directory}")
        index.open()
    except IndexUnavailable as error:
        if quiet:
            return False
        if missing:
            log.info("search index %s not built yet: building it from the database", index.directory)
        else:
            log.warning("search index will be rebuilt: %s", error)
        return False
    if index.state.get("max_id", 0) > source.max_id():
        if not quiet:
            log.warning("search index is ahead of the database (another database?): rebuilding")
        return False
    return True


def _without(gaps: list[tuple], found: set[int]) -> list[tuple]:
    """The gap ranges minus the ids now found."""
    kept = []
    for lo, hi, since in gaps:
        inside = sorted(i for i in found if lo <= i <= hi)
        for start, end in zip([lo] + [i + 1 for i in inside], [i - 1 for i in inside] + [hi], strict=True):
            if start <= end:
                kept.append((start, end, since))
    return kept


def _ranges(ids: set[int], since: float) -> list[list]:
    found: list[list] = []
    for rid in sorted(ids):
        if found and found[-1][1] == rid - 1:
            found[-1][1] = rid
        else:
            found.append([rid, rid, since])
    return found


class Syncer:
    """The per-process thread: poll, apply if this process holds the lock, swap in new generations."""

    def __init__(self, index: SearchIndex, source: ChangeSource, *, poll_seconds: float = 0.5) -> None:
        self.index, self.source, self.poll_seconds = index, source, poll_seconds
        self._wake, self._stop = threading.Event(), threading.Event()
        self._mutex = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="search-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def step(self, *, wait: float = 0.0) -> None:
        """One round: apply pending changes if the lock is had within `wait` seconds, then refresh."""
        with self._mutex:
            with self.index.locked(timeout=wait) as got:
                if got:
                    self.index.refresh()
                    apply_changes(self.index, self.source)
            self.index.refresh()

    def notify(self) -> None:
        """A write was committed in this process: apply it now, so this process sees it at once."""
        try:
            self.step(wait=5.0)
        except Exception:  # the write itself succeeded; the poll will retry the index update
            log.exception("search index update after a commit failed; the next poll retries")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:
                log.exception("search index sync failed; retrying")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
