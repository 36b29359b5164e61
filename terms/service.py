"""Term base services: create, edit, move through the lifecycle, revert, read and page concepts.

Services flush, never commit: the caller owns the transaction. Every write appends a ConceptRevision
(the full public snapshot) and an audit event.
"""

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from registry import audit, changes, writes
from registry.auth import Actor
from registry.clock import utcnow
from registry.errors import Conflict, InvalidInput, NotFound, RegistryError
from registry.releases.revisions import held_at
from registry.releases.revisions import history as revision_history
from terms import rules
from terms.models import (
    CHINESE_LANGS,
    Concept,
    ConceptCreate,
    ConceptRevision,
    ConceptStatus,
    ConceptUpdate,
    CrossReference,
    Lang,
    Part,
    RevertIn,
    Term,
    TermStatus,
    TransitionIn,
)
from terms.pinyin import default_pinyin

TERM_COLUMNS = ("text", "lang", "status", "type", "pinyin", "pinyin_curated", "geographical_usage", "source")
CHANGE_TOPIC = "terms"  # change counter bumped by every term write (registry.changes; term checking)
SNAPSHOT_FIELDS = ("part", "entry_number", "subject_field", "status", "superseded_by", "terms",
                   "definition", "notes", "examples", "source", "cross_references")


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


# ---- reads --------------------------------------------------------------------------------------

def list_parts(session: Session) -> list[Part]:
    return list(session.exec(select(Part).order_by(Part.number)))


def get_part(session: Session, number: int) -> Part:
    """Return part `number`; raise NotFound."""
    part = session.get(Part, number)
    if part is None:
        raise NotFound(f"part {number} does not exist (see /api/v1/parts)")
    return part


def get_concept(session: Session, concept_id: int) -> Concept:
    """Return the concept; raise NotFound."""
    concept = session.get(Concept, concept_id)
    if concept is None:
        raise NotFound(f"concept {concept_id} does not exist")
    return concept


def get_by_entry(session: Session, part: int, entry_number: str) -> Concept:
    """Return the live concept numbered `entry_number` in `part`; raise NotFound."""
    get_part(session, part)
    query = select(Concept).where(Concept.part == part, Concept.live_number == entry_number)
    concept = session.exec(query).first()
    if concept is None:
        raise NotFound(f"part {part} has no live entry numbered {entry_number}")
    return concept


def current_revision(session: Session, concept: Concept) -> ConceptRevision:
    query = select(ConceptRevision).where(ConceptRevision.entity_id == concept.id,
                                          ConceptRevision.rev == concept.rev)
    return session.exec(query).one()


def etag(concept: Concept) -> str:
    return f'"c{concept.id}.r{concept.rev}"'


def public_view(concept: Concept, revision: ConceptRevision) -> dict[str, Any]:
    """The API representation: the revision snapshot plus identity and timestamps."""
    return {"id": concept.id, **revision.data, "revision": revision.rev,
            "created_at": concept.created_at, "updated_at": concept.updated_at}


def read_concept(session: Session, concept_id: int) -> dict[str, Any]:
    concept = get_concept(session, concept_id)
    return public_view(concept, current_revision(session, concept))


def list_concepts(session: Session, *, part: int | None = None, status: str | None = None,
                  subject: str | None = None, updated_since: datetime | None = None,
                  cursor: str | None = None, limit: int = 50) -> Page:
    """Return one page of concepts ordered by id, and the cursor of the next page (None at the end)."""
    query = (select(Concept, ConceptRevision)
             .join(ConceptRevision, (ConceptRevision.entity_id == Concept.id)
                   & (ConceptRevision.rev == Concept.rev)))
    for column, value in ((Concept.part, part), (Concept.status, status), (Concept.subject_field, subject)):
        if value is not None:
            query = query.where(column == value)
    if updated_since is not None:
        query = query.where(Concept.updated_at >= updated_since)
    if cursor:
        query = query.where(col(Concept.id) > decode_cursor(cursor))
    rows = session.exec(query.order_by(col(Concept.id)).limit(limit + 1)).all()
    items = [public_view(c, r) for c, r in rows[:limit]]
    more = len(rows) > limit
    return Page(items=items, next_cursor=encode_cursor(rows[limit - 1][0].id) if more else None)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(f"malformed cursor '{cursor[:40]}'", errors=[{"pointer": "/cursor"}]) from None


