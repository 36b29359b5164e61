"""Classification schemes (分类编码体系) as data: creating a scheme, checking a node against its tree,
reading the tree a level at a time.

A classification node is an ordinary versioned code entry (codes.service: revisions, history, releases)
whose `parent` is the code of the node above it; the scheme's `levels` (codes.classification_rules) say
what a code of each level looks like. Services flush, never commit.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic import Field as PField
from sqlalchemy import func, select
from sqlmodel import Session

from codes import classification_rules as crules
from codes.models import CodeEntry, CodeScheme
from codes.validators import KINDS
from registry import audit
from registry.auth import Actor
from registry.errors import Conflict, InvalidInput, NotFound
from registry.search.folding import fold

CLASSIFICATION = "classification"
ENTRY = CodeEntry.__table__
NODE_COLUMNS = (ENTRY.c.code, ENTRY.c.name_zh, ENTRY.c.name_en, ENTRY.c.status, ENTRY.c.parent,
                ENTRY.c.valid_from, ENTRY.c.valid_to, ENTRY.c.successor)
TREE_BUDGET = 300  # nodes drawn on one tree page; deeper levels are linked, each with its count


class SchemeCreate(BaseModel):
    """A new code scheme: flat (`kind` list, with `code_pattern`) or a classification (`structure` such as
    "1-2-2", or `levels` in full)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "slug": "practitioner", "name_zh": "从业人员分类", "name_en": "Practitioner classification",
        "kind": "classification", "structure": "1-2-2"}]})

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    standard: Annotated[str, StringConstraints(max_length=200)] = ""
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    kind: Literal["list", "classification"] = "list"
    code_pattern: Annotated[str, StringConstraints(max_length=200)] | None = None
    structure: Annotated[str, StringConstraints(max_length=40)] | None = None
    charset: Literal["digit", "upper", "alnum"] = "digit"
    levels: list[crules.Level] | None = PField(default=None, max_length=crules.MAX_LEVELS)


@dataclass
class Node:
    code: str
    name_zh: str | None
    name_en: str | None
    status: str
    parent: str | None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    level: int = 1
    count: int = 0  # children
    children: list["Node"] = field(default_factory=list)
    drawn: bool = False  # children drawn on this page (else linked)


# ---- schemes -------------------------------------------------------------------------------------

def create_scheme(session: Session, data: SchemeCreate, *, actor: Actor) -> CodeScheme:
    """Add a code scheme; raise Conflict (slug taken) or InvalidInput (pattern, levels)."""
    if session.get(CodeScheme, data.slug) is not None:
        raise Conflict(f"code scheme '{data.slug}' already exists")
    if data.kind == CLASSIFICATION and data.slug in KINDS:  # /validate/{slug} would mean the validator
        raise Conflict(f"'{data.slug}' names a validator; choose another slug for the classification")
    scheme = CodeScheme(slug=data.slug, name_zh=data.name_zh, name_en=data.name_en, standard=data.standard,
                        description=data.description, kind=data.kind, **_shape(data))
    session.add(scheme)
    audit.record(session, actor, "scheme.create", "code_scheme", data.slug, kind=data.kind)
    session.flush()
    return scheme


def _shape(data: SchemeCreate) -> dict[str, Any]:
    if data.kind == "list":
        if not data.code_pattern or data.levels or data.structure:
            raise InvalidInput("a flat scheme needs code_pattern (a regular expression) and no levels",
                               errors=[{"pointer": "/code_pattern"}])
        pattern = data.code_pattern if data.code_pattern.startswith("^") else f"^{data.code_pattern}$"
        crules._compile(pattern, "/code_pattern")
        return {"code_pattern": pattern, "hierarchical": False, "levels": None}
    if bool(data.structure) == bool(data.levels):
        raise InvalidInput("a classification needs either structure (like 1-2-2) or levels",
                           errors=[{"pointer": "/levels"}])
    levels = crules.parse_levels(data.levels or crules.levels_from_structure(data.structure or "", data.charset))
    return {"code_pattern": crules.code_pattern(levels), "hierarchical": True,
            "levels": crules.stored_levels(levels)}


def get_classification(session: Session, slug: str) -> CodeScheme:
    """The classification scheme `slug`; raise NotFound (also for a flat scheme)."""
    scheme = session.get(CodeScheme, slug)
    if scheme is None or scheme.kind != CLASSIFICATION:
        raise NotFound(f"no classification scheme '{slug[:40]}'")
    return scheme


def find_classification(session: Session, slug: str) -> CodeScheme | None:
    scheme = session.get(CodeScheme, slug)
    return scheme if scheme is not None and scheme.kind == CLASSIFICATION else None


def levels_of(scheme: CodeScheme) -> list[crules.Level]:
    return [crules.Level.model_validate(lv) for lv in scheme.levels or []]


