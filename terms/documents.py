"""Concept revisions as search documents, and search hits as API answers (the terms side of search).

A revision snapshot (concept_revision.data) becomes a `SearchDocument`: its terms are the names
(Chinese terms carry their reading — the curated or derived pinyin of the snapshot — then pypinyin's
default if that differs, then other plausible readings of heteronyms), the definitions and notes are
the texts, and ties inside a match class go approved → proposed → draft → deprecated → retired, then by
entry number.
"""

import hashlib
import json
from typing import Any

from registry.search.documents import Name, SearchDocument
from registry.search.query import Hit
from registry.search.source import Row
from terms.pinyin import alternative_readings, default_pinyin

STATUS_ORDER = ("approved", "proposed", "draft", "deprecated", "retired")
CHINESE = frozenset({"zh-CN", "zh-TW", "zh-HK"})
ALTERNATIVES = 8


def concept_document(revision_id: int, concept_id: int, data: dict[str, Any], *, live: bool,
                     rel_from: int | None = None, rel_to: int | None = None) -> SearchDocument:
    """The search document of one revision snapshot."""
    status = data.get("status", "draft")
    definition = data.get("definition") or {}
    texts = [("definition", definition[lang]) for lang in ("zh-CN", "en") if definition.get(lang)]
    texts += [("notes", note) for note in data.get("notes") or ()]
    return SearchDocument(
        key=revision_id, group=concept_id, live=live, rel_from=rel_from, rel_to=rel_to,
        rank=f"{_status_rank(status)}|{sort_key(data.get('entry_number', ''))}",
        names=tuple(_name(term) for term in data.get("terms") or ()),
        texts=tuple(texts),
        facets={"status": status, "part": str(data.get("part", ""))},
        payload=_payload(concept_id, data),
        digest=snapshot_digest(data),
    )


def revision_document(row: Row, live: bool) -> SearchDocument:
    """The search document of a concept_revision row (the adapter registry.search.source calls)."""
    return concept_document(row.id, row.entity_id, row.data, live=live, rel_from=row.rel_from,
                            rel_to=row.rel_to)


def sort_key(entry_number: str) -> str:
    """Entry numbers sort component by component: 3.2 before 3.10.

    >>> sort_key("3.10.2") > sort_key("3.2.15")
    True
    """
    return ".".join(part.zfill(3) for part in entry_number.split("."))


def snapshot_digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hit_answer(hit: Hit) -> dict[str, Any]:
    """The API shape of one hit: the concept's preferred terms, and which term or text matched."""
    payload = hit.payload
    return {
        "concept_id": payload["concept_id"], "entry_number": payload["entry_number"],
        "part": payload["part"], "term": payload["term"], "en": payload["en"],
        "matched_term": hit.matched_name, "matched_field": hit.matched_field,
        "status": payload["status"], "snippet": hit.snippet,
    }


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _name(term: dict[str, Any]) -> Name:
    text, lang = term["text"], term["lang"]
    primary = term.get("status") == "preferred"
    if lang not in CHINESE:
        return Name(text, lang, primary)
    stored = term.get("pinyin")
    # A derived reading was pypinyin's default when written; only a curated one needs the default beside it.
    default = stored if stored and not term.get("pinyin_curated") else default_pinyin(text)
    reading = stored or default
    readings = [reading, default, *alternative_readings(text, ALTERNATIVES, reading=reading)]
    return Name(text, lang, primary, tuple(dict.fromkeys(r for r in readings if r)))


def _preferred(terms: list[dict[str, Any]], langs: tuple[str, ...]) -> str | None:
    for lang in langs:
        for term in terms:
            if term["lang"] == lang and term.get("status") == "preferred":
                return term["text"]
    return None


def _payload(concept_id: int, data: dict[str, Any]) -> dict[str, Any]:
    terms = data.get("terms") or []
    return {
        "concept_id": concept_id, "entry_number": data.get("entry_number"), "part": data.get("part"),
        "status": data.get("status"),
        "term": _preferred(terms, ("zh-CN", "zh-TW", "zh-HK")) or (terms[0]["text"] if terms else None),
        "en": _preferred(terms, ("en",)),
    }
