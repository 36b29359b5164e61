"""Reading concepts as they stood in a release (the frozen revision, filtered by scope and stage)."""

from typing import Any

from sqlmodel import Session, col, select

from registry.errors import NotFound
from registry.releases import service as releases
from registry.releases.models import Release
from terms import rules
from terms.models import Concept, ConceptRevision
from terms.service import Page, decode_cursor, encode_cursor, get_concept, get_part
from terms.versioned import CONCEPTS


def release_view(concept: Concept, revision: ConceptRevision) -> dict[str, Any]:
    return {"id": concept.id, **revision.data, "revision": revision.rev,
            "created_at": concept.created_at, "updated_at": revision.created_at}


def read_concept(session: Session, concept_id: int, release: Release) -> dict[str, Any]:
    """The concept as `release` holds it; raise NotFound when the release does not show it."""
    concept = get_concept(session, concept_id)
    return release_view(concept, releases.revision_at(session, release, CONCEPTS, concept_id))


def read_entry(session: Session, part: int, entry_number: str, release: Release) -> dict[str, Any]:
    get_part(session, part)
    query = (select(Concept, ConceptRevision).join(Concept, col(Concept.id) == ConceptRevision.entity_id)
             .where(ConceptRevision.scope == str(part), ConceptRevision.key == rules.sort_key(entry_number),
                    *releases.visible_filter(release, CONCEPTS)))
    row = session.exec(query).first()
    if row is None:
        raise NotFound(f"release '{release.name}' has no entry {entry_number} in part {part}")
    return release_view(*row)


def list_concepts(session: Session, release: Release, *, part: int | None = None, status: str | None = None,
                  subject: str | None = None, cursor: str | None = None, limit: int = 50) -> Page:
    """One page of the concepts `release` shows, ordered by id."""
    query = (select(Concept, ConceptRevision).join(Concept, col(Concept.id) == ConceptRevision.entity_id)
             .where(*releases.visible_filter(release, CONCEPTS)))
    if part is not None:
        query = query.where(ConceptRevision.scope == str(part))
    if status is not None:
        query = query.where(ConceptRevision.status == status)
    if subject is not None:
        query = query.where(ConceptRevision.data["subject_field"].as_string() == subject)
    if cursor:
        query = query.where(col(ConceptRevision.entity_id) > decode_cursor(cursor))
    rows = session.exec(query.order_by(col(ConceptRevision.entity_id)).limit(limit + 1)).all()
    more = len(rows) > limit
    return Page(items=[release_view(c, r) for c, r in rows[:limit]],
                next_cursor=encode_cursor(rows[limit - 1][0].id) if more else None)


def timeline(session: Session, concept_id: int) -> list[dict[str, Any]]:
    """Which releases hold which revision of the concept."""
    get_concept(session, concept_id)
    return releases.timeline(session, CONCEPTS, concept_id)


def entry_index(session: Session, release: Release) -> dict[int, tuple[int, str]]:
    """concept id -> (part, entry number) as `release` holds them, for writing references by number:
    a release exports the same numbers for ever, however the live entries are renumbered later."""
    query = select(ConceptRevision.entity_id, ConceptRevision.data).where(*releases.held_filter(release, CONCEPTS))
    return {entity_id: (data["part"], data["entry_number"]) for entity_id, data in session.exec(query)}
