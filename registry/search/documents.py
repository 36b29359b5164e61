"""What a domain hands to the index: one `SearchDocument` per revision that is live or in a release.

The index knows nothing of concepts or codes. A document is an entity revision with names (each with
a language, a primary flag and pinyin readings), free texts (definitions, notes), a rank key for ties,
facets to filter on (status, part) and a payload returned with every hit.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OPEN = 0xFFFFFFFF  # rel_to of a revision still held by the newest release


@dataclass(frozen=True)
class Name:
    text: str
    lang: str
    primary: bool = False
    readings: tuple[str, ...] = ()  # first the reading (curated or default), then other plausible ones


@dataclass(frozen=True)
class SearchDocument:
    key: int  # revision id
    group: int  # entity id: every revision of one entity shares it
    live: bool  # the entity's newest revision
    rank: str  # ascending tie-break inside a match class ("0|003.001.002")
    names: tuple[Name, ...]
    texts: tuple[tuple[str, str], ...] = ()  # (label, text): ("definition", "…"), ("notes", "…")
    facets: Mapping[str, str] = field(default_factory=dict)  # {"status": "approved", "part": "3"}
    rel_from: int | None = None  # release range [rel_from, rel_to) of the revision
    rel_to: int | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)  # returned with each hit
    digest: str = ""  # hash of the source row, compared by `check`

    def in_release(self, seq: int) -> bool:
        return self.rel_from is not None and self.rel_from <= seq < (self.rel_to or OPEN)