# ---- one node ---------------------------------------------------------------------------------------

def check_node(session: Session, slug: str, fields: dict[str, Any]) -> None:
    """For a classification scheme: the parent exists, the tree stays a tree, and the code fits its level;
    raise InvalidInput naming position, expected and found. Other schemes pass."""
    scheme = find_classification(session, slug)
    if scheme is None:
        return
    levels, code = levels_of(scheme), fields["code"]
    parent = fields["parent"] = crules.fold(fields["parent"]) if fields.get("parent") else None
    with session.no_autoflush:  # a new entry is in the session, not yet complete
        chain = ancestor_codes(session, slug, parent, stop=code) if parent else []
    if code in chain or parent == code:
        raise InvalidInput(f"{slug} {code}: parent {parent} is {code} or below it (a cycle)",
                           errors=[{"pointer": "/parent", "detail": "cycle"}])
    found = crules.check_code(levels, code, level=len(chain) + 1, parent=parent)
    if found:
        raise InvalidInput(f"{slug} code {code}: {found[0]['message']}",
                           errors=[{"pointer": "/code", "detail": f["message"], "detail_zh": f["message_zh"],
                                    "position": f["position"], "expected": f["expected"], "found": f["found"]}
                                   for f in found])


def ancestor_codes(session: Session, slug: str, parent: str, *, stop: str | None = None) -> list[str]:
    """`parent` and the codes above it, nearest first; raise InvalidInput when `parent` is not registered.
    Stops at `stop` (a cycle) or after MAX_LEVELS steps."""
    chain, current = [], parent
    while current is not None and len(chain) <= crules.MAX_LEVELS:
        row = session.execute(select(ENTRY.c.parent).where(ENTRY.c.scheme == slug,
                                                           ENTRY.c.code == current)).first()
        if row is None:
            raise InvalidInput(f"{slug}: parent {current} is not registered",
                               errors=[{"pointer": "/parent", "detail": current}])
        chain.append(current)
        if current == stop:
            break
        current = row[0]
    return chain


# ---- the tree ---------------------------------------------------------------------------------------

def nodes(session: Session, slug: str, codes: list[str]) -> dict[str, Node]:
    rows = session.execute(select(*NODE_COLUMNS).where(ENTRY.c.scheme == slug, ENTRY.c.code.in_(codes)))
    return {r.code: Node(*r) for r in rows}


def path(session: Session, slug: str, code: str) -> list[Node]:
    """The node `code` and its ancestors, root first, each with its level; raise NotFound."""
    out: list[Node] = []
    current: str | None = code
    while current is not None and len(out) <= crules.MAX_LEVELS:
        found = nodes(session, slug, [current]).get(current)
        if found is None:
            if not out:
                raise NotFound(f"{slug} code {code} is not registered")
            break
        out.insert(0, found)
        current = found.parent
    for level, item in enumerate(out, 1):
        item.level = level
    return out


def children(session: Session, slug: str, parents: list[str | None]) -> dict[str | None, list[Node]]:
    """The children of each of `parents` (None: the roots), ordered by code, in one query."""
    query = select(*NODE_COLUMNS).where(ENTRY.c.scheme == slug)
    wanted = [p for p in parents if p is not None]
    if None in parents:
        query = query.where(ENTRY.c.parent.is_(None) if not wanted else
                            ENTRY.c.parent.is_(None) | ENTRY.c.parent.in_(wanted))
    else:
        query = query.where(ENTRY.c.parent.in_(wanted))
    out: dict[str | None, list[Node]] = {p: [] for p in parents}
    # Sorted here, not in SQL: with ORDER BY code, SQLite walks the (scheme, code) index over the whole
    # scheme instead of looking the parents up in the (scheme, parent) index.
    for row in sorted(session.execute(query), key=lambda r: r.code):
        out.setdefault(row.parent, []).append(Node(*row))
    return out


def child_counts(session: Session, slug: str, codes: list[str]) -> dict[str, int]:
    counts = _all_counts(session, slug)
    return {code: counts[code] for code in codes if code in counts}


def _all_counts(session: Session, slug: str) -> dict[str | None, int]:
    """parent -> number of children (None: the roots) of the whole scheme, one index scan, kept in this
    process until the code library changes (codes.row_cache): counting a wide level's children on every
    page would cost more than the page."""
    from codes import row_cache  # it imports codes.service, which imports this module

    def count() -> dict[str | None, int]:
        query = select(ENTRY.c.parent, func.count()).where(ENTRY.c.scheme == slug).group_by(ENTRY.c.parent)
        return dict(session.execute(query).all())
    return row_cache.remembered(session.get_bind(), ("classification-counts", slug), count)


