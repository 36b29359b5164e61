"""Concept snapshots + the standard's metadata → the document model (no database access here).

`assemble` takes the snapshots in 条目编号 order as the release (or the live state) shows them, the entry
numbers of referenced concepts outside the document, and a `Front` of standard metadata; it orders the
entries, marks the entries that head a group (section headings), resolves cross references to numbers,
collects 参考文献, builds both indexes and the concept diagrams, and runs the checks.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from terms import rules
from terms.document import checks
from terms.document.diagrams import available as drawing_available
from terms.document.model import Cover, Diagram, DiagramNode, Document, Entry, Reference
from terms.document.pinyin_index import english_index, pinyin_index, reading_of

DRAFTING_STATEMENT = ("本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》"
                      "的规定起草。")
PATENT_STATEMENT = "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。"
SHOWN_REFERENCES = ("see", "see_also", "replaced_by")
DIAGRAM_REFERENCES = ("broader", "narrower")
PRINTED_LANGS = ("zh-CN", "en")
REJECTED_LABELS = {"deprecated": "拒用", "superseded": "被取代"}


@dataclass
class Front:
    """What the document says about itself: the standard's facts, the stage and the time it is printed as."""

    key: str
    code: str
    title_zh: str
    title_en: str
    stage_label: str
    date: str
    timestamp: datetime
    release: str | None = None
    working_group: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outside:
    """A referenced concept that is not in this document but is in the release (another part)."""

    number: str
    prefix: str


def assemble(snapshots: Iterable[tuple[int, dict[str, Any]]], front: Front,
             outside: dict[int, Outside] | None = None) -> Document:
    """The document model of `snapshots` (id, public snapshot), ordered by part and 条目编号."""
    items = _ordered(snapshots)
    numbers = {cid: data["entry_number"] for cid, data in items}
    outside = outside or {}
    entries = [_entry(cid, data, numbers, outside) for cid, data in items]
    _mark_heads(entries)
    document = Document(
        key=front.key, release=front.release, cover=_cover(front), timestamp=front.timestamp,
        foreword=foreword(front), scope=_scope(front), normative_references=_normative(front),
        entries=entries, diagrams=diagrams(entries, items), bibliography=bibliography(items),
        pinyin_index=pinyin_index(_pinyin_items(items)), english_index=english_index(_english_items(items)))
    document.problems = checks.run(items, entries, numbers, outside, bilingual=bool(front.meta.get("bilingual")))
    if document.diagrams and not drawing_available():
        document.problems.append(checks.NO_GRAPHVIZ)
    return document


def entries_of(snapshots: Iterable[tuple[int, dict[str, Any]]]) -> list[Entry]:
    """The entries alone (for a part page's diagrams): ordered, group heads marked, references resolved."""
    items = _ordered(snapshots)
    numbers = {cid: data["entry_number"] for cid, data in items}
    entries = [_entry(cid, data, numbers, {}) for cid, data in items]
    _mark_heads(entries)
    return entries


