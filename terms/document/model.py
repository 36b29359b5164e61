"""The document model of a term standard (GB/T 1.1-2020, GB/T 20001.1): one model, four thin writers.

`build.py` fills it from concept snapshots and the standard's metadata; `docx_writer`, `typst_writer`,
`html_writer` and `sts_writer` only lay it out. Everything here is plain data in document order.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Reference:
    """A cross reference as printed ("见 1.4.1"); `anchor` is set when the target is in this document."""

    kind: str
    number: str
    anchor: str | None
    prefix: str = ""  # the other standard's code when the target lives in another standard


@dataclass(slots=True)
class Entry:
    """One term entry (术语条目) in GB/T 20001.1's order of elements."""

    id: int
    part: int
    number: str
    anchor: str
    preferred: str
    preferred_pinyin: str
    english: list[str]
    admitted: list[str]
    rejected: list[tuple[str, str]]     # (term, 拒用 | 被取代)
    symbols: list[str]
    definition: str
    examples: list[str]
    notes: list[str]
    references: list[Reference]
    source: str | None
    source_modified: bool
    level: int                          # depth in the numbering: 1.1 -> 2, 1.1.1 -> 3
    designations: list[tuple[str, str, str, str]] = field(default_factory=list)  # printed (text, lang, status, type)
    heads_group: bool = False           # other entries are numbered under this one: a section heading


@dataclass(frozen=True, slots=True)
class IndexItem:
    term: str
    reading: str    # the pinyin with tone marks (汉语拼音索引) or '' (英文对应词索引)
    number: str
    anchor: str


@dataclass(slots=True)
class IndexGroup:
    letter: str
    items: list[IndexItem]


@dataclass(frozen=True, slots=True)
class DiagramNode:
    id: int
    number: str
    label: str
    anchor: str
    inside: bool    # False: a concept of another section reached by a broader/narrower reference


@dataclass(slots=True)
class Diagram:
    """概念体系图 of one section: the numbering tree plus typed broader/narrower references."""

    number: str
    title: str
    nodes: list[DiagramNode]
    edges: list[tuple[int, int, str]]   # (from id, to id, "tree" | "broader" | "narrower")


@dataclass(frozen=True, slots=True)
class Problem:
    """What makes the document non-conforming (the checks before printing)."""

    code: str
    number: str
    detail: str


@dataclass(slots=True)
class Cover:
    code: str
    title_zh: str
    title_en: str
    stage_label: str
    date: str
    ics: str
    ccs: str


@dataclass(slots=True)
class Document:
    key: str
    release: str | None
    cover: Cover
    timestamp: datetime                 # the release time (or the build time of the live state)
    foreword: list[str]
    scope: list[str]
    normative_references: list[str]
    entries: list[Entry]
    diagrams: list[Diagram]
    bibliography: list[str]
    pinyin_index: list[IndexGroup]
    english_index: list[IndexGroup]
    problems: list[Problem] = field(default_factory=list)

    @property
    def filename_stem(self) -> str:
        return f"{self.key}{'-' + self.release if self.release else ''}"
