"""Writing many concepts at once: the rows terms.service.write_fields writes for one concept (columns,
terms, cross references, a full-snapshot revision, an audit event), built by the same functions, stored
with SQLAlchemy Core executemany in batches instead of one ORM flush per concept.

The caller has already checked what the database cannot cheaply check per batch (entry numbers unique per
part among live concepts, one live concept per zh-CN preferred term, link targets exist) and released the
entry numbers and preferred terms of the concepts it updates; the unique indexes and foreign keys remain
the backstop, and a violation becomes a Conflict. Nothing is committed: the caller owns the transaction.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlmodel import Session, col

from registry import audit, changes, writes
from registry.auth import Actor
from registry.clock import utcnow
from registry.database import among
from registry.errors import InvalidInput
from registry.rows import chunked
from terms import service
from terms.models import Concept, ConceptRevision, CrossReference, Term

BATCH = 2000  # concepts per round of statements

Resolve = Callable[[Any], int | None]  # a link target as planned (an id, or a new concept) → concept id
Progress = Callable[[int], None] | None


class Planned(Protocol):
    """One concept to write: `fields` is its full snapshot as planned, `concept_id` None for a new one
    (set here once its row exists)."""

    line: int
    key: str
    concept_id: int | None
    fields: dict[str, Any] | None


def write_concepts(session: Session, items: Sequence[Planned], *, resolve: Resolve, actor: Actor, action: str,
                   change_note: str | None, progress: Progress = None) -> None:
    """Write every item: concept rows first (new ones get their ids), then terms, cross references,
    revisions and audit events. `resolve` turns a planned link target into an id once every row exists.
    Raise InvalidInput (a rule fails) or Conflict (a unique index or foreign key refuses a row)."""
    writer = _Writer(session, actor, action, change_note, utcnow())
    changes.touch(session, service.CHANGE_TOPIC)
    with writes.conflicts("a concept written meanwhile"):
        for batch in chunked(items, BATCH):
            writer.store_concepts(batch)
        for batch in chunked(items, BATCH):
            writer.store_links(batch, resolve)
            writer.store_dependants(batch)
            if progress is not None:
                progress(len(batch))
    session.expire_all()  # the ORM objects the plan loaded are stale now


@dataclass
class _Writer:
    session: Session
    actor: Actor
    action: str
    change_note: str | None
    now: datetime
    revs: dict[int, tuple[int, int]] = field(default_factory=dict)  # concept id -> (new rev, its part)
    existing: set[int] = field(default_factory=set)  # concepts updated (their old rows are replaced)

    # -- concept rows ---------------------------------------------------------------------------
    def store_concepts(self, batch: Sequence[Planned]) -> None:
        """Prepare each snapshot (pinyin derived once, here), update the existing concepts and insert the
        new ones. A link to a new concept is left empty until store_links."""
        for item in batch:
            item.fields = _prepared(item)
        old = [item.concept_id for item in batch if item.concept_id is not None]
        self.existing.update(old)
        self.revs |= {cid: (rev + 1, part) for cid, rev, part in self._current(old)}
        table = Concept.__table__
        rows = [{**_columns(item.fields), "b_id": item.concept_id, "rev": self.revs[item.concept_id][0],
                 "updated_at": self.now} for item in batch if item.concept_id is not None]
        if rows:
            self.session.execute(update(table).where(table.c.id == bindparam("b_id")), rows)
        new = [item for item in batch if item.concept_id is None]
        for item, concept_id in zip(new, _new_ids(self.session, len(new)), strict=True):
            item.concept_id, self.revs[concept_id] = concept_id, (1, item.fields["part"])
        rows = [{**_columns(item.fields), "id": item.concept_id, "part": item.fields["part"], "rev": 1,
                 "external_key": getattr(item, "external_key", None), "created_at": self.now,
                 "updated_at": self.now} for item in new]
        if rows:
            self.session.execute(insert(table), rows)

    def _current(self, concept_ids: list[int]) -> Iterator[tuple[int, int, int]]:
        table = Concept.__table__
        dialect = self.session.get_bind().dialect
        yield from self.session.execute(select(table.c.id, table.c.rev, table.c.part).where(
            among(table.c.id, concept_ids, dialect=dialect)))

    def store_links(self, batch: Sequence[Planned], resolve: Resolve) -> None:
        """Resolve the links of each snapshot to ids; set the successors that name a new concept."""
        successors = []
        for item in batch:
            fields = item.fields
            for xref in fields["cross_references"]:
                xref["target"] = resolve(xref["target"])
            if fields["superseded_by"] is not None and not isinstance(fields["superseded_by"], int):
                fields["superseded_by"] = resolve(fields["superseded_by"])
                successors.append({"b_id": item.concept_id, "superseded_by": fields["superseded_by"]})
        if successors:
            table = Concept.__table__
            self.session.execute(update(table).where(table.c.id == bindparam("b_id")), successors)

    # -- terms, cross references, revisions, audit ----------------------------------------------
    def store_dependants(self, batch: Sequence[Planned]) -> None:
        old = [item.concept_id for item in batch if item.concept_id in self.existing]
        dialect = self.session.get_bind().dialect
        for model in (Term, CrossReference):
            if old:
                self.session.execute(delete(model).where(among(col(model.concept_id), old, dialect=dialect)))
        terms, xrefs, revisions, events = [], [], [], []
        for item in batch:
            cid, fields = item.concept_id, item.fields
            rev, part = self.revs[cid]
            terms += service.term_values(cid, fields["status"], fields["terms"])
            xrefs += [{"concept_id": cid, "type": x["type"], "target_id": x["target"]}
                      for x in fields["cross_references"]]
            revisions.append({**service.revision_values(cid, part, rev, fields, actor=self.actor,
                                                        action=self.action, change_note=self.change_note),
                              "created_at": self.now})
            events.append(self._audit_values(cid, rev))
        for model, rows in ((Term, terms), (CrossReference, xrefs), (ConceptRevision, revisions),
                            (audit.AuditEvent, events)):
            if rows:
                self.session.execute(insert(model.__table__), rows)

    def _audit_values(self, concept_id: int, rev: int) -> dict[str, Any]:
        """The row registry.audit.record adds for one concept write."""
        return {"at": self.now, "actor": self.actor.name, "role": str(self.actor.role),
                "action": f"concept.{self.action}", "entity_type": "concept", "entity_id": str(concept_id),
                "detail": {"revision": rev}}


def _new_ids(session: Session, count: int) -> list[int]:
    """Ids for `count` new concepts, taken before their rows are written (an INSERT … RETURNING in
    parameter order runs row by row on SQLite). PostgreSQL: from the id sequence. SQLite: the ids after
    the highest, as SQLite itself would assign them; should another writer take one first, the insert fails
    on the primary key and the whole import rolls back."""
    if not count:
        return []
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence('concept', 'id')) FROM generate_series(1, :n)")
        return list(session.execute(query, {"n": count}).scalars())
    highest = session.execute(select(func.max(Concept.__table__.c.id))).scalar() or 0
    return list(range(highest + 1, highest + count + 1))


def _prepared(item: Planned) -> dict[str, Any]:
    """The item's snapshot through terms.service.prepare_snapshot; raise InvalidInput naming its line."""
    try:
        return service.prepare_snapshot(item.fields)
    except InvalidInput as error:
        detail = f"{item.key}: {error.detail}"
        raise InvalidInput(detail, errors=[{"line": item.line, "column": None, "detail": detail}]) from None


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """The concept's columns, with a link to a concept not yet resolved left empty for now."""
    columns = service.concept_columns(fields)
    if not isinstance(columns["superseded_by"], int):
        columns["superseded_by"] = None
    return columns
