"""Check the rows of a classification import as one tree before anything is written: every duplicate code,
orphan, cycle and code that breaks its level's rules is put on its row (line, column, reason in en and
zh), so the import is rejected naming each row.

The tree judged is the registered one with the file applied: a row's parent may be registered already or
come later in the file. A row with no parent column takes the parent its code's structure implies.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from codes import classification
from codes import classification_rules as crules
from codes.bulk import CodeRow
from codes.models import CodeScheme

ENTRY = classification.ENTRY


@dataclass
class TreeCheck:
    """The merged tree (code -> parent), where each code comes from (file line or registry), the depth of
    each code once known, and the problems found."""

    levels: list[crules.Level]
    parent_of: dict[str, str | None]
    line_of: dict[str, int] = field(default_factory=dict)
    depth: dict[str, int | None] = field(default_factory=dict)


def check_rows(session: Session, scheme: CodeScheme, rows: list[CodeRow], *, derive_parents: bool) -> None:
    """Fold codes and parents in place and add the tree's problems to the rows."""
    levels = classification.levels_of(scheme)
    check = TreeCheck(levels, _stored(session, scheme.slug))
    kept = [row for row in rows if _take(check, row, derive_parents)]
    for row in kept:
        _check_links(check, row)
    for row in kept:
        if not row.errors:
            _check_level(check, row)


def _stored(session: Session, slug: str) -> dict[str, str | None]:
    query = select(ENTRY.c.code, ENTRY.c.parent).where(ENTRY.c.scheme == slug)
    return dict(session.execute(query).all())


def _take(check: TreeCheck, row: CodeRow, derive_parents: bool) -> bool:
    """Fold the row's code and parent and enter it in the tree; False for a row left out (no code, a
    duplicate)."""
    code = crules.fold(row.fields.get("code") or "")
    if not code:
        row.error("code", "the code is missing")
        return False
    row.fields["code"] = code
    if code in check.line_of:
        first = check.line_of[code]
        _error(row, "code", f"{code} appears more than once in the file (line {first})",
               f"代码 {code} 在文件中重复出现（第 {first} 行）")
        return False
    check.line_of[code] = row.line
    if "parent" in row.fields:
        row.fields["parent"] = crules.fold(row.fields["parent"] or "") or None
    elif derive_parents:
        ancestors = crules.expected_ancestors(check.levels, code)
        row.fields["parent"] = ancestors[-1] if ancestors else None
    else:
        row.fields["parent"] = check.parent_of.get(code)
    check.parent_of[code] = row.fields["parent"]
    return True


def _check_links(check: TreeCheck, row: CodeRow) -> None:
    """Orphans and cycles."""
    code, parent = row.fields["code"], row.fields["parent"]
    if parent is not None and parent not in check.parent_of:
        _error(row, "parent", f"parent {parent} of {code} is neither in the file nor registered (an orphan)",
               f"{code} 的上级代码 {parent} 既不在文件中也未登记（孤立节点）")
        return
    cycle, through = _cycle(check.parent_of, code)
    shown = " → ".join(cycle)
    if cycle and through:
        _error(row, "parent", f"{code} is in a cycle: {shown}", f"{code} 处于循环中：{shown}")
    elif cycle:
        _error(row, "parent", f"the ancestors of {code} run into a cycle: {shown}",
               f"{code} 的上级链进入循环：{shown}")


def _cycle(parent_of: dict[str, str | None], code: str) -> tuple[list[str], bool]:
    """The chain from `code` up to where it repeats, and whether the cycle runs through `code` itself;
    ([], False) when the chain reaches a root or an orphan."""
    seen, current = [code], parent_of.get(code)
    while current is not None and current in parent_of:
        if current in seen:
            return [*seen, current], current == code
        seen.append(current)
        current = parent_of.get(current)
    return [], False


def _depth(check: TreeCheck, code: str) -> int | None:
    """The level of `code` in the merged tree; None below an orphan (reported on the orphan's row)."""
    chain, current = [], code
    while current is not None and current not in check.depth:
        if current not in check.parent_of:
            return None
        chain.append(current)
        current = check.parent_of.get(current)
    base = check.depth.get(current, 0) if current is not None else 0
    for steps, item in enumerate(reversed(chain), 1):
        check.depth[item] = base + steps
    return check.depth[code]


def _check_level(check: TreeCheck, row: CodeRow) -> None:
    code, parent = row.fields["code"], row.fields["parent"]
    level = _depth(check, code)
    hint = row.fields.pop("level_hint", None)
    if level is None:
        return
    for found in crules.check_code(check.levels, code, level=level, parent=parent):
        column = "parent" if found["code"] == "parent_mismatch" else "code"
        _error(row, column, found["message"], found["message_zh"], position=found["position"],
               expected=found["expected"], found=found["found"])
    if hint is not None and hint != level and not row.errors:
        _error(row, f"level:{hint}", f"{code} is in the level {hint} column, but its parent puts it at level "
                                     f"{level}", f"{code} 位于第 {hint} 级列，但其上级代码使其位于第 {level} 级")


def _error(row: CodeRow, column: str, detail: str, detail_zh: str, **extra: Any) -> None:
    row.error(column, detail)
    row.errors[-1].update({"detail_zh": detail_zh, **{k: v for k, v in extra.items() if v is not None}})
