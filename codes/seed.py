"""Seed the code schemes and their public-fact entries (data/*.csv, each naming its public source)."""

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlmodel import Session

from codes import service
from codes.models import CodeIn, CodeScheme
from registry.auth import SYSTEM
from registry.datafiles import data_dir

DATA = data_dir()
Sources = tuple[tuple[str, str, Callable[[dict[str, str]], dict[str, Any]]], ...]


def seed_schemes(session: Session, path: Path = DATA / "code_schemes.json") -> int:
    added = 0
    for item in json.loads(path.read_text("utf-8")):
        scheme = session.get(CodeScheme, item["slug"])
        if scheme is None:
            session.add(CodeScheme(**item))
            added += 1
        else:
            for key, value in item.items():
                setattr(scheme, key, value)
    session.flush()
    return added


def seed_reference_codes(session: Session) -> int:
    """Register the public-record venues and participants that are missing; return how many were added."""
    return seed_codes(session, REFERENCE_SOURCES)


def seed_sample_codes(session: Session) -> int:
    """Register the sample ISIN records (a few A-share ISINs, for trying the service) that are missing."""
    return seed_codes(session, SAMPLE_SOURCES)


def seed_codes(session: Session, sources: Sources | None = None) -> int:
    """Register the seed entries of `sources` (default: all) that are missing; return how many were added."""
    sources = REFERENCE_SOURCES + SAMPLE_SOURCES if sources is None else sources
    added = 0
    for scheme, filename, to_entry in sources:
        for row in _rows(DATA / filename):
            entry = CodeIn.model_validate(to_entry(row))
            if service.find_code(session, scheme, entry.code) is None:
                service.create_code(session, scheme, entry, actor=SYSTEM, change_note=f"seed: {filename}")
                added += 1
    return added


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from ({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None, [])}


def venue_entry(row: dict[str, str]) -> dict[str, Any]:
    attrs = {k: row.get(k) for k in ("operating_mic", "oprt_sgmt", "legal_entity_name", "lei",
                                     "market_category", "acronym", "city", "website", "comments")}
    parent = row["operating_mic"] if row["oprt_sgmt"] == "SGMT" else None
    return _clean({"code": row["mic"], "name_zh": row["name_zh"], "name_en": row["name_en"],
                   "status": row["status"].lower(), "valid_from": row["creation_date"] or None,
                   "valid_to": row["expiry_date"] or None, "parent": parent,
                   "attrs": _clean({**attrs, "country": "CN"})})


def participant_entry(row: dict[str, str]) -> dict[str, Any]:
    attrs = {"category": row["category"], "lei": row["lei"], "uscc": row["uscc"],
             "venue_mics": [m for m in row["venue_mics"].split(";") if m], "comments": row["comments"]}
    return _clean({"code": row["code"], "name_zh": row["name_zh"], "name_en": row["name_en"],
                   "parent": row["parent_code"] or None, "attrs": _clean(attrs)})


def isin_entry(row: dict[str, str]) -> dict[str, Any]:
    attrs = {"issuer": row["issuer"], "issuer_lei": row["issuer_lei"], "cfi": row["cfi"], "fisn": row["fisn"],
             "venue": row["venue_mic"], "local_code": row["local_code"], "issue_date": row["issue_date"],
             "maturity_date": row["maturity_date"]}
    return _clean({"code": row["isin"], "name_zh": row["name_zh"], "name_en": row["name_en"],
                   "status": row["status"] or "active", "attrs": _clean(attrs)})


REFERENCE_SOURCES: Sources = (("venue", "venues.csv", venue_entry), ("participant", "participants.csv",
                                                                      participant_entry))
SAMPLE_SOURCES: Sources = (("isin", "isin_samples.csv", isin_entry),)
