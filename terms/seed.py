"""Seed the six parts and the sample concepts (written by the sfreg team, marked as samples)."""

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from registry.auth import SYSTEM
from registry.datafiles import data_dir
from registry.standards.seed import seed_items, seed_standards
from registry.standards.service import find_standard
from terms import service
from terms.models import Concept, ConceptCreate, Part

DATA = data_dir()


def seed_parts(session: Session, path: Path = DATA / "parts.json") -> int:
    """Insert or refresh the six parts, each tied to its standard (seeded first); return how many were added."""
    seed_standards(session)
    owners = _part_owners(session)
    added = 0
    for item in json.loads(path.read_text("utf-8")):
        part = session.get(Part, item["part"])
        if part is None:
            part = Part(number=item["part"], title_zh=item["title_zh"], title_en=item["title_en"])
            session.add(part)
            added += 1
        else:
            part.title_zh, part.title_en = item["title_zh"], item["title_en"]
        part.standard_id = part.standard_id or owners.get(item["part"])
    session.flush()
    return added


def _part_owners(session: Session) -> dict[int, int | None]:
    """Part number → id of the seeded standard holding it."""
    owners = {}
    for item in seed_items():
        standard = find_standard(session, item["key"])
        for number in item.get("parts", []):
            owners[number] = standard.id if standard else None
    return owners


def seed_concepts(session: Session, path: Path = DATA / "sample_concepts.json") -> int:
    """Create the sample concepts missing from the database; return how many were created.

    Idempotent: an entry whose (part, entry number) already exists is left alone. Cross references and
    superseded_by name entries by number in the file; they are resolved in a second pass.
    """
    items = json.loads(path.read_text("utf-8"))["concepts"]
    created = {}
    for item in items:
        if _find(session, item["part"], item["entry_number"]) is None:
            body = {k: v for k, v in item.items() if k not in ("status", "cross_references", "superseded_by")}
            created[(item["part"], item["entry_number"])] = (
                service.create_concept(session, ConceptCreate.model_validate(body), actor=SYSTEM,
                                       status=_seed_status(item), change_note="sample entry (seed)"))
    for item in items:
        concept = created.get((item["part"], item["entry_number"]))
        if concept is not None:
            _link(session, concept, item)
    return len(created)


def _seed_status(item: dict[str, Any]) -> str:
    return "approved" if item.get("status") in ("approved", "deprecated") else item.get("status", "draft")


def _link(session: Session, concept: Concept, item: dict[str, Any]) -> None:
    """Add cross references and the final status (deprecated needs its successor to exist)."""
    refs = [{"type": x["type"], "target": _target(session, item, x).id} for x in item.get("cross_references", [])]
    snapshot = service.current_revision(session, concept).data
    fields = {**snapshot, "cross_references": refs}
    if item.get("status") == "deprecated":
        fields["status"] = "deprecated"
        fields["superseded_by"] = _target(session, item, item["superseded_by"]).id if item.get(
            "superseded_by") else None
    if fields != snapshot:
        service.write_fields(session, concept, fields, actor=SYSTEM, action="seed-link",
                             change_note="sample entry (seed): links")


def _target(session: Session, item: dict[str, Any], ref: dict[str, Any]) -> Concept:
    part = ref.get("part", item["part"])
    target = _find(session, part, ref["entry"])
    if target is None:
        raise ValueError(f"seed: {item['part']}/{item['entry_number']} refers to missing {part}/{ref['entry']}")
    return target


def _find(session: Session, part: int, entry_number: str) -> Concept | None:
    query = select(Concept).where(Concept.part == part, Concept.entry_number == entry_number)
    return session.exec(query).first()
