"""The pages' door to capabilities that may not be in this build yet (search, releases).

Each function answers None (or raises NotFound for a page that cannot exist without it) when the
capability is missing, so a page can say "not available yet" instead of showing made-up data.
"""

import re
from html import unescape
from importlib import import_module
from types import ModuleType
from typing import Any

from markupsafe import Markup, escape
from sqlmodel import Session

from registry.errors import NotFound

MARK_TAG = re.compile(r"(</?mark>)")


def optional(name: str) -> ModuleType | None:
    """Import module `name`, or None when it (not one of its own imports) is absent from this build."""
    try:
        return import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and name.startswith(error.name):
            return None
        raise


def releases_containing(session: Session, concept_id: int) -> list[dict[str, Any]] | None:
    """The releases holding a revision of the concept (oldest first), or None without releases."""
    as_of = optional("terms.as_of")
    return None if as_of is None else as_of.timeline(session, concept_id)


def concept_as_of(session: Session, concept_id: int, release: str) -> dict[str, Any]:
    """The concept as release `release` shows it; raise NotFound (also when releases are not built)."""
    as_of, releases = optional("terms.as_of"), optional("registry.releases.service")
    if as_of is None or releases is None:
        raise NotFound(f"release views are not available yet in this build (asked for '{release[:40]}')")
    return as_of.read_concept(session, concept_id, releases.resolve(session, release))


def search_ready() -> bool:
    """Whether this build has the search index."""
    return optional("api.search_index") is not None


def search(q: str, *, part: str, status: str, page: int, size: int) -> dict[str, Any]:
    """One page of hits for `q` from the search index (the same call as GET /api/v1/search)."""
    index = optional("api.search_index")
    if index is None:
        return {"hits": None}
    answer = index.search_concepts(q, part=int(part) if part else None, status=status or None, limit=size,
                                   offset=(page - 1) * size)
    hits = [{**hit, "snippet_html": marked(hit["snippet"])} for hit in answer["hits"]]
    return {"hits": hits, "total": answer["total"], "has_next": page * size < answer["total"]}


def marked(snippet: str | None) -> Markup:
    """A snippet as safe HTML: its text escaped exactly once, only `<mark>` tags kept."""
    parts = MARK_TAG.split(snippet or "")
    # Safe: every text part is escaped here; only the two literal tags pass through unescaped.
    return Markup("".join(p if p in ("<mark>", "</mark>") else escape(unescape(p)) for p in parts))  # noqa: S704