def concept_history(session: Session, concept_id: int) -> list[dict[str, Any]]:
    """Every revision, oldest first, with actor, time, note and the field-level diff to the one before."""
    get_concept(session, concept_id)
    return revision_history(session, ConceptRevision, concept_id)


def get_revision(session: Session, concept_id: int, rev: int) -> ConceptRevision:
    """Return revision `rev` of the concept; raise NotFound."""
    query = select(ConceptRevision).where(ConceptRevision.entity_id == concept_id, ConceptRevision.rev == rev)
    revision = session.exec(query).first()
    if revision is None:
        raise NotFound(f"concept {concept_id} has no revision {rev}")
    return revision


# ---- writes -------------------------------------------------------------------------------------

def create_concept(session: Session, data: ConceptCreate, *, actor: Actor,
                   status: str = ConceptStatus.draft, change_note: str | None = None) -> Concept:
    """Create a concept (draft unless `status` says otherwise); raise InvalidInput or Conflict."""
    fields = data.model_dump(by_alias=True)
    fields["status"], fields["superseded_by"] = status, None
    if session.get(Part, data.part) is None:
        raise InvalidInput(f"part {data.part} does not exist (see /api/v1/parts)",
                           errors=[{"pointer": "/part", "detail": f"unknown part {data.part}"}])
    concept = Concept(part=data.part, entry_number=data.entry_number, sort_key="", rev=0)
    session.add(concept)
    write_fields(session, concept, fields, actor=actor, action="create", change_note=change_note)
    return concept


def update_concept(session: Session, concept_id: int, patch: ConceptUpdate, *, actor: Actor,
                   if_match: str | None) -> Concept:
    """Replace the fields present in `patch`; raise PreconditionRequired/Failed, InvalidInput, Conflict."""
    concept = get_concept(session, concept_id)
    require_fresh(concept, if_match, required=True)
    changes = patch.model_dump(by_alias=True, exclude_unset=True)
    note = changes.pop("change_note", None)
    fields = {**current_revision(session, concept).data, **changes}
    write_fields(session, concept, fields, actor=actor, action="update", change_note=note)
    return concept


def transition_concept(session: Session, concept_id: int, move: TransitionIn, *, actor: Actor,
                       if_match: str | None = None) -> Concept:
    """Move the concept along one lifecycle edge; raise InvalidInput, PermissionDenied, Conflict."""
    concept = get_concept(session, concept_id)
    require_fresh(concept, if_match, required=False)
    rules.require_transition(concept.status, move.to, actor.role)
    fields = dict(current_revision(session, concept).data)
    if move.to == ConceptStatus.approved:
        rules.require_approvable(fields["definition"])
    fields["status"] = move.to
    fields["superseded_by"] = _successor(session, concept, move) if move.to == "deprecated" else None
    write_fields(session, concept, fields, actor=actor, action=f"transition:{move.to}", change_note=move.change_note)
    return concept


def revert_concept(session: Session, concept_id: int, revert: RevertIn, *, actor: Actor,
                   if_match: str | None = None) -> Concept:
    """Write a new revision whose content is that of revision `revert.revision` (status kept)."""
    concept = get_concept(session, concept_id)
    require_fresh(concept, if_match, required=False)
    old = get_revision(session, concept_id, revert.revision).data
    fields = {**old, "status": concept.status, "superseded_by": concept.superseded_by}
    note = revert.change_note or f"revert to revision {revert.revision}"
    write_fields(session, concept, fields, actor=actor, action="revert", change_note=note)
    return concept


def require_fresh(concept: Concept, if_match: str | None, *, required: bool) -> None:
    writes.require_fresh(etag(concept), if_match, required=required, what=f"concept {concept.id}",
                         revision=concept.rev)


def _successor(session: Session, concept: Concept, move: TransitionIn) -> int | None:
    if move.superseded_by is None:
        return None
    successor = session.get(Concept, move.superseded_by)
    if successor is None or successor.id == concept.id or not rules.is_live(successor.status):
        raise InvalidInput(f"superseded_by {move.superseded_by} is not another live concept",
                           errors=[{"pointer": "/superseded_by", "detail": str(move.superseded_by)}])
    return successor.id


