"""Gather what one term-base page shows from the services: a fixed number of queries per page."""

from typing import Any

from sqlmodel import Session

from api.pages import document_pages, features, forms, views
from registry.auth import Actor
from registry.errors import NotFound
from terms import labels, service


def concept_id(raw: str) -> int:
    """The id in a page URL; a non-number is an absent page (404), not a malformed request."""
    if not raw.isdigit() or len(raw) > 15:
        raise NotFound(f"concept '{raw[:40]}' does not exist; concept ids are numbers")
    return int(raw)


def concept_page(session: Session, raw_id: str, *, release: str | None = None,
                 actor: Actor | None = None) -> dict[str, Any]:
    """The entry (current, or as of `release`), its links, history and releases."""
    number = concept_id(raw_id)
    snapshot = _snapshot(session, number, release)
    link_labels = labels.entry_labels(session, views.referenced_ids(snapshot))
    return {"c": snapshot, "entry": views.entry_view(snapshot, link_labels), "title": views.headline(snapshot),
            "part": service.get_part(session, snapshot["part"]), "release": release,
            "history": views.history_view(service.concept_history(session, number)),
            "releases": features.releases_containing(session, number),
            "moves": [] if release else views.moves(snapshot["status"], actor)}


def _snapshot(session: Session, number: int, release: str | None) -> dict[str, Any]:
    if release:
        return features.concept_as_of(session, number, release)
    return service.read_concept(session, number)


def edit_page(session: Session, raw_id: str) -> dict[str, Any]:
    """The edit form filled from the current revision."""
    snapshot = service.read_concept(session, concept_id(raw_id))
    values = forms.from_snapshot(snapshot, snapshot["revision"])
    return edit_context(snapshot, values)


def edit_context(snapshot: dict[str, Any], values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"c": snapshot, "title": views.headline(snapshot), "form": forms.with_blank_rows(values),
            "errors": {}, "stale": None, **extra}


def part_page(session: Session, number: int) -> dict[str, Any]:
    """A part's entries as a tree by 条目编号."""
    part = service.get_part(session, number)
    outline = labels.part_outline(session, number)
    return {"part": part, "tree": views.part_tree(outline), "count": len(outline),
            "figures": document_pages.part_figures(session, number)}
