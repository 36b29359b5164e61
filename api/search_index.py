"""The process-wide search index: built with the terms source, opened at start, kept in step.

The app's lifespan calls `start(app)` / `stop(app)` (via api/lifecycle.py); the CLI calls
`open_index`. Retired concepts are hidden from searches unless a search asks for status=retired.
"""

import functools
import os
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from registry.database import get_engine
from registry.releases.models import Release
from registry.search.index import SearchIndex
from registry.search.source import RevisionSource
from registry.search.sync import Syncer, ensure_open
from registry.settings import Settings, get_settings
from terms.documents import hit_answer, revision_document, snapshot_digest
from terms.models import MAX_PART, ConceptRevision, ConceptStatus
from terms.versioned import CONCEPTS

HIDDEN = {"status": {"retired"}}

_index: SearchIndex | None = None
_syncer: Syncer | None = None


def terms_source(engine: Engine) -> RevisionSource:
    return RevisionSource(engine, ConceptRevision, revision_document, snapshot_digest)


def build_procs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def open_index(settings: Settings, engine: Engine) -> SearchIndex:
    """Open this process's index (rebuilding it if missing, corrupt, outdated or foreign) and catch up."""
    global _index
    index = SearchIndex(settings.resolved_index_dir, hidden=HIDDEN)
    ensure_open(index, terms_source(engine), procs=build_procs())
    _index = index
    return index


def start_sync(index: SearchIndex, engine: Engine, settings: Settings) -> Syncer:
    """Start this process's sync thread (one per process)."""
    global _syncer
    stop_sync()
    _syncer = Syncer(index, terms_source(engine), poll_seconds=settings.index_poll_seconds)
    _syncer.start()
    return _syncer


def stop_sync() -> None:
    global _syncer
    if _syncer is not None:
        _syncer.stop()
        _syncer = None


def get_index() -> SearchIndex:
    """The open index; opened on first use when the app was started without its lifespan."""
    if _index is None:
        return open_index(get_settings(), get_engine())
    return _index


def current_index() -> SearchIndex | None:
    """The open index, or None (not opened yet); never opens one (for /metrics)."""
    return _index


def notify_change() -> None:
    """Call after a commit: index it now, so a search in this process sees it immediately."""
    if _syncer is not None:
        _syncer.notify()


def search_concepts(q: str, *, part: int | None = None, status: str | None = None, lang: str | None = None,
                    limit: int = 20, offset: int = 0, release: Release | None = None) -> dict[str, Any]:
    """The search answer: total, took_ms and the page of hits (see terms.documents.hit_answer); with a
    release, what it shows: the revisions it holds, within its parts, at its stage's statuses."""
    facets = {"part": str(part) if part else None, "status": status}
    result, took = get_index().search(q, facets={k: v for k, v in facets.items() if v}, lang=lang,
                                      release=release.seq if release else None, hide=_hidden_by(release),
                                      limit=limit, offset=offset)
    return {"total": result.total, "took_ms": round(took, 3), "hits": [hit_answer(h) for h in result.hits]}


def _hidden_by(release: Release | None) -> dict[str, frozenset[str]] | None:
    if release is None:
        return None
    visible = CONCEPTS.visible(release.stage) or frozenset(ConceptStatus)
    return {"status": frozenset(ConceptStatus) - visible, "part": _parts_outside(tuple(release.scope.get("parts", [])))}


@functools.lru_cache(maxsize=64)
def _parts_outside(scope: tuple[str, ...]) -> frozenset[str]:
    """Every possible part number (any standard's, up to MAX_PART) that a release's scope leaves out."""
    return frozenset(str(n) for n in range(1, MAX_PART + 1)) - set(scope)


def suggest_terms(q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Up to `limit` completions: the matched term, its concept and preferred term, distinct texts."""
    found: dict[str, dict[str, Any]] = {}
    for hit in get_index().suggest(q, limit=limit * 2):
        text = hit.matched_name or hit.payload.get("term")
        if text and text not in found:
            found[text] = {"text": text, "concept_id": hit.group, "term": hit.payload.get("term"),
                           "matched_field": hit.matched_field}
    return list(found.values())[:limit]


def start(app: FastAPI) -> None:
    settings, engine = get_settings(), get_engine()
    index = open_index(settings, engine)
    start_sync(index, engine, settings)
    app.state.on_commit = notify_change


def stop(app: FastAPI) -> None:
    global _index
    stop_sync()
    app.state.on_commit = None
    _index = None
