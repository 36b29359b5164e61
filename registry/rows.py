"""The shared shapes of a bulk import's rows: a row problem located by line and column, and what an import
decided for one row (created, updated with the changed fields, unchanged, or error). Each domain's importer
(terms.bulk, codes.bulk) builds these; importers.report renders them."""

from dataclasses import dataclass, field
from typing import Any


def row_problem(line: int, labels: dict[str, str], name: str, detail: str) -> dict[str, Any]:
    """A problem of field `name` on `line`, its column named as the file names it (`labels`)."""
    return {"line": line, "column": labels.get(name, name), "detail": detail}


@dataclass
class RowOutcome:
    line: int
    key: str
    outcome: str = "error"
    changed: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
