"""Classification files in and out: CSV/XLSX with a parent column or level columns, and SKOS.

Tables: the code list's own columns (code, name_zh, name_en, status, valid_from, valid_to, successor,
parent; Chinese headers too), or level columns instead of code/parent — `level1`…`level9` (also `L1`,
`第1级`, `一级`, `一级代码`): a row's code is its deepest filled level cell, its parent the next filled cell
to the left, else the last code seen in the column one level up (the layout of printed classification
tables, one code per row). With neither a parent column nor level columns, a code's parent is the one its
structure implies (the code without its last segment).

The whole file is read, checked as one tree (codes.classification_tree) and only then written through the
code importer (codes.bulk): all or nothing, every bad row named.
"""

from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlmodel import Session

from codes import bulk as codes_bulk
from codes import classification_tree
from codes.models import CodeScheme
from importers import csv_io, skos, xlsx_io
from importers.report import ImportReport
from registry.auth import Actor
from registry.rows import RowOutcome

CHINESE_NUMERALS = "一二三四五六七八九"
SKOS_FORMATS = ("ttl", "jsonld")


def level_aliases() -> dict[str, str]:
    """Normalised level-column headers -> 'level:N'."""
    aliases = {}
    for n in range(1, 10):
        zh = CHINESE_NUMERALS[n - 1]
        for header in (f"level{n}", f"l{n}", f"level{n}code", f"第{n}级", f"第{zh}级", f"{zh}级", f"{zh}级代码",
                       f"第{zh}级代码"):
            aliases[csv_io.normalise_header(header)] = f"level:{n}"
    return aliases


def import_classification(session: Session, scheme: CodeScheme, stream: IO[bytes], fmt: str,
                          report: ImportReport, *, actor: Actor, parallel: bool = False) -> None:
    """Read, check as a tree, then write the good file; a bad file's rows all go to the report.
    `parallel`: the rows are prepared (pinyin, JSON) in a forked worker, as for other big code files."""
    rows, derive = _read(scheme.slug, stream, fmt, report)
    classification_tree.check_rows(session, scheme, rows, derive_parents=derive)
    importer = codes_bulk.CodeImporter(session, scheme.slug, actor=actor, source=report.source)
    outcomes = [RowOutcome(line=r.line, key=r.fields.get("code") or "?", errors=list(r.errors))
                for r in rows if r.errors]
    outcomes += importer.run([r for r in rows if not r.errors], parallel=parallel)
    for outcome in sorted(outcomes, key=lambda o: o.line):
        report.add(outcome)
    importer.finish()


def _read(slug: str, stream: IO[bytes], fmt: str, report: ImportReport) -> tuple[list[codes_bulk.CodeRow], bool]:
    """The rows, and whether parents are to be derived from the codes' structure."""
    if fmt in SKOS_FORMATS:
        return skos.read_skos(stream, fmt, source=report.source), False
    aliases = {**codes_bulk.code_aliases(slug, csv_io.normalise_header), **level_aliases()}
    reader = xlsx_io.read_table if fmt == "xlsx" else csv_io.read_table
    table = reader(stream, aliases, source=report.source)
    for header in table.unknown:
        report.warn({"line": 1, "column": header, "detail": f"column '{header}' is not imported"})
    level_columns = sorted(int(f[6:]) for f in table.fields if f and f.startswith("level:"))
    if not level_columns:
        table.require("code")
    labels, carried = table.labels, {}
    rows = []
    for line, cells in table.rows:
        levels = {n: cells.pop(f"level:{n}", "").strip() for n in level_columns}
        row = codes_bulk.code_row(line, cells, labels, slug)
        if level_columns:
            _from_levels(row, levels, carried)
        rows.append(row)
    return rows, not level_columns and "parent" not in table.fields


def _from_levels(row: codes_bulk.CodeRow, levels: dict[int, str], carried: dict[int, str]) -> None:
    """Code, parent and level from the level cells of one row."""
    filled = [n for n, value in levels.items() if value]
    if not filled:
        if not row.fields.get("code"):
            row.error("code", "no level column holds a code")
        return
    deepest = max(filled)
    code = levels[deepest]
    if row.fields.get("code") and row.fields["code"].strip().upper() != code.upper():
        row.error("code", f"the code column says {row.fields['code']}, level {deepest} says {code}")
    above = [n for n in filled if n < deepest]
    parent = levels[max(above)] if above else carried.get(deepest - 1) if deepest > 1 else None
    if deepest > 1 and parent is None:
        row.error(f"level:{deepest}", f"{code} is at level {deepest} but no level {deepest - 1} code precedes it")
    row.fields.update(code=code, parent=parent, level_hint=deepest)
    carried[deepest] = code
    for n in [k for k in carried if k > deepest]:
        del carried[n]


# ---- export with level columns ------------------------------------------------------------------------

LEVEL_EXTRA = ("name_zh", "name_en", "status", "valid_from", "valid_to", "successor")


def level_header(depth: int) -> list[str]:
    return [f"level{n}" for n in range(1, depth + 1)] + list(LEVEL_EXTRA)


def level_rows(snapshots: Iterable[dict[str, Any]], depth: int) -> Iterator[list[str]]:
    """One row per node in tree order (each node after its parent), its path of codes in the level
    columns (the layout `_from_levels` reads back), then its names, status and validity."""
    nodes = {data["code"]: data for data in snapshots}
    below: dict[str | None, list[str]] = {}
    for code, data in nodes.items():
        below.setdefault(data.get("parent") if data.get("parent") in nodes else None, []).append(code)
    stack = [(code, [code]) for code in sorted(below.get(None, []), reverse=True)]
    while stack:
        code, trail = stack.pop()
        data = nodes[code]
        cells = (trail + [""] * depth)[:depth]
        yield cells + ["" if data.get(k) is None else str(data[k]) for k in LEVEL_EXTRA]
        stack += [(child, [*trail, child]) for child in sorted(below.get(code, []), reverse=True)]
