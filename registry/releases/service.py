"""Create, resolve, read and diff releases over the domains' revision ranges.

A release with sequence `seq` holds, per entity, the revision whose range [rel_from, rel_to) contains
seq. Creating a release only touches revisions written since the previous release, so its cost and the
storage it adds follow the change, not the size of the registry. What a release *shows* is that set
filtered by its scope (parts, schemes) and its stage (a 征求意见稿 also shows proposed concepts).
"""

import re
from collections import Counter
from typing import Any

from sqlalchemy import func, or_, text, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from registry import audit
from registry.auth import Actor, Role
from registry.database import among
from registry.errors import Conflict, InvalidInput, NotFound
from registry.releases.models import NAME_PATTERN, SELECTORS, Release, ReleaseCreate, Stage
from registry.releases.revisions import RevisionBase, held_at
from registry.releases.versioned import VersionedTable
from registry.standards import releases as standard_releases
from registry.standards.models import Standard

# ---- resolving ------------------------------------------------------------------------------------

def resolve(session: Session, name: str) -> Release:
    """Return the release `name`, or the newest published (`latest`) or newest of any stage
    (`latest-any`); raise InvalidInput for a malformed name, NotFound for an unknown one. Names and
    selectors are matched case-insensitively (names are unique so)."""
    if name.lower() in SELECTORS:
        query = select(Release).order_by(col(Release.seq).desc())
        if name.lower() == "latest":
            query = query.where(Release.stage == Stage.published)
        release = session.exec(query).first()
        if release is None:
            raise NotFound(f"no release matches '{name}' yet")
        return release
    if not re.fullmatch(NAME_PATTERN, name):
        raise InvalidInput(f"malformed release name '{name[:60]}'",
                           errors=[{"pointer": "/release", "detail": name[:60]}])
    release = session.exec(select(Release).where(func.lower(Release.name) == name.lower())).first()
    if release is None:
        raise NotFound(f"no release named '{name}'")
    return release


def list_releases(session: Session) -> list[Release]:
    return list(session.exec(select(Release).order_by(col(Release.seq).desc())))


# ---- creating -------------------------------------------------------------------------------------

def create_release(session: Session, data: ReleaseCreate, *, actor: Actor,
                   tables: list[VersionedTable]) -> Release:
    """Freeze the live state into a new release; raise Conflict for a reused name or a stage that goes
    backwards in its line, PermissionDenied below reviewer."""
    actor.require(Role.reviewer)
    _lock(session, tables)
    if data.name.lower() in SELECTORS:
        raise InvalidInput(f"'{data.name}' is a selector, not a release name", errors=[{"pointer": "/name"}])
    if same := session.exec(select(Release).where(func.lower(Release.name) == data.name.lower())).first():
        raise Conflict(f"release '{same.name}' already exists (names are compared ignoring case); releases "
                       "are immutable")
    standard = standard_releases.standard_for(session, data)
    line = standard.key if standard else (data.line or data.name)
    _check_stage_order(session, line, Stage(data.stage))
    scope = _scope(data, tables, session, standard)
    previous = session.exec(select(Release).order_by(col(Release.seq).desc())).first()
    seq = (previous.seq if previous else 0) + 1
    stats = {t.kind: _freeze(session, t, seq, previous.stats.get(t.kind, {}) if previous else {})
             for t in tables}
    release = Release(seq=seq, name=data.name, line=line, stage=data.stage, title=data.title, notes=data.notes,
                      standard_id=standard.id if standard else None, scope=scope, stats=stats,
                      created_by=actor.name)
    session.add(release)
    audit.record(session, actor, "release.create", "release", data.name, stage=data.stage, seq=seq,
                 standard=standard.key if standard else None)
    session.flush()
    return release


