"""Lean read projections for links and outlines: how pages and exports name concepts.

Each is one query, so a page costs a fixed number of round trips whatever the entry links to.
"""

from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import Session, col, select

from terms.models import Concept, Lang, Term, TermStatus


@dataclass(frozen=True, slots=True)
class EntryLabel:
    """How a page names a concept in a link: part, 条目编号, zh-CN preferred term, status."""

    id: int
    part: int
    entry_number: str
    term: str | None
    status: str


def _labelled():
    preferred = and_(Term.concept_id == Concept.id, Term.lang == Lang.zh_cn, Term.status == TermStatus.preferred)
    return (select(Concept.id, Concept.part, Concept.entry_number, Term.text, Concept.status)
            .outerjoin(Term, preferred))


def entry_labels(session: Session, ids: set[int]) -> dict[int, EntryLabel]:
    """Labels of the concepts `ids` (missing ids are absent from the answer)."""
    if not ids:
        return {}
    rows = session.exec(_labelled().where(col(Concept.id).in_(sorted(ids)))).all()
    return {row[0]: EntryLabel(*row) for row in rows}


def part_outline(session: Session, part: int) -> list[EntryLabel]:
    """Every concept of `part` in 条目编号 order."""
    query = _labelled().where(Concept.part == part).order_by(col(Concept.sort_key), col(Concept.id))
    return [EntryLabel(*row) for row in session.exec(query).all()]
