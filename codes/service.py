"""Code library services: schemes, entries with validity and history, lookups for validation.

Services flush, never commit. Every write appends a CodeRevision (full snapshot) and an audit event.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Connection, Row, bindparam, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from codes import classification, rules
from codes.models import CodeEntry, CodeIn, CodeRevision, CodeScheme, CodeStatus, CodeTransitionIn, CodeUpdate
from codes.search_text import search_text
from registry import audit, changes, writes
from registry.auth import Actor
from registry.clock import utcnow
from registry.database import among
from registry.errors import Conflict, InvalidInput, NotFound
from registry.releases.revisions import held_at
from registry.releases.revisions import history as revision_history
from registry.search.folding import fold

SNAPSHOT_FIELDS = ("code", "name_zh", "name_en", "status", "valid_from", "valid_to", "successor", "parent",
                   "attrs")
CHANGE_TOPIC = "codes"  # registry.changes: bumped by every commit that writes code entries


# ---- schemes -------------------------------------------------------------------------------------

def list_schemes(session: Session) -> list[CodeScheme]:
    return list(session.exec(select(CodeScheme).order_by(CodeScheme.slug)))


def get_scheme(session: Session, slug: str) -> CodeScheme:
    """Return the scheme `slug`; raise NotFound listing the schemes there are."""
    scheme = session.get(CodeScheme, slug)
    if scheme is None:
        known = ", ".join(s.slug for s in list_schemes(session))
        raise NotFound(f"no code scheme '{slug[:40]}'; schemes: {known}")
    return scheme


# ---- reads ---------------------------------------------------------------------------------------

def find_code(session: Session, scheme: str, code: str) -> CodeEntry | None:
    query = select(CodeEntry).where(CodeEntry.scheme == scheme, CodeEntry.code == code)
    return session.exec(query).first()


def get_code(session: Session, scheme: str, raw_code: str, *, as_of: date | None = None) -> CodeEntry:
    """Return the entry for `raw_code` (normalised per scheme); raise NotFound, also when it is not yet
    valid on `as_of`."""
    scheme_row = get_scheme(session, scheme)
    code = rules.normalise_code(scheme_row, raw_code)
    entry = find_code(session, scheme, code)
    if entry is None:
        raise NotFound(f"{scheme} code {code} is not registered")
    if as_of and entry.valid_from and as_of < entry.valid_from:
        raise NotFound(f"{scheme} code {code} was not yet valid on {as_of} (valid from {entry.valid_from})")
    return entry


def public_view(entry: CodeEntry, *, as_of: date | None = None) -> dict[str, Any]:
    view = {k: getattr(entry, k) for k in ("id", "scheme", *SNAPSHOT_FIELDS, "updated_at")}
    view["revision"] = entry.rev
    view["status_as_of"] = rules.status_on(entry.status, entry.valid_from, entry.valid_to,
                                           as_of) if as_of else None
    return view


def list_codes(session: Session, scheme: str, *, q: str | None = None, status: str | None = None,
               as_of: date | None = None, cursor: int | None = None, limit: int = 50,
               ) -> tuple[list[CodeEntry], int | None]:
    """Entries ordered by code id, filtered by text (code prefix, name, pinyin), status and validity on
    `as_of`; return them with the next cursor (None at the end)."""
    get_scheme(session, scheme)
    query = select(CodeEntry).where(CodeEntry.scheme == scheme)
    if q and q.strip():
        needle = fold(q.strip())
        # autoescape: % and _ in the text are literal characters, not LIKE wildcards
        query = query.where(or_(col(CodeEntry.code).startswith(q.strip().upper(), autoescape=True),
                                col(CodeEntry.search_text).contains(needle, autoescape=True)))
    if status:
        query = query.where(CodeEntry.status == status)
    if as_of:
        query = query.where(or_(col(CodeEntry.valid_from).is_(None), col(CodeEntry.valid_from) <= as_of),
                            or_(col(CodeEntry.valid_to).is_(None), col(CodeEntry.valid_to) > as_of))
    if cursor:
        query = query.where(col(CodeEntry.id) > cursor)
    rows = list(session.exec(query.order_by(col(CodeEntry.id)).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def lookup_codes(session: Session, scheme: str, codes: Iterable[str]) -> dict[str, CodeEntry]:
    """The registered entries among `codes` (already normalised), by code, in one query."""
    among_codes = among(col(CodeEntry.code), sorted(set(codes)), dialect=session.get_bind().dialect)
    return {e.code: e for e in session.exec(select(CodeEntry).where(CodeEntry.scheme == scheme, among_codes))}


_LOOKUP_COLUMNS = tuple(CodeEntry.__table__.c[name] for name in (
    "id", "scheme", "code", "name_zh", "name_en", "status", "valid_from", "valid_to", "successor", "parent",
    "attrs", "rev", "updated_at"))


_LOOKUP_ONE = core_select(*_LOOKUP_COLUMNS).where(CodeEntry.__table__.c.scheme == bindparam("scheme"),
                                                  CodeEntry.__table__.c.code == bindparam("code"))


def lookup_rows(conn: Connection, scheme: str, codes: Iterable[str]) -> Iterator[Row]:
    """Registered entries among `codes` as plain rows (attribute access like CodeEntry), in one query: a
    single code by equality (the high-volume GET path), many as one array parameter (a batch of 10,000 in
    IN-lists of 900 took ten statements and twice the time)."""
    wanted = sorted(set(codes))
    if len(wanted) == 1:
        yield from conn.execute(_LOOKUP_ONE, {"scheme": scheme, "code": wanted[0]})
        return
    table = CodeEntry.__table__
    yield from conn.execute(core_select(*_LOOKUP_COLUMNS).where(
        table.c.scheme == scheme, among(table.c.code, wanted, dialect=conn.dialect)))


def code_history(session: Session, scheme: str, raw_code: str) -> list[dict[str, Any]]:
    """Every revision of the entry with actor, time, note and changed fields."""
    return revision_history(session, CodeRevision, get_code(session, scheme, raw_code).id)


def etag(entry: CodeEntry) -> str:
    return f'"k{entry.id}.r{entry.rev}"'


# ---- writes --------------------------------------------------------------------------------------

def create_code(session: Session, scheme: str, data: CodeIn, *, actor: Actor,
                change_note: str | None = None) -> CodeEntry:
    """Register a code in `scheme`; raise InvalidInput or Conflict (already registered)."""
    scheme_row = get_scheme(session, scheme)
    code = rules.normalise_code(scheme_row, data.code)
    if find_code(session, scheme, code) is not None:
        raise Conflict(f"{scheme} code {code} is already registered")
    entry = CodeEntry(scheme=scheme, code=code, rev=0)
    session.add(entry)
    fields = {**data.model_dump(), "code": code}
    _write(session, entry, fields, actor=actor, action="create", change_note=change_note)
    return entry


def update_code(session: Session, scheme: str, raw_code: str, patch: CodeUpdate, *, actor: Actor,
                if_match: str | None) -> CodeEntry:
    """Replace the fields present in `patch`; needs If-Match like concepts."""
    entry = get_code(session, scheme, raw_code)
    writes.require_fresh(etag(entry), if_match, required=True, what=f"{entry.scheme} code {entry.code}",
                         revision=entry.rev)
    changes = patch.model_dump(exclude_unset=True)
    note = changes.pop("change_note", None)
    _write(session, entry, {**snapshot(entry), **changes}, actor=actor, action="update", change_note=note)
    return entry


def transition_code(session: Session, scheme: str, raw_code: str, move: CodeTransitionIn, *,
                    actor: Actor) -> CodeEntry:
    """Expire, supersede (with a registered successor) or reactivate an entry."""
    entry = get_code(session, scheme, raw_code)
    rules.require_transition(entry.status, move.to, actor.role)
    fields = {**snapshot(entry), "status": move.to}
    if move.to == CodeStatus.superseded:
        fields["successor"] = _successor(session, entry, move.successor)
    fields["valid_to"] = None if move.to == CodeStatus.active else (move.valid_to or fields["valid_to"]
                                                                     or utcnow().date())
    _write(session, entry, fields, actor=actor, action=f"transition:{move.to}", change_note=move.change_note)
    return entry


def _successor(session: Session, entry: CodeEntry, raw: str | None) -> str:
    if not raw:
        raise InvalidInput("superseding needs the successor code", errors=[{"pointer": "/successor"}])
    successor = get_code(session, entry.scheme, raw)
    if successor.id == entry.id:
        raise InvalidInput("a code cannot supersede itself", errors=[{"pointer": "/successor"}])
    return successor.code


def snapshot(entry: CodeEntry) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in SNAPSHOT_FIELDS}


def _write(session: Session, entry: CodeEntry, fields: dict[str, Any], *, actor: Actor, action: str,
           change_note: str | None) -> None:
    rules.check_validity(fields.get("valid_from"), fields.get("valid_to"))
    fields["attrs"] = rules.check_attrs(entry.scheme, fields.get("attrs") or {})
    classification.check_node(session, entry.scheme, fields)  # a classification's tree and level rules
    for key in SNAPSHOT_FIELDS:
        setattr(entry, key, fields.get(key))
    entry.search_text = search_text(entry.code, entry.name_zh, entry.name_en)
    entry.rev += 1
    entry.updated_at = utcnow()
    what = f"{entry.scheme} code {entry.code}"
    explain = partial(_explain_violation, entry)
    writes.flush_or_conflict(session, what, explain)
    session.add(CodeRevision(entity_id=entry.id, rev=entry.rev, status=entry.status, scope=entry.scheme,
                             key=entry.code, data=json_snapshot(entry), actor=actor.name, action=action,
                             change_note=change_note))
    audit.record(session, actor, f"code.{action}", entry.scheme, entry.code, revision=entry.rev)
    changes.touch(session, CHANGE_TOPIC)
    writes.flush_or_conflict(session, what, explain)


def _explain_violation(entry: CodeEntry, found: writes.Violation) -> Conflict | None:
    """A concurrent registration of the same code lost the race on the (scheme, code) index."""
    if found.table == "code_entry" and "code" in found.columns:
        return Conflict(f"{entry.scheme} code {entry.code} is already registered")
    return None


def json_snapshot(entry: CodeEntry) -> dict[str, Any]:
    data = snapshot(entry)
    for key in ("valid_from", "valid_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def iter_snapshots(session: Session, scheme: str, *, release_seq: int | None = None,
                   batch: int = 5000) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (entry id, snapshot) ordered by code: the live state or that frozen in release `release_seq`."""
    query = select(CodeRevision.entity_id, CodeRevision.data).where(CodeRevision.scope == scheme)
    if release_seq is None:
        query = query.join(CodeEntry, col(CodeEntry.id) == CodeRevision.entity_id).where(
            CodeRevision.rev == CodeEntry.rev)
    else:
        query = query.where(*held_at(CodeRevision, release_seq))
    yield from session.exec(query.order_by(CodeRevision.key).execution_options(yield_per=batch))
