"""Shape service answers for templates: an entry laid out as in a Chinese term standard, a part's tree."""

from dataclasses import dataclass, field
from typing import Any

from registry.auth import Actor
from terms.labels import EntryLabel
from terms.models import CHINESE_LANGS, Lang, TermStatus
from terms.rules import TRANSITIONS

ZH_ORDER = (TermStatus.preferred, TermStatus.admitted, TermStatus.deprecated, TermStatus.superseded)


def referenced_ids(snapshot: dict[str, Any]) -> set[int]:
    """Ids of the concepts an entry links to (cross references and successor)."""
    ids = {x["target"] for x in snapshot.get("cross_references") or []}
    return ids | ({snapshot["superseded_by"]} if snapshot.get("superseded_by") else set())


def entry_view(snapshot: dict[str, Any], labels: dict[int, EntryLabel]) -> dict[str, Any]:
    """The entry's designations grouped by status and language, with its links resolved to labels."""
    terms = snapshot["terms"]
    chinese = [t for t in terms if t["lang"] in CHINESE_LANGS]
    preferred = next((t for t in chinese if t["lang"] == Lang.zh_cn and t["status"] == TermStatus.preferred),
                     None)
    return {
        "preferred": preferred,
        "zh_terms": {status: [t for t in chinese if t["status"] == status and t is not preferred]
                     for status in ZH_ORDER},
        "en_terms": sorted((t for t in terms if t["lang"] == Lang.en), key=lambda t: t["status"] != "preferred"),
        "other_terms": sorted((t for t in terms if t["lang"] not in CHINESE_LANGS and t["lang"] != Lang.en),
                              key=lambda t: (t["lang"], t["status"] != "preferred")),
        "xrefs": [{**x, "label": labels.get(x["target"])} for x in snapshot.get("cross_references") or []],
        "successor": labels.get(snapshot["superseded_by"]) if snapshot.get("superseded_by") else None,
    }


def headline(snapshot: dict[str, Any]) -> str:
    """'3.1.2 融资融券' — the entry number and its preferred Chinese term, for titles."""
    preferred = [t["text"] for t in snapshot["terms"] if t["status"] == TermStatus.preferred]
    term = next((t["text"] for t in snapshot["terms"]
                 if t["lang"] == Lang.zh_cn and t["status"] == TermStatus.preferred), preferred[0] if preferred else "")
    return f"{snapshot['entry_number']} {term}".strip()


@dataclass
class Node:
    """One 条目编号 in a part's tree; `entries` is empty for a number that only groups others."""

    number: str
    entries: list[EntryLabel] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)


def part_tree(outline: list[EntryLabel]) -> list[Node]:
    """Nest entries by number: 3.1.2 under 3.1 (a bare grouping node when 3.1 is not an entry)."""
    nodes: dict[str, Node] = {}
    roots: list[Node] = []
    for entry in outline:
        _node(entry.entry_number, nodes, roots).entries.append(entry)
    return roots


def _node(number: str, nodes: dict[str, Node], roots: list[Node]) -> Node:
    if number in nodes:
        return nodes[number]
    node = nodes[number] = Node(number)
    parent = number.rsplit(".", 1)[0] if number.count(".") >= 2 else None
    (_node(parent, nodes, roots).children if parent else roots).append(node)
    return node


def history_view(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Revisions newest first, each with the names of the fields it changed."""
    return [{**h, "fields": [c["field"] for c in h["changes"]]} for h in reversed(history)]


def moves(status: str, actor: Actor | None) -> list[str]:
    """The workflow states the signed-in actor may move an entry in `status` to."""
    if actor is None:
        return []
    return [to for (origin, to), role in TRANSITIONS.items() if origin == status and actor.role.rank >= role.rank]
