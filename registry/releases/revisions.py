"""Revision rows shared by every versioned table, and the field-level diff between two snapshots.

A revision is an immutable full snapshot (`data`) of one entity after one write. Release membership is
the half-open range [rel_from, rel_to) of release sequence numbers that hold the revision; both are NULL
until the revision is first frozen into a release, so a release only touches what changed since the last.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import JSON, Field, Session, SQLModel, col, select

from registry.clock import utcnow


class RevisionBase(SQLModel):
    """Columns of a revision row; each domain declares `entity_id` with its own foreign key."""

    id: int | None = Field(default=None, primary_key=True)
    rev: int
    status: str = Field(max_length=20)
    scope: str = Field(max_length=40, description="part number or scheme slug (indexed with key by each table)")
    key: str = Field(max_length=100, description="sortable key at this revision: padded entry number or code")
    data: dict[str, Any] = Field(sa_type=JSON)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=40)
    change_note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    rel_from: int | None = Field(default=None, index=True)
    rel_to: int | None = Field(default=None, index=True)


def field_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """List the top-level fields whose value differs, with old and new values, in key order."""
    old = old or {}
    keys = sorted(set(old) | set(new))
    return [{"field": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def history(session: Session, revision: type[RevisionBase], entity_id: int) -> list[dict[str, Any]]:
    """Every revision of an entity, oldest first, with actor, time, note and the field-level diff to the
    revision before it."""
    rows = session.exec(select(revision).where(revision.entity_id == entity_id).order_by(col(revision.rev))).all()
    out, previous = [], None
    for row in rows:
        out.append({"revision": row.rev, "action": row.action, "actor": row.actor, "at": row.created_at,
                    "change_note": row.change_note, "status": row.status, "changes": field_diff(previous, row.data)})
        previous = row.data
    return out


def held_at(revision: type[RevisionBase], seq: int) -> list[Any]:
    """WHERE clauses selecting the revisions of `revision`'s table that the release numbered `seq` holds."""
    return [col(revision.rel_from) <= seq, or_(col(revision.rel_to).is_(None), col(revision.rel_to) > seq)]
