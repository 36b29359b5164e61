"""Read what a term standard's document is printed from: the standard, its parts, and the concepts as
a release (or the live state) shows them. The one module of terms/document that touches the database.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from registry.clock import SHANGHAI, utcnow
from registry.errors import InvalidInput, NotFound
from registry.releases import service as releases
from registry.releases.models import Release, Stage
from registry.standards import service as standards
from registry.standards.models import Standard, StandardStage
from terms import standards as term_standards
from terms.document.build import Front, Outside, assemble
from terms.document.model import Document
from terms.models import Concept
from terms.service import iter_snapshots
from terms.versioned import COMMENT_DRAFT, CONCEPTS

# The live state prints what a 征求意见稿 would show: proposed, approved and deprecated concepts.
LIVE_STATUSES = COMMENT_DRAFT
DRAFT_LABELS = {StandardStage.comment: "征求意见稿", StandardStage.review: "送审稿", StandardStage.approval: "报批稿"}
EARLY_LABEL = "工作组讨论稿"


def load_document(session: Session, key_or_code: str, *, release: str | None = None) -> Document:
    """The document of standard `key_or_code` as of `release` (default: the live state); raise NotFound
    for an unknown standard or release, InvalidInput when the release does not hold the standard."""
    standard = standards.get_standard(session, key_or_code)
    parts = [p.number for p in term_standards.parts_of(session, standard.id)]
    if not parts:
        raise InvalidInput(f"standard {standard.key} holds no part of the term base",
                           errors=[{"pointer": "/standard", "detail": standard.key}])
    found = releases.resolve(session, release) if release else None
    if found is not None:
        parts = _held_parts(found, standard, parts)
    snapshots = list(_snapshots(session, parts, found))
    outside = _outside(session, snapshots, found)
    return assemble(snapshots, front(standard, found), outside)


def front(standard: Standard, release: Release | None) -> Front:
    """The standard's facts with the stage and date of the release, or of the standard's stage now."""
    timestamp = release.created_at if release else utcnow()
    return Front(key=standard.key, code=standard.code, title_zh=standard.title_zh, title_en=standard.title_en,
                 stage_label=_stage_label(standard, release), date=_local(timestamp).date().isoformat(),
                 timestamp=timestamp, release=release.name if release else None,
                 working_group=standard.working_group, meta=dict(standard.meta or {}))


def _stage_label(standard: Standard, release: Release | None) -> str:
    if release is not None:
        return "" if release.stage == Stage.published else Stage(release.stage).label_zh
    stage = StandardStage(standard.stage)
    if stage in (StandardStage.published, StandardStage.withdrawn):
        return ""
    return DRAFT_LABELS.get(stage, EARLY_LABEL)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI) if moment.tzinfo else moment


def _held_parts(release: Release, standard: Standard, parts: list[int]) -> list[int]:
    scope = {int(p) for p in release.scope.get("parts", [])}
    held = [p for p in parts if p in scope]
    if not held:
        raise InvalidInput(f"release '{release.name}' does not hold standard {standard.key}",
                           errors=[{"pointer": "/release", "detail": release.name}])
    return held


def _snapshots(session: Session, parts: list[int], release: Release | None) -> Iterator[tuple[int, dict[str, Any]]]:
    visible = CONCEPTS.visible(release.stage) if release else LIVE_STATUSES
    for part in parts:
        for cid, data in iter_snapshots(session, part=part, release_seq=release.seq if release else None):
            if visible is None or data.get("status") in visible:
                yield cid, data


def _outside(session: Session, snapshots: list[tuple[int, dict[str, Any]]],
             release: Release | None) -> dict[int, Outside]:
    """Referenced concepts outside the document that the release (or the live state) shows, by number."""
    inside = {cid for cid, _ in snapshots}
    wanted = {x["target"] for _, data in snapshots for x in data.get("cross_references") or []}
    wanted |= {data["superseded_by"] for _, data in snapshots if data.get("superseded_by")}
    found: dict[int, Outside] = {}
    codes: dict[int, str] = {}
    for cid, part, number in _visible_numbers(session, sorted(wanted - inside), release):
        if part not in codes:
            other = term_standards.standard_of_part(session, part)
            codes[part] = other.code if other else f"第{part}部分"
        found[cid] = Outside(number, codes[part])
    return found


def _visible_numbers(session: Session, ids: list[int], release: Release | None) -> Iterator[tuple[int, int, str]]:
    if release is None:
        query = select(Concept.id, Concept.part, Concept.entry_number).where(
            col(Concept.id).in_(ids), col(Concept.status).in_(sorted(LIVE_STATUSES)))
        yield from session.exec(query)
        return
    for cid in ids:
        try:
            revision = releases.revision_at(session, release, CONCEPTS, cid)
        except NotFound:
            continue
        yield cid, revision.data["part"], revision.data["entry_number"]


def standards_in_release(session: Session, release: Release) -> list[Standard]:
    """The term standards whose text a release holds: its own standard, else those of the parts in its scope."""
    if release.standard_id is not None:
        found = session.get(Standard, release.standard_id)
        return [found] if found else []
    out: dict[int, Standard] = {}
    for part in sorted(int(p) for p in release.scope.get("parts", [])):
        standard = term_standards.standard_of_part(session, part)
        if standard is not None:
            out.setdefault(standard.id, standard)
    return list(out.values())


def part_diagrams(session: Session, number: int) -> list:
    """The concept diagrams of one part as it stands (what the part page shows), from the live state."""
    from terms.document.build import diagrams, entries_of

    snapshots = list(_snapshots(session, [number], None))
    return diagrams(entries_of(snapshots), snapshots)
