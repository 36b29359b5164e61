"""Seed the six standards of 《证券期货业术语》 (data/standards.json names its public source).

Parts are linked to their standard by `terms.seed.seed_parts`, which calls this first.
"""

import json
from datetime import date
from typing import Any

from sqlmodel import Session, select

from registry.auth import SYSTEM
from registry.datafiles import data_path
from registry.standards.models import Standard, StandardStage


def seed_items() -> list[dict[str, Any]]:
    """The standards of the seed file, each with the part numbers it holds."""
    return json.loads(data_path("standards.json").read_text("utf-8"))["standards"]


def seed_standards(session: Session) -> int:
    """Insert the seeded standards missing from the database; return how many were added.

    Idempotent; a standard already present keeps its stage, code and history (they move by use, not by seed).
    """
    added = 0
    for item in seed_items():
        if session.exec(select(Standard).where(Standard.key == item["key"])).first() is None:
            session.add(_standard(item))
            added += 1
    session.flush()
    return added


def _standard(item: dict[str, Any]) -> Standard:
    stage = StandardStage(item["stage"])
    event = {"stage": str(stage), "date": date.fromisoformat(item["date"]).isoformat(),
             "note": "2024 年上半年工作报告所载阶段", "actor": SYSTEM.name}
    return Standard(key=item["key"], code=item["code"], collection=item["collection"], title_zh=item["title_zh"],
                    title_en=item["title_en"], working_group=item.get("working_group"), stage=stage,
                    stage_history=[event], meta=item.get("meta", {}))
