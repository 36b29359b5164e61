"""How the release machinery sees concepts: revision table, scope (parts), stage visibility, diffs."""

from typing import Any

from sqlmodel import Session, select

from registry.releases.revisions import field_diff
from registry.releases.versioned import VersionedTable
from terms.models import ConceptRevision, Part

PUBLISHED = frozenset({"approved", "deprecated"})
COMMENT_DRAFT = PUBLISHED | {"proposed"}


def _visible(stage: str) -> frozenset[str]:
    """A 征求意见稿 also shows proposed concepts; every later stage only approved and deprecated ones."""
    return COMMENT_DRAFT if stage == "comment_draft" else PUBLISHED


def _parts(session: Session) -> list[str]:
    return [str(n) for n in session.exec(select(Part.number).order_by(Part.number))]


def _parts_of_standard(session: Session, standard_id: int) -> list[str]:
    query = select(Part.number).where(Part.standard_id == standard_id).order_by(Part.number)
    return [str(n) for n in session.exec(query)]


def describe(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field changes, with terms compared term by term (added, removed, status changed)."""
    changes = [c for c in field_diff(old, new) if c["field"] != "terms"]
    if old.get("entry_number") != new.get("entry_number"):
        changes = [{**c, "kind": "renumbered"} if c["field"] == "entry_number" else c for c in changes]
    return changes + _term_changes(old.get("terms", []), new.get("terms", []))


def _term_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    before = {(t["lang"], t["text"]): t for t in old}
    after = {(t["lang"], t["text"]): t for t in new}
    out = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        field = f"term:{key[0]}:{key[1]}"
        if was is None or now is None:
            out.append({"field": field, "old": was and was["status"], "new": now and now["status"]})
        elif was != now:
            out.extend({"field": f"{field}.{c['field']}", "old": c["old"], "new": c["new"]}
                       for c in field_diff(was, now))
    return out


def label(snapshot: dict[str, Any]) -> str:
    preferred = next((t["text"] for t in snapshot["terms"]
                      if t["lang"] == "zh-CN" and t["status"] == "preferred"), "?")
    return f"{snapshot['entry_number']} {preferred}"


CONCEPTS = VersionedTable(kind="concept", revision=ConceptRevision, scope_key="parts", all_scopes=_parts,
                          visible=_visible, describe=describe, label=label, of_standard=_parts_of_standard)
