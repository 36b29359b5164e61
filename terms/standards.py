"""The term base's side of standards: which parts a standard holds, and adding a standard with new parts."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.auth import Actor
from registry.standards import service as standards
from registry.standards.models import Standard, StandardCreate
from terms.models import Part


def parts_of(session: Session, standard_id: int) -> list[Part]:
    """The parts held by the standard `standard_id`, by number."""
    query = select(Part).where(Part.standard_id == standard_id).order_by(col(Part.number))
    return list(session.exec(query))


def standard_of_part(session: Session, number: int) -> Standard | None:
    """The standard holding part `number`, or None (an unknown part or one not yet tied to a standard)."""
    part = session.get(Part, number)
    if part is None or part.standard_id is None:
        return None
    return session.get(Standard, part.standard_id)


def part_numbers(session: Session) -> dict[int, list[int]]:
    """Part numbers per standard id, for lists of standards."""
    found: dict[int, list[int]] = {}
    for part in session.exec(select(Part).where(col(Part.standard_id).is_not(None)).order_by(col(Part.number))):
        found.setdefault(part.standard_id, []).append(part.number)  # type: ignore[arg-type]
    return found


def list_parts(session: Session) -> list[Part]:
    """Every part of the term base, by number."""
    return list(session.exec(select(Part).order_by(col(Part.number))))


def create_term_standard(session: Session, data: StandardCreate, *, actor: Actor) -> Standard:
    """Add a standard and its new parts, numbered after the highest part; raise as `create_standard`."""
    standard = standards.create_standard(session, data, actor=actor)
    top = session.exec(select(func.max(Part.number))).one() or 0
    for offset, part in enumerate(data.parts, start=1):
        session.add(Part(number=top + offset, title_zh=part.title_zh, title_en=part.title_en,
                         standard_id=standard.id))
    session.flush()
    return standard
