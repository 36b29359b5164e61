"""Reading code entries as they stood in a release."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from codes import rules
from codes.models import CodeRevision
from codes.service import get_scheme
from codes.versioned import CODES
from registry.errors import NotFound
from registry.releases import service as releases
from registry.releases.models import Release


def release_view(revision: CodeRevision, *, as_of: date | None = None) -> dict[str, Any]:
    data = revision.data
    valid_from = date.fromisoformat(data["valid_from"]) if data.get("valid_from") else None
    valid_to = date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None
    return {**data, "id": revision.entity_id, "scheme": revision.scope, "valid_from": valid_from,
            "valid_to": valid_to, "revision": revision.rev, "updated_at": revision.created_at,
            "status_as_of": rules.status_on(data["status"], valid_from, valid_to, as_of) if as_of else None}


def get_code(session: Session, scheme: str, raw_code: str, release: Release, *,
             as_of: date | None = None) -> dict[str, Any]:
    code = rules.normalise_code(get_scheme(session, scheme), raw_code)
    # All revisions of one code are few; choosing the held one in Python keeps the index lookup simple.
    query = select(CodeRevision).where(CodeRevision.scope == scheme, CodeRevision.key == code)
    found = next((r for r in session.exec(query) if r.rel_from is not None and r.rel_from <= release.seq
                  and (r.rel_to is None or r.rel_to > release.seq)), None)
    if found is None or not releases.shows(release, CODES, found):
        raise NotFound(f"release '{release.name}' has no {scheme} code {code}")
    return release_view(found, as_of=as_of)


def lookup(session: Session, scheme: str, codes: Iterable[str], release: Release) -> dict[str, CodeRevision]:
    """The revisions `release` holds for `codes` in `scheme`, by code."""
    wanted, found = sorted(set(codes)), {}
    for start in range(0, len(wanted), 900):
        query = select(CodeRevision).where(CodeRevision.scope == scheme, col(CodeRevision.key).in_(
            wanted[start:start + 900]), *releases.visible_filter(release, CODES))
        found.update((r.key, r) for r in session.exec(query))
    return found


def list_codes(session: Session, scheme: str, release: Release, *, q: str | None = None,
               status: str | None = None, cursor: int | None = None, limit: int = 50,
               ) -> tuple[list[CodeRevision], int | None]:
    """One page of the entries `release` holds, searched by code prefix or name (no pinyin here)."""
    get_scheme(session, scheme)
    query = select(CodeRevision).where(CodeRevision.scope == scheme, *releases.visible_filter(release, CODES))
    if q and q.strip():
        needle = q.strip()
        query = query.where(or_(col(CodeRevision.key).startswith(needle.upper()),
                                CodeRevision.data["name_zh"].as_string().contains(needle),
                                CodeRevision.data["name_en"].as_string().ilike(f"%{needle}%")))
    if status:
        query = query.where(CodeRevision.status == status)
    if cursor:
        query = query.where(col(CodeRevision.entity_id) > cursor)
    rows = list(session.exec(query.order_by(col(CodeRevision.entity_id)).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].entity_id if len(rows) > limit else None)
