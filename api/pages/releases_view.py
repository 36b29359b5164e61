"""Gather what the release pages show: the list, one release's notes and counts, a diff of two."""

import json
from typing import Any
from urllib import parse

from sqlmodel import Session

from api.pages import document_pages
from api.versioned import TABLES
from registry.releases import service
from registry.releases.models import Release

SHOWN_PER_GROUP = 1000


def counts(release: Release) -> dict[str, dict[str, int]]:
    return {table.kind: service.counts(release, table) for table in TABLES}


def list_page(session: Session) -> dict[str, Any]:
    releases = service.list_releases(session)
    return {"releases": [{"r": r, "counts": counts(r)} for r in releases]}


def release_page(session: Session, name: str) -> dict[str, Any]:
    """One release: notes, stage, scope, counts per part and scheme, and its predecessor to compare with."""
    release = service.resolve(session, name)
    older = [r for r in service.list_releases(session) if r.seq < release.seq]
    return {"r": release, "counts": counts(release), "previous": older[0] if older else None,
            "documents": document_pages.release_documents(session, release)}


def diff_page(session: Session, a: str, b: str) -> dict[str, Any]:
    """Added, changed (field by field) and removed entries from release `a` to `b`, each group capped."""
    old, new = service.resolve(session, a), service.resolve(session, b)
    result = service.diff(session, old, new, TABLES)
    groups = {key: [_linked(e, new if key != "removed" else old) for e in result[key][:SHOWN_PER_GROUP]]
              for key in ("added", "changed", "removed")}
    sizes = {key: len(result[key]) for key in groups}
    return {"a": old, "b": new, "groups": groups, "sizes": sizes, "counts": result["counts"],
            "cap": SHOWN_PER_GROUP}


def quote(value: str) -> str:
    """`value` as one URL path segment."""
    return parse.quote(value, safe="")


def _linked(entry: dict[str, Any], release: Release) -> dict[str, Any]:
    """The entry with the page that shows it as of `release`, and printable field changes."""
    if entry["kind"] == "concept":
        href = f"/concepts/{entry['id']}?release={release.name}"
    else:  # a code's label starts with the code itself (codes/versioned.py)
        href = f"/schemes/{quote(entry['scope'])}/{quote(entry['label'].split(' ', 1)[0])}"
    changes = [{**c, "old": printable(c["old"]), "new": printable(c["new"])}
               for change in entry.get("changes", []) for c in by_key(change)]
    return {**entry, "href": href, "changes": changes}


def by_key(change: dict[str, Any]) -> list[dict[str, Any]]:
    """A change of an object-valued field (a definition in two languages) as one change per key."""
    old, new = change["old"], change["new"]
    if not isinstance(old or {}, dict) or not isinstance(new or {}, dict) or not (old or new):
        return [change]
    old, new = old or {}, new or {}
    return [{"field": f"{change['field']}.{key}", "old": old.get(key), "new": new.get(key)}
            for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]


def printable(value: Any) -> str:
    """A field value as text: strings as they are, absent as '', lists and objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
