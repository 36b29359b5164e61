"""Built term bases, kept current in each process by one background thread (never on a request's path).

The live state's automaton is rebuilt when the `terms` change counter (registry.changes) moves — every term
write bumps it in its own transaction — read at most once per `poll_seconds`; a commit in this process wakes
the thread at once. Until the new automaton is ready, checks use the previous one (a change is so seen within
a few seconds in every worker). A release never changes: its automaton is built once, on first use, and
the `RELEASES_KEPT` most recently used are kept.
"""

import ctypes
import ctypes.util
import logging
import threading
import weakref
from collections import OrderedDict
from functools import lru_cache

from sqlalchemy import Engine
from sqlmodel import Session

from registry import changes
from registry.errors import Unavailable
from registry.releases.models import Release
from terms.checking import source
from terms.checking.matcher import TermBase, build
from terms.service import CHANGE_TOPIC

RELEASES_KEPT = 2
WAIT_SECONDS = 120.0

log = logging.getLogger(__name__)


class Store:
    """This process's term bases for one database."""

    def __init__(self, engine: Engine, *, poll_seconds: float = 1.0) -> None:
        self.engine, self.poll_seconds = engine, poll_seconds
        self._live: TermBase | None = None
        self._counter: int | None = None
        self._releases: OrderedDict[int, TermBase] = OrderedDict()
        self._wanted: dict[int, str] = {}
        self._ready = threading.Condition()
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def live(self, *, wait: float = WAIT_SECONDS) -> TermBase:
        """The live state's term base (the newest built); wait for the first build."""
        self.start()
        with self._ready:
            if not self._ready.wait_for(lambda: self._live is not None, timeout=wait):
                raise Unavailable("the term base is still being built; retry in a few seconds")
            return self._live  # type: ignore[return-value]

    def release(self, release: Release, *, wait: float = WAIT_SECONDS) -> TermBase:
        """The term base of `release`; built on first use (by the background thread)."""
        self.start()
        with self._ready:
            if release.seq not in self._releases:
                self._wanted[release.seq] = release.name
                self._wake.set()
                if not self._ready.wait_for(lambda: release.seq in self._releases, timeout=wait):
                    raise Unavailable(f"the term base of release '{release.name}' is still being built; "
                                      "retry in a few seconds")
            self._releases.move_to_end(release.seq)
            return self._releases[release.seq]

    def changed(self) -> None:
        """A term write was committed in this process: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            with self._ready:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="term-checking", daemon=True)
                    self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def step(self) -> None:
        """One round: rebuild the live state if its counter moved, then build the releases asked for."""
        with self.engine.connect() as conn:
            counter = changes.counters(conn).get(CHANGE_TOPIC, 0)
        if self._live is None or counter != self._counter:
            with Session(self.engine) as session:  # read after the counter: never older than it
                live = build(source.live_concepts(session), label=None)
            give_back_memory()
            with self._ready:
                self._live, self._counter = live, counter
                self._ready.notify_all()
        for seq, name in list(self._wanted.items()):
            self._build_release(seq, name)

    def _build_release(self, seq: int, name: str) -> None:
        with Session(self.engine) as session:
            release = session.get(Release, seq)
            base = build(source.release_concepts(session, release), label=name) if release else None
        give_back_memory()
        with self._ready:
            self._wanted.pop(seq, None)
            if base is not None:
                self._releases[seq] = base
                while len(self._releases) > RELEASES_KEPT:
                    self._releases.popitem(last=False)
            self._ready.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:
                log.exception("term checking: building a term base failed; retrying")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()


def give_back_memory() -> None:
    """Return the heap freed by a build (its snapshots, the old automaton) to the system (glibc only): without
    it the worker's RSS keeps the build's peak."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


_stores: "weakref.WeakKeyDictionary[Engine, Store]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def store_for(engine: Engine, *, poll_seconds: float = 1.0) -> Store:
    """This process's store for `engine` (created, and its thread started, on first use)."""
    with _lock:
        store = _stores.get(engine)
        if store is None:
            store = _stores[engine] = Store(engine, poll_seconds=poll_seconds)
    return store


def changed() -> None:
    """After a commit in this process: every store looks for changes now."""
    for store in list(_stores.values()):
        store.changed()


def stop_all() -> None:
    """Stop every store's thread and forget the built term bases (process or app shutdown)."""
    with _lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.stop()