def _ordered(snapshots: Iterable[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    return sorted(snapshots, key=lambda item: (item[1]["part"], rules.sort_key(item[1]["entry_number"]), item[0]))


def anchor(number: str) -> str:
    return f"e-{number}"


# ---- entries --------------------------------------------------------------------------------------

def _entry(cid: int, data: dict[str, Any], numbers: dict[int, str], outside: dict[int, Outside]) -> Entry:
    terms = data.get("terms", [])
    zh = [t for t in terms if t["lang"] == "zh-CN" and t["type"] != "symbol"]
    en = [t for t in terms if t["lang"] == "en" and t["type"] != "symbol"]
    preferred = next((t for t in zh if t["status"] == "preferred"), None)
    source = data.get("source") or {}
    return Entry(
        id=cid, part=data["part"], number=data["entry_number"], anchor=anchor(data["entry_number"]),
        preferred=preferred["text"] if preferred else "",
        preferred_pinyin=(preferred.get("pinyin") or "") if preferred else "",
        english=[t["text"] for status in ("preferred", "admitted") for t in en if t["status"] == status],
        admitted=[t["text"] for t in zh if t["status"] == "admitted"],
        rejected=[(t["text"], REJECTED_LABELS[t["status"]]) for t in zh + en if t["status"] in REJECTED_LABELS],
        symbols=list(dict.fromkeys(t["text"] for t in terms
                                   if t["type"] == "symbol" and t["status"] in ("preferred", "admitted"))),
        definition=(data.get("definition") or {}).get("zh-CN") or "",
        examples=list(data.get("examples") or []), notes=list(data.get("notes") or []),
        references=_references(data, numbers, outside), source=source.get("text"),
        source_modified=bool(source.get("modified")), level=data["entry_number"].count(".") + 1,
        designations=[(t["text"], t["lang"], t["status"], t["type"]) for t in terms if t["lang"] in PRINTED_LANGS])


def _references(data: dict[str, Any], numbers: dict[int, str], outside: dict[int, Outside]) -> list[Reference]:
    targets = [(x["type"], x["target"]) for x in data.get("cross_references") or [] if x["type"] in SHOWN_REFERENCES]
    if data.get("superseded_by") and ("replaced_by", data["superseded_by"]) not in targets:
        targets.append(("replaced_by", data["superseded_by"]))
    out = []
    for kind, target in targets:
        if target in numbers:
            out.append(Reference(kind, numbers[target], anchor(numbers[target])))
        elif target in outside:
            out.append(Reference(kind, outside[target].number, None, outside[target].prefix))
    return out


def _mark_heads(entries: list[Entry]) -> None:
    """An entry heads a group when another entry is numbered under it (1.1 heads 1.1.1)."""
    parents = {e.number.rsplit(".", 1)[0] for e in entries}
    for e in entries:
        e.heads_group = e.number in parents


# ---- front matter ---------------------------------------------------------------------------------

def _cover(front: Front) -> Cover:
    meta = front.meta
    return Cover(code=front.code, title_zh=front.title_zh, title_en=front.title_en, stage_label=front.stage_label,
                 date=front.date, ics=meta.get("ics") or "", ccs=meta.get("ccs") or "")


def foreword(front: Front) -> list[str]:
    """前言: the GB/T 1.1-2020 drafting statement, the patent notice, then who proposed and drafted it."""
    meta = front.meta
    out = [DRAFTING_STATEMENT, PATENT_STATEMENT]
    if meta.get("proposer"):
        out.append(f"本文件由{meta['proposer']}提出。")
    if front.working_group:
        out.append(f"本文件由{front.working_group}归口。")
    if meta.get("drafting_organizations"):
        out.append(f"本文件起草单位：{'、'.join(meta['drafting_organizations'])}。")
    if meta.get("drafters"):
        out.append(f"本文件主要起草人：{'、'.join(meta['drafters'])}。")
    return out


def _scope(front: Front) -> list[str]:
    given = front.meta.get("scope_zh")
    if given:
        return [p.strip() for p in given.splitlines() if p.strip()]
    return [f"本文件界定了《{front.title_zh}》所收录的术语和定义。"]


def _normative(front: Front) -> list[str]:
    return list(front.meta.get("normative_references") or [])


def bibliography(items: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """参考文献: every source cited by an entry or a term, in the order first cited."""
    seen: dict[str, None] = {}
    for _, data in items:
        for text in [(data.get("source") or {}).get("text"), *(t.get("source") for t in data.get("terms", []))]:
            if text:
                seen.setdefault(text, None)
    return list(seen)


# ---- indexes --------------------------------------------------------------------------------------

def _pinyin_items(items: list[tuple[int, dict[str, Any]]]) -> Iterable[tuple[str, str, str, str]]:
    for _, data in items:
        number = data["entry_number"]
        for t in data.get("terms", []):
            if t["lang"] == "zh-CN" and t["status"] in ("preferred", "admitted") and t["type"] != "symbol":
                yield t["text"], reading_of(t["text"], t.get("pinyin")), number, anchor(number)


def _english_items(items: list[tuple[int, dict[str, Any]]]) -> Iterable[tuple[str, str, str]]:
    for _, data in items:
        number = data["entry_number"]
        for t in data.get("terms", []):
            if t["lang"] == "en" and t["type"] != "symbol":
                yield t["text"], number, anchor(number)


# ---- concept diagrams -----------------------------------------------------------------------------

MAX_DIAGRAM_NODES = 40


def diagrams(entries: list[Entry], items: list[tuple[int, dict[str, Any]]]) -> list[Diagram]:
    """概念体系图 of each section: the largest groups whose numbering tree fits one figure (at most
    MAX_DIAGRAM_NODES concepts) are drawn whole; a larger group is drawn with its direct members only,
    and each of its subgroups gets a figure of its own. Typed broader/narrower references are added."""
    by_number = {e.number: e for e in entries}
    by_id = {e.id: e for e in entries}
    xrefs = {cid: data.get("cross_references") or [] for cid, data in items}
    members: dict[str, list[Entry]] = {}
    for e in entries:
        for ancestor in _ancestors(e.number, by_number):
            members.setdefault(ancestor.number, []).append(e)
    out: list[Diagram] = []
    pending = [e for e in entries if e.heads_group and _parent(e.number, by_number) is None]
    while pending:
        head = pending.pop(0)
        below = members.get(head.number, [])
        if len(below) + 1 <= MAX_DIAGRAM_NODES:
            out.append(_diagram(head, [head, *below], by_number, by_id, xrefs))
            continue
        direct = [e for e in below if _parent(e.number, by_number) is head]
        out.append(_diagram(head, [head, *direct], by_number, by_id, xrefs))
        pending[0:0] = [e for e in direct if e.heads_group]
    return out


def _ancestors(number: str, by_number: dict[str, Entry]) -> list[Entry]:
    found = []
    parent = _parent(number, by_number)
    while parent is not None:
        found.append(parent)
        parent = _parent(parent.number, by_number)
    return found


def _diagram(top: Entry, members: list[Entry], by_number: dict[str, Entry], by_id: dict[int, Entry],
             xrefs: dict[int, list[dict[str, Any]]]) -> Diagram:
    inside = {e.id for e in members}
    nodes = {e.id: _node(e, True) for e in members}
    edges: list[tuple[int, int, str]] = []
    for e in members[1:]:
        parent = _parent(e.number, by_number)
        if parent is not None and parent.id in inside:
            edges.append((parent.id, e.id, "tree"))
    seen = {(a, b) for a, b, _ in edges}
    for e in members:
        for x in xrefs.get(e.id, []):
            target = by_id.get(x["target"])
            if x["type"] not in DIAGRAM_REFERENCES or target is None:
                continue
            pair = (target.id, e.id) if x["type"] == "broader" else (e.id, target.id)
            if pair not in seen and pair[::-1] not in seen:
                seen.add(pair)
                edges.append((*pair, x["type"]))
                nodes.setdefault(target.id, _node(target, target.id in inside))
    return Diagram(number=top.number, title=top.preferred, nodes=list(nodes.values()), edges=edges)


def _node(entry: Entry, inside: bool) -> DiagramNode:
    return DiagramNode(entry.id, entry.number, entry.preferred, entry.anchor, inside)


def _parent(number: str, by_number: dict[str, Entry]) -> Entry | None:
    """The nearest entry above `number` in the numbering (1.1.1 → 1.1), skipping missing levels."""
    while "." in number:
        number = number.rsplit(".", 1)[0]
        if number in by_number:
            return by_number[number]
    return None