def tree_view(session: Session, slug: str, root: str | None = None, *,
              budget: int = TREE_BUDGET) -> dict[str, Any]:
    """The scheme, the path down to `root` (folded; None: the whole tree), the scheme's size and the
    nodes drawn below `root` (`subtree`); raise NotFound (scheme, root)."""
    scheme = get_classification(session, slug)
    code = crules.fold(root) if root else None
    trail = path(session, slug, code) if code else []
    return {"scheme": scheme, "root": code, "path": trail, "total": size(session, slug),
            "nodes": subtree(session, slug, code, first_level=len(trail) + 1, budget=budget),
            "levels": levels_of(scheme)}


def subtree(session: Session, slug: str, root: str | None = None, *, first_level: int | None = None,
            budget: int = TREE_BUDGET) -> list[Node]:
    """The nodes below `root` (None: the whole scheme), level by level while the page's budget of nodes
    lasts: a level's nodes are opened in code order as long as their children (counted from a cached
    map) fit; the first that does not fit, and those after it, stay folded with their count and a link to
    their own page. A page so costs about the same at 50,000 nodes as at 50."""
    if first_level is None:
        first_level = 1 if root is None else len(path(session, slug, root)) + 1
    top = children(session, slug, [root]).get(root, [])
    for item in top:
        item.level = first_level
    frontier, drawn = top, len(top)
    while frontier:
        counts = child_counts(session, slug, [n.code for n in frontier])
        for item in frontier:
            item.count = counts.get(item.code, 0)
        opened = _fitting(frontier, budget - drawn)
        if not opened:
            break
        below = children(session, slug, [n.code for n in opened])
        for item in opened:
            item.children, item.drawn = below.get(item.code, []), True
            for child in item.children:
                child.level = item.level + 1
        drawn += sum(n.count for n in opened)
        if len(opened) < len(frontier):
            break  # the rest of this level stays folded, each with its count and its own page
        frontier = [c for n in frontier for c in n.children]
    return top


def _fitting(frontier: list[Node], room: int) -> list[Node]:
    """The nodes of `frontier` with children, in order, whose children fit in `room`."""
    out = []
    for item in frontier:
        if item.count and item.count <= room:
            out.append(item)
            room -= item.count
        elif item.count:
            break
    return out


def size(session: Session, slug: str) -> int:
    return sum(_all_counts(session, slug).values())


def search(session: Session, slug: str, q: str, *, limit: int = 30) -> list[tuple[Node, list[Node]]]:
    """The first `limit` nodes (in code order) whose search text — code, names, pinyin, initials
    (codes.search_text) — holds `q`, each with its ancestors (root first), fetched a level at a time."""
    known = nodes(session, slug, _matches(session, slug, fold(q), limit))
    found = sorted(known.values(), key=lambda n: n.code)
    wanted = {n.parent for n in found if n.parent}
    for _ in range(crules.MAX_LEVELS):
        wanted -= set(known)
        if not wanted:
            break
        fetched = nodes(session, slug, sorted(wanted))
        known.update(fetched)
        wanted = {n.parent for n in fetched.values() if n.parent}
    return [(n, _ancestors(n, known)) for n in found]


def _matches(session: Session, slug: str, needle: str, limit: int) -> list[str]:
    codes, starts, blob = _search_texts(session, slug)
    out, at = [], blob.find(needle) if needle else -1
    while at >= 0 and len(out) < limit:
        line = bisect_right(starts, at) - 1
        out.append(codes[line])
        at = blob.find(needle, starts[line + 1]) if line + 1 < len(starts) else -1
    return out


def _search_texts(session: Session, slug: str) -> tuple[list[str], list[int], str]:
    """Every node's code, where its search text starts, and the texts joined by newlines, in code order;
    kept in this process until the code library changes. `str.find` over the joined texts takes about a
    millisecond at 50,000 nodes, where SQL's LIKE '%…%' reads every row."""
    from codes import row_cache

    def load() -> tuple[list[str], list[int], str]:
        query = select(ENTRY.c.code, ENTRY.c.search_text).where(ENTRY.c.scheme == slug)
        rows = sorted(session.execute(query).all())
        starts, at = [], 0
        for _, text in rows:
            starts.append(at)
            at += len(text) + 1
        return [code for code, _ in rows], starts, "\n".join(text for _, text in rows)
    return row_cache.remembered(session.get_bind(), ("classification-search", slug), load)


def _ancestors(node: Node, known: dict[str, Node]) -> list[Node]:
    out: list[Node] = []
    current = node.parent
    while current in known and len(out) < crules.MAX_LEVELS:
        out.insert(0, known[current])
        current = known[current].parent
    for level, item in enumerate(out, 1):
        item.level = level
    node.level = len(out) + 1
    return out