def _lock(session: Session, tables: list[VersionedTable]) -> None:
    """Hold writers off the revision tables while ranges are moved, and other release creators off until
    this one commits, before the next sequence number is read (PostgreSQL: the table locks conflict with
    each other; SQLite serialises writers, but only from their first write: a write that changes nothing
    takes the database's write lock now)."""
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(t.revision.__tablename__ for t in tables) + ", release"
        session.exec(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
    else:
        session.exec(text("UPDATE release SET seq = seq WHERE 0 = 1"))


def _check_stage_order(session: Session, line: str, stage: Stage) -> None:
    latest = session.exec(select(Release).where(Release.line == line).order_by(col(Release.seq).desc())).first()
    if latest is None:
        return
    if stage.order < Stage(latest.stage).order:
        raise Conflict(f"release line '{line}' is already at {latest.stage} ({Stage(latest.stage).label_zh}, "
                       f"release '{latest.name}'); a later release cannot go back to {stage} ({stage.label_zh})")
    if stage == latest.stage == Stage.published:
        raise Conflict(f"release line '{line}' is already published as '{latest.name}'")


def _scope(data: ReleaseCreate, tables: list[VersionedTable], session: Session,
           standard: Standard | None) -> dict[str, Any]:
    """The scopes asked for, or by default all of them (a standard's release: the standard's parts, no code
    lists); raise InvalidInput naming any scope that does not exist or is not the standard's."""
    scope = {}
    for table in tables:
        asked = getattr(data.scope, table.scope_key)
        known = table.all_scopes(session)
        if standard is not None and table.of_standard is not None:
            known = table.of_standard(session, standard.id)
        default = [] if standard is not None and table.of_standard is None else known
        chosen = default if asked is None else [str(v) for v in asked]
        unknown = known if asked is None else [str(v) for v in asked]
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise InvalidInput(f"unknown {table.scope_key} in scope: {', '.join(unknown)}",
                               errors=[{"pointer": f"/scope/{table.scope_key}", "detail": ", ".join(unknown)}])
        scope[table.scope_key] = sorted(chosen, key=lambda v: (len(v), v))
    return scope


def _freeze(session: Session, table: VersionedTable, seq: int, previous: dict[str, Any]) -> dict[str, Any]:
    """Move the ranges of the revisions written since the last release; return the new counts.

    Three set-based updates: close the open range of every changed entity, give never-released
    intermediate revisions an empty range, open a range on each changed entity's newest revision.
    """
    rev = table.revision
    newer, changed, open_ = aliased(rev), aliased(rev), aliased(rev)
    is_newest = ~select(newer.id).where(newer.entity_id == rev.entity_id, newer.rev > rev.rev).exists()
    # Driven from the (few) changed entities through the entity index, never from the (many) open ranges.
    pending = select(changed.entity_id).where(col(changed.rel_from).is_(None)).distinct().subquery()
    open_of_changed = (select(open_.id).join(pending, pending.c.entity_id == open_.entity_id)
                       .where(col(open_.rel_from).is_not(None), col(open_.rel_to).is_(None)))
    closing = [col(rev.id).in_(open_of_changed)]
    opening = [col(rev.rel_from).is_(None), is_newest]
    counts = _count(previous, _tally(session, rev, closing), _tally(session, rev, opening))
    session.exec(update(rev).where(*closing).values(rel_to=seq))
    session.exec(update(rev).where(col(rev.rel_from).is_(None), ~is_newest).values(rel_from=seq, rel_to=seq))
    session.exec(update(rev).where(col(rev.rel_from).is_(None)).values(rel_from=seq))
    return counts


def _tally(session: Session, rev: type[RevisionBase], where: list[Any]) -> list[tuple[str, str, int]]:
    query = select(rev.scope, rev.status, func.count()).where(*where).group_by(rev.scope, rev.status)
    return list(session.exec(query))


def _count(previous: dict[str, Any], closing: list[tuple[str, str, int]],
           opening: list[tuple[str, str, int]]) -> dict[str, Any]:
    counts = {scope: Counter(statuses) for scope, statuses in previous.items()}
    for scope, status, n in closing:
        counts.setdefault(scope, Counter())[status] -= n
    for scope, status, n in opening:
        counts.setdefault(scope, Counter())[status] += n
    return {scope: {s: n for s, n in sorted(c.items()) if n} for scope, c in sorted(counts.items())}


# ---- reading --------------------------------------------------------------------------------------

def counts(release: Release, table: VersionedTable) -> dict[str, int]:
    """Entries the release shows, per scope value (part or scheme)."""
    visible = table.visible(release.stage)
    stats = release.stats.get(table.kind, {})
    return {scope: sum(n for status, n in stats.get(scope, {}).items() if visible is None or status in visible)
            for scope in release.scope.get(table.scope_key, [])}


def visible_filter(release: Release, table: VersionedTable) -> list[Any]:
    """WHERE clauses selecting the revisions `release` shows of `table`."""
    rev = table.revision
    clauses = [*held_filter(release, table), col(rev.scope).in_(release.scope.get(table.scope_key, []))]
    visible = table.visible(release.stage)
    if visible is not None:
        clauses.append(col(rev.status).in_(sorted(visible)))
    return clauses


def held_filter(release: Release, table: VersionedTable) -> list[Any]:
    """WHERE clauses selecting the revisions `release` holds, before its scope and stage filters."""
    return held_at(table.revision, release.seq)


def shows(release: Release, table: VersionedTable, revision: RevisionBase) -> bool:
    """Whether a revision the release holds is one it shows (its scope and stage filters)."""
    visible = table.visible(release.stage)
    return (revision.scope in release.scope.get(table.scope_key, [])
            and (visible is None or revision.status in visible))


def revision_at(session: Session, release: Release, table: VersionedTable, entity_id: int) -> RevisionBase:
    """The revision of `entity_id` that `release` shows; raise NotFound when the release does not hold it.
    The point lookup walks the (entity_id, rev) index from the newest revision and checks the range end,
    scope and stage in Python: cheaper than range and IN conditions in SQL."""
    rev = table.revision
    query = (select(rev).where(rev.entity_id == entity_id, col(rev.rel_from) <= release.seq)
             .order_by(col(rev.rev).desc()).limit(1))
    found = session.exec(query).first()
    if found is None or (found.rel_to is not None and found.rel_to <= release.seq) \
            or not shows(release, table, found):
        raise NotFound(f"{table.kind} {entity_id} is not in release '{release.name}'")
    return found


def timeline(session: Session, table: VersionedTable, entity_id: int) -> list[dict[str, Any]]:
    """Which releases show which revision of the entity, oldest release first."""
    releases = list(session.exec(select(Release).order_by(Release.seq)))
    rev = table.revision
    revisions = session.exec(select(rev).where(rev.entity_id == entity_id, col(rev.rel_from).is_not(None))).all()
    out = []
    for release in releases:
        visible = table.visible(release.stage)
        held = next((r for r in revisions if r.rel_from <= release.seq and (r.rel_to is None or r.rel_to > release.seq)
                     and r.scope in release.scope.get(table.scope_key, [])
                     and (visible is None or r.status in visible)), None)
        if held is not None:
            out.append({"release": release.name, "stage": release.stage, "revision": held.rev,
                        "status": held.status})
    return out


# ---- diffing --------------------------------------------------------------------------------------

def diff(session: Session, a: Release, b: Release, tables: list[VersionedTable]) -> dict[str, Any]:
    """What changed from release `a` to release `b`: added, removed and changed entries with their
    field-level changes, and counts per kind. Only revisions whose ranges moved between the two are
    read (plus, when the two releases filter differently, those the filters treat differently)."""
    out: dict[str, Any] = {"from": a.name, "to": b.name, "counts": {}, "added": [], "removed": [], "changed": []}
    for table in tables:
        entries = _diff_table(session, a, b, table)
        out["counts"][table.kind] = {k: len(v) for k, v in entries.items()}
        for key in ("added", "removed", "changed"):
            out[key].extend(entries[key])
    return out


def _diff_table(session: Session, a: Release, b: Release, table: VersionedTable) -> dict[str, list]:
    ids = _touched(session, a, b, table)
    before, after = _held_by_both(session, a, b, table, ids)
    result: dict[str, list] = {"added": [], "removed": [], "changed": []}
    for entity_id in sorted(ids, key=lambda i: _sort_key(before.get(i) or after.get(i))):
        old, new = before.get(entity_id), after.get(entity_id)
        if old is None and new is not None:
            result["added"].append(_entry(table, new))
        elif new is None and old is not None:
            result["removed"].append(_entry(table, old))
        elif old is not None and new is not None and old.id != new.id:
            changes = table.describe(old.data, new.data)
            if changes:
                result["changed"].append({**_entry(table, new), "changes": changes})
    return result


def _sort_key(revision: RevisionBase) -> tuple[str, str, int]:
    return (revision.scope.rjust(3), revision.key, revision.entity_id)


def _entry(table: VersionedTable, revision: RevisionBase) -> dict[str, Any]:
    return {"kind": table.kind, "id": revision.entity_id, "scope": revision.scope,
            "label": table.label(revision.data), "revision": revision.rev}


def _touched(session: Session, a: Release, b: Release, table: VersionedTable) -> set[int]:
    rev = table.revision
    lo, hi = sorted((a.seq, b.seq))
    moved = or_((col(rev.rel_from) > lo) & (col(rev.rel_from) <= hi),
                (col(rev.rel_to) > lo) & (col(rev.rel_to) <= hi))
    ids = set(session.exec(select(rev.entity_id).where(moved).distinct()))
    if _same_filter(a, b, table):
        return ids
    held_by_both = [col(rev.rel_from) <= lo, or_(col(rev.rel_to).is_(None), col(rev.rel_to) > hi)]
    in_a = select(rev.entity_id).where(*held_by_both, *visible_filter(a, table))
    in_b = select(rev.entity_id).where(*held_by_both, *visible_filter(b, table))
    return ids | (set(session.exec(in_a)) ^ set(session.exec(in_b)))


def _same_filter(a: Release, b: Release, table: VersionedTable) -> bool:
    return (table.visible(a.stage) == table.visible(b.stage)
            and a.scope.get(table.scope_key) == b.scope.get(table.scope_key))


def _held_by_both(session: Session, a: Release, b: Release, table: VersionedTable,
                  ids: set[int]) -> tuple[dict[int, Any], dict[int, Any]]:
    """The revisions each release shows of the entities `ids`: one pass over all their revisions (read as
    plain rows, few per entity), the range and filters applied in Python."""
    rev = table.revision
    columns = (rev.id, rev.entity_id, rev.rev, rev.scope, rev.key, rev.status, rev.data, rev.rel_from, rev.rel_to)
    before: dict[int, Any] = {}
    after: dict[int, Any] = {}
    query = select(*columns).where(col(rev.rel_from).is_not(None),
                                   among(col(rev.entity_id), sorted(ids), dialect=session.get_bind().dialect))
    for row in session.exec(query):
        for release, held in ((a, before), (b, after)):
            if _holds(release, row) and shows(release, table, row):
                held[row.entity_id] = row
    return before, after


def _holds(release: Release, row: Any) -> bool:
    return row.rel_from <= release.seq and (row.rel_to is None or row.rel_to > release.seq)
