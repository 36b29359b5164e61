"""The concepts a check looks for, read from the database: the live state's approved and deprecated
concepts (drafts and proposals are not standard terms yet), or exactly what a release shows."""

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from registry.releases import service as releases
from registry.releases.models import Release
from terms.checking.matcher import ConceptFacts
from terms.models import Concept, ConceptRevision
from terms.versioned import CONCEPTS, PUBLISHED

BATCH = 2000


def live_concepts(session: Session) -> Iterator[ConceptFacts]:
    """The live state's approved and deprecated concepts."""
    query = (select(ConceptRevision.entity_id, ConceptRevision.data)
             .join(Concept, (col(Concept.id) == ConceptRevision.entity_id) & (ConceptRevision.rev == Concept.rev))
             .where(col(Concept.status).in_(sorted(PUBLISHED))))
    for concept_id, data in session.exec(query.execution_options(yield_per=BATCH)):
        yield facts(concept_id, data)


def release_concepts(session: Session, release: Release) -> Iterator[ConceptFacts]:
    """The concepts `release` shows, as it holds them."""
    query = select(ConceptRevision.entity_id, ConceptRevision.data).where(
        *releases.visible_filter(release, CONCEPTS))
    for concept_id, data in session.exec(query.execution_options(yield_per=BATCH)):
        yield facts(concept_id, data)


def facts(concept_id: int, data: dict[str, Any]) -> ConceptFacts:
    """The ConceptFacts of a concept snapshot."""
    terms = [(t["text"], t["status"], t["lang"]) for t in data["terms"]]
    definition = data.get("definition") or {}
    return ConceptFacts(concept_id, data["part"], data["entry_number"], data["status"], data.get("superseded_by"),
                        _preferred(terms, "zh-CN"), _preferred(terms, "en"),
                        definition.get("zh-CN") or definition.get("en"), terms)


def _preferred(terms: list[tuple[str, str, str]], lang: str) -> str | None:
    return next((text for text, status, term_lang in terms if term_lang == lang and status == "preferred"), None)