def write_fields(session: Session, concept: Concept, fields: dict[str, Any], *, actor: Actor, action: str,
                 change_note: str | None) -> None:
    """Validate a full snapshot `fields`, store it on the concept's rows, append revision and audit event."""
    fields = prepare_snapshot(fields)
    for name, value in concept_columns(fields).items():
        setattr(concept, name, value)
    _check_unique_number(session, concept)
    # A concurrent writer that passed the same checks is stopped by the unique indexes at any flush
    # (autoflush too); the answer names the winner, read on a connection of its own (this transaction
    # is aborted on PostgreSQL).
    explain = partial(_explain_violation, session, (concept.id, concept.part, concept.live_number), fields)
    with writes.conflicts(f"concept {concept.id}" if concept.id else "another concept", explain):
        session.flush()
        _store_terms(session, concept, fields["terms"])
        _store_cross_references(session, concept, fields["cross_references"])
        concept.rev += 1
        concept.updated_at = utcnow()
        session.add(ConceptRevision(**revision_values(concept.id, concept.part, concept.rev, fields, actor=actor,
                                                      action=action, change_note=change_note)))
        audit.record(session, actor, f"concept.{action}", "concept", concept.id, revision=concept.rev)
        changes.touch(session, CHANGE_TOPIC)
        session.flush()


# ---- the row shapes of a write, shared with the bulk path (terms.bulk_write) --------------------

def prepare_snapshot(fields: dict[str, Any]) -> dict[str, Any]:
    """The normalised full snapshot of `fields` (derived pinyin filled in), checked against the term and
    approval rules; raise InvalidInput."""
    fields = _normalise(fields)
    rules.check_terms(fields["terms"], fields["status"])
    if fields["status"] in (ConceptStatus.approved, ConceptStatus.deprecated):
        rules.require_approvable(fields["definition"])
    return fields


def concept_columns(fields: dict[str, Any]) -> dict[str, Any]:
    """The concept table's columns for a prepared snapshot (rev, timestamps and part aside)."""
    source = fields.get("source") or {}
    return {"entry_number": fields["entry_number"], "sort_key": rules.sort_key(fields["entry_number"]),
            "status": fields["status"],
            "live_number": fields["entry_number"] if rules.is_live(fields["status"]) else None,
            "superseded_by": fields["superseded_by"], "subject_field": fields.get("subject_field"),
            "definition_zh": fields["definition"].get("zh-CN"), "definition_en": fields["definition"].get("en"),
            "source_text": source.get("text"), "source_modified": bool(source.get("modified")),
            "notes": fields["notes"], "examples": fields["examples"]}


