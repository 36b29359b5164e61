"""Process start and stop: open the search index and keep it, and the validation cache, in step."""

import gc

from fastapi import FastAPI

from api import search_index
from codes import validation
from registry.database import get_engine
from terms.checking import store as term_checking
from terms.pinyin import default_pinyin


def start(app: FastAPI) -> None:
    search_index.start(app)
    term_checking.store_for(get_engine()).start()  # builds the term-checking automaton in the background
    notify_index = app.state.on_commit

    def on_commit() -> None:
        validation.forget_recent()
        term_checking.changed()
        notify_index()
    app.state.on_commit = on_commit
    settle_heap()


def settle_heap() -> None:
    """Load what loads lazily, then move every object alive at start out of the collector's reach.

    pypinyin's dictionaries, the search index and the app are some 300,000 long-lived objects; each full
    collection walked them all (~50–200 ms here), a pause that landed on whichever requests were in flight
    and set the validation GET's p99. Frozen objects are skipped by the collector: one that becomes garbage
    later is still freed by reference counting, and only a cycle among them waits until stop (a bounded,
    one-time cost: they were all alive at start)."""
    default_pinyin("证券")
    gc.collect()
    gc.freeze()


def stop(app: FastAPI) -> None:
    search_index.stop(app)
    term_checking.stop_all()
    gc.unfreeze()  # what the app held may now be garbage (tests start many apps in one process)
