"""The shared shapes of a bulk import's rows: rows taken in chunks as they stream in, a row problem located
by line and column, and what an import decided for one row (created, updated with the changed fields,
unchanged, or error). Each domain's importer (terms.bulk, codes.bulk) builds these; importers.report
renders them."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`items` in lists of `size` (the last may be shorter), read as they come: a file's rows stream through."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
