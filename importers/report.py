"""The report of one import or dry run: what happened to each row, rendered as text or JSON.

Rows come from `terms.bulk` and `codes.bulk` as `registry.rows.RowOutcome`s (the concept importer's
subclass carries its plan too); anything with the attributes of `RowLike` is accepted. A report keeps
every error and warning up to a limit, every row up to a limit, and exact counts always: a 1,000,000-row
import must not hold a million outcomes in memory. `sink` receives every row as it is added (the CLI's
`--report FILE.jsonl` writes them all).
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from registry.errors import ImportRejected

OUTCOMES = ("created", "updated", "unchanged", "error")
ROW_LIMIT = 10_000
ERROR_LIMIT = 10_000


class RowLike(Protocol):
    line: int
    key: str
    outcome: str
    changed: list[str]
    errors: list[dict[str, Any]]
    note: str | None


def row_dict(row: RowLike) -> dict[str, Any]:
    """The JSON shape of one row: line, key, outcome, and changed fields / errors / note when present."""
    out: dict[str, Any] = {"line": row.line, "key": row.key, "outcome": row.outcome}
    if row.changed:
        out["changed"] = list(row.changed)
    if row.errors:
        out["errors"] = list(row.errors)
    if row.note:
        out["note"] = row.note
    return out


@dataclass
class ImportReport:
    """Counts, rows, errors and warnings of one import; `rejected` when any row failed."""

    dataset: str
    source: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors_total: int = 0
    warnings_total: int = 0
    sink: Callable[[dict[str, Any]], None] | None = None
    row_limit: int = ROW_LIMIT

    @property
    def rejected(self) -> bool:
        return self.errors_total > 0

    @property
    def rows_total(self) -> int:
        return sum(self.counts.values())

    def add(self, row: RowLike) -> None:
        self.counts[row.outcome] += 1
        keep = len(self.rows) < self.row_limit
        if keep or self.sink is not None:
            shaped = row_dict(row)
            if keep:
                self.rows.append(shaped)
            if self.sink is not None:
                self.sink(shaped)
        for error in row.errors:
            self.error(error)

    def extend(self, rows) -> None:
        for row in rows:
            self.add(row)

    def error(self, error: dict[str, Any]) -> None:
        """Record a problem that is not tied to one row's outcome (a bad header, unreadable bytes)."""
        self.errors_total += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(error)

    def warn(self, warning: dict[str, Any]) -> None:
        self.warnings_total += 1
        if len(self.warnings) < ERROR_LIMIT:
            self.warnings.append(warning)

    @property
    def written(self) -> bool:
        """True when the import is kept: not a dry run, no row rejected, and at least one row read."""
        return not self.dry_run and not self.rejected and self.rows_total > 0

    def summary(self) -> dict[str, Any]:
        counts = {name: self.counts.get(name, 0) for name in OUTCOMES}
        return {"dataset": self.dataset, "source": self.source, "dry_run": self.dry_run,
                "written": self.written, "counts": counts,
                "errors_total": self.errors_total, "warnings_total": self.warnings_total}

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "rows": self.rows, "rows_truncated": self.rows_total > len(self.rows),
                "errors": self.errors, "warnings": self.warnings}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1, default=str)

    def headline(self) -> str:
        c = self.counts
        state = ("rejected, nothing written" if self.rejected else
                 "dry run, nothing written" if self.dry_run else
                 "no rows, nothing written" if not self.rows_total else "written")
        return (f"{self.source}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged, "
                f"{self.errors_total} errors, {self.warnings_total} warnings ({state})")

    def render_text(self, *, verbose: bool = False) -> str:
        """The headline, then each error, each warning and (verbose) each row that is not unchanged."""
        lines = [self.headline()]
        lines += [f"  error   {_where(e)}: {e['detail']}" for e in self.errors]
        lines += _more(self.errors_total, len(self.errors), "errors")
        lines += [f"  warning {_where(w)}: {w['detail']}" for w in self.warnings]
        lines += _more(self.warnings_total, len(self.warnings), "warnings")
        if verbose:
            lines += [_row_text(r) for r in self.rows if r["outcome"] in ("created", "updated")]
        return "\n".join(lines)

    def raise_if_rejected(self) -> None:
        """Raise ImportRejected listing every bad row (up to the limit) when any row failed."""
        if not self.rejected:
            return
        shown = "; ".join(f"{_where(e)}: {e['detail']}" for e in self.errors[:3])
        more = f" (and {self.errors_total - 3} more)" if self.errors_total > 3 else ""
        bad = f"{self.errors_total} problems in {self.counts['error']} rows" if self.counts["error"] else \
            f"{self.errors_total} problems"
        raise ImportRejected(f"{self.source}: {bad}, nothing was written: {shown}{more}",
                             errors=self.errors, report=self.summary())


def _where(problem: dict[str, Any]) -> str:
    parts = [f"line {problem['line']}" if problem.get("line") else "file"]
    if problem.get("column"):
        parts.append(f"column {problem['column']}")
    return ", ".join(parts)


def _more(total: int, shown: int, what: str) -> list[str]:
    return [f"  … and {total - shown} more {what}"] if total > shown else []


def _row_text(row: dict[str, Any]) -> str:
    changed = f": {', '.join(row['changed'])}" if row.get("changed") else ""
    return f"  line {row['line']:>7}  {row['key']}  {row['outcome']}{changed}"
