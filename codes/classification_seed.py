"""Seed the sample classification (投资者分类（示例）): written by the sfreg team and marked as a sample,
not text of any standard. Seeded only with the samples (`sfreg db seed --samples`)."""

import json
from typing import Any

from sqlmodel import Session

from codes import classification, service
from codes.models import CodeIn
from registry.auth import SYSTEM
from registry.datafiles import data_path

SAMPLE_FILE = "investor_classification_sample.json"


def sample() -> dict[str, Any]:
    return json.loads(data_path(SAMPLE_FILE).read_text("utf-8"))


def seed_classification_samples(session: Session) -> int:
    """Create the sample scheme if missing and register its missing nodes; return how many were added."""
    data = sample()
    slug = data["scheme"]["slug"]
    if classification.find_classification(session, slug) is None:
        classification.create_scheme(session, classification.SchemeCreate.model_validate(data["scheme"]),
                                     actor=SYSTEM)
    added = 0
    for code, parent, name_zh, name_en in data["nodes"]:
        if service.find_code(session, slug, code) is None:
            entry = CodeIn(code=code, parent=parent, name_zh=name_zh, name_en=name_en,
                           attrs={"sample": True})
            service.create_code(session, slug, entry, actor=SYSTEM, change_note=f"seed sample: {SAMPLE_FILE}")
            added += 1
    return added