def term_values(concept_id: int, status: str, terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The term table's rows of a concept in `status`: the zh-CN preferred term of a live concept carries
    its text as preferred_key (unique across the table)."""
    live = rules.is_live(status)
    return [{"concept_id": concept_id, "position": position,
             "preferred_key": term["text"] if live and term["lang"] == Lang.zh_cn
             and term["status"] == "preferred" else None,
             **{k: term[k] for k in TERM_COLUMNS}} for position, term in enumerate(terms)]


def revision_values(concept_id: int, part: int, rev: int, fields: dict[str, Any], *, actor: Actor, action: str,
                    change_note: str | None) -> dict[str, Any]:
    """The concept_revision row of revision `rev`: the public snapshot of the prepared `fields`."""
    return {"entity_id": concept_id, "rev": rev, "status": fields["status"], "scope": str(part),
            "key": rules.sort_key(fields["entry_number"]), "data": {k: fields[k] for k in SNAPSHOT_FIELDS},
            "actor": actor.name, "action": action, "change_note": change_note}


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """Fill derived pinyin and the canonical shape of optional parts of a snapshot."""
    terms = []
    for given in fields["terms"]:
        term = {k: given.get(k) for k in ("text", "lang", "status", "type", "pinyin",
                                          "geographical_usage", "source")}
        term["type"] = term["type"] or "full_form"
        # Pinyin sent by a user is curated; pinyin carried over from a stored snapshot keeps its flag.
        term["pinyin_curated"] = bool(term["pinyin"]) and given.get("pinyin_curated", True)
        if term["lang"] in CHINESE_LANGS and not term["pinyin"]:
            term["pinyin"] = default_pinyin(term["text"])
        terms.append(term)
    definition = {k: v for k, v in (fields.get("definition") or {}).items() if v}
    return {**fields, "terms": terms, "definition": definition,
            "notes": list(fields.get("notes") or []), "examples": list(fields.get("examples") or []),
            "cross_references": [{"type": x["type"], "target": x["target"]}
                                 for x in fields.get("cross_references") or []]}


def _check_unique_number(session: Session, concept: Concept) -> None:
    if concept.live_number is None:
        return
    query = select(Concept).where(Concept.part == concept.part, Concept.live_number == concept.live_number)
    if concept.id is not None:
        query = query.where(Concept.id != concept.id)
    with session.no_autoflush:
        other = session.exec(query).first()
    if other is not None:
        raise _number_taken(concept.part, concept.live_number, other.id)


def _number_taken(part: int, number: str | None, other_id: int) -> Conflict:
    return Conflict(f"entry number {number} in part {part} is already used by concept {other_id}",
                    other_concept=other_id)


def _preferred_taken(text: str, other_id: int) -> Conflict:
    return Conflict(f"'{text}' is already the preferred zh-CN term of live concept {other_id}",
                    other_concept=other_id, errors=[{"pointer": "/terms", "detail": f"{text} → concept {other_id}"}])


def _explain_violation(session: Session, identity: tuple[int | None, int, str | None], fields: dict[str, Any],
                       found: writes.Violation) -> RegistryError | None:
    """The Conflict naming the concept that won a race for this concept's preferred term or entry number
    (`identity`: its id, part and live number as written), read on a connection of its own: this session's
    transaction may be aborted and its objects unreadable."""
    own, part, number = identity[0] or 0, identity[1], identity[2]
    if found.table == "term" and "preferred_key" in found.columns:
        texts = [t["text"] for t in fields["terms"] if t["lang"] == Lang.zh_cn and t["status"] == "preferred"]
        query = select(Term.preferred_key, Term.concept_id).where(col(Term.preferred_key).in_(texts),
                                                                 Term.concept_id != own)
        with session.get_bind().engine.connect() as conn:
            holder = conn.execute(query).first()
        return _preferred_taken(holder[0], holder[1]) if holder else None
    if found.table == "concept" and "live_number" in found.columns:
        query = select(Concept.id).where(Concept.part == part, Concept.live_number == number, Concept.id != own)
        with session.get_bind().engine.connect() as conn:
            other = conn.execute(query).scalar()
        return _number_taken(part, number, other) if other else None
    return None


def _store_terms(session: Session, concept: Concept, terms: list[dict[str, Any]]) -> None:
    session.exec(delete(Term).where(col(Term.concept_id) == concept.id))
    for values in term_values(concept.id, concept.status, terms):
        if values["preferred_key"] is not None:
            _check_preferred_free(session, concept, values["preferred_key"])
        session.add(Term(**values))


def _check_preferred_free(session: Session, concept: Concept, text: str) -> None:
    query = select(Term).where(Term.preferred_key == text, Term.concept_id != concept.id)
    other = session.exec(query).first()
    if other is not None:
        raise _preferred_taken(text, other.concept_id)


def _store_cross_references(session: Session, concept: Concept, xrefs: list[dict[str, Any]]) -> None:
    session.exec(delete(CrossReference).where(col(CrossReference.concept_id) == concept.id))
    for index, xref in enumerate(xrefs):
        if xref["target"] == concept.id or session.get(Concept, xref["target"]) is None:
            raise InvalidInput(f"cross reference target {xref['target']} is not another existing concept",
                               errors=[{"pointer": f"/cross_references/{index}/target",
                                        "detail": str(xref["target"])}])
        session.add(CrossReference(concept_id=concept.id, type=xref["type"], target_id=xref["target"]))


def preferred_term(snapshot: dict[str, Any], lang: str = Lang.zh_cn) -> str | None:
    return next((t["text"] for t in snapshot["terms"]
                 if t["lang"] == lang and t["status"] == TermStatus.preferred), None)


def iter_snapshots(session: Session, *, part: int | None = None, release_seq: int | None = None,
                   batch: int = 1000) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (concept id, public snapshot) in part and entry-number order: the live state, or the state
    frozen in the release with sequence `release_seq` (ordered by the revision's own sort key, so a
    release reads back in the same order forever)."""
    query = select(ConceptRevision.entity_id, ConceptRevision.data).join(
        Concept, col(Concept.id) == ConceptRevision.entity_id)
    if release_seq is None:
        query = query.where(ConceptRevision.rev == Concept.rev)
    else:
        query = query.where(*held_at(ConceptRevision, release_seq))
    if part is not None:
        query = query.where(ConceptRevision.scope == str(part))
    query = query.order_by(ConceptRevision.scope, ConceptRevision.key, ConceptRevision.entity_id)
    yield from session.exec(query.execution_options(yield_per=batch))
