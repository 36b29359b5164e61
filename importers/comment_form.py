"""The committee's comment form (征求意见表) as CSV or XLSX, uploaded in one go for a 征求意见稿.

Columns: 序号 · 章条编号 (or 条目编号) · 意见类型 (技术/编辑/一般) · 意见内容 · 修改建议 · 提出单位 · 联系人, and
optionally 涉及字段 (术语/定义/注/示例/英文对应词). English headers work too. All or nothing: every bad row is
reported with its line and column and nothing is written. A 章条编号 must be an entry of the release
(`part/number` where parts repeat a number); blank, 全文 or 总体 mean the standard as a whole.
"""

from collections.abc import Iterator
from typing import IO, Any

from pydantic import ValidationError
from sqlmodel import Session

from importers import csv_io, xlsx_io
from importers.report import ImportReport
from registry.auth import Actor, Role
from registry.errors import InvalidInput, PermissionDenied, RegistryError
from registry.releases.models import Release
from registry.rows import RowOutcome, row_problem
from terms.comments import entries
from terms.comments import service as comments
from terms.comments.models import FIELD_LABELS, TYPE_LABELS, CommentIn

COLUMNS = {  # field: headers that mean it
    "seq": ("序号", "no", "number", "#"),
    "entry_number": ("章条编号", "条目编号", "条款", "章条号", "entry", "entrynumber", "clause"),
    "type": ("意见类型", "类型", "type"),
    "content": ("意见内容", "意见", "comment", "content"),
    "proposal": ("修改建议", "建议", "proposal", "proposedchange"),
    "organization": ("提出单位", "单位", "organisation", "organization"),
    "contact": ("联系人", "联系方式", "contact"),
    "field": ("涉及字段", "字段", "field"),
}
ALIASES = {csv_io.normalise_header(h): name for name, headers in COLUMNS.items() for h in headers}
TYPES = {**{label: str(kind) for kind, label in TYPE_LABELS.items()}, **{str(k): str(k) for k in TYPE_LABELS},
         "技术性": "technical", "编辑性": "editorial"}
FIELDS = {**{label: str(f) for f, label in FIELD_LABELS.items()}, **{str(f): str(f) for f in FIELD_LABELS}}
WHOLE = frozenset({"", "全文", "总体", "通篇", "整体", "general", "all"})
FORMATS = ("csv", "xlsx")


def upload(session: Session, release: Release, stream: IO[bytes], *, filename: str, actor: Actor,
           fmt: str | None = None, organization: str | None = None) -> ImportReport:
    """Read the form and add every row as a comment to the open period of `release`; return the report.
    Raise Conflict (no open period), ImportRejected (bad file or rows: nothing written), PermissionDenied."""
    actor.require(Role.commenter)
    period = comments.open_period_of(session, release)
    report = ImportReport(dataset=f"comments/{release.name}", source=filename)
    table = _table(stream, _format(filename, fmt), report)
    table.require("content")
    known = entries.entries_of(session, release)
    checked = list(_checked(table, known, release, actor, organization, report))
    report.raise_if_rejected()
    if not checked:
        raise InvalidInput(f"{filename}: the form has no comment rows", errors=[{"line": 2, "column": None,
                                                                              "detail": "no rows"}])
    comments.add_many(session, period, checked, actor=actor, source=f"upload {filename}")
    return report


def _format(filename: str, fmt: str | None) -> str:
    chosen = fmt or filename.rsplit(".", 1)[-1].lower()
    if chosen not in FORMATS:
        raise InvalidInput(f"a comment form is CSV or XLSX, not '{chosen[:10]}'",
                           errors=[{"pointer": "/format", "detail": chosen[:10]}])
    return chosen


def _table(stream: IO[bytes], fmt: str, report: ImportReport) -> csv_io.Table:
    reader = xlsx_io.read_table if fmt == "xlsx" else csv_io.read_table
    table = reader(stream, ALIASES, source=report.source)
    for header in table.unknown:
        report.warn({"line": 1, "column": header, "detail": f"column '{header}' is not read"})
    return table


def _checked(table: csv_io.Table, known: dict[str, list[entries.Entry]], release: Release, actor: Actor,
             organization: str | None, report: ImportReport) -> Iterator[tuple[dict[str, Any], Any, str]]:
    labels = table.labels
    for line, cells in table.rows:
        outcome = RowOutcome(line=line, key=cells.get("seq") or str(line))
        row = _row(line, cells, labels, known, release, actor, organization, outcome)
        outcome.outcome = "error" if outcome.errors else "created"
        report.add(outcome)
        if row is not None and not outcome.errors:
            yield row


def _row(line: int, cells: dict[str, str], labels: dict[str, str], known, release: Release, actor: Actor,
         organization: str | None, outcome: RowOutcome) -> tuple[dict[str, Any], Any, str] | None:
    def problem(name: str, detail: str) -> None:
        outcome.errors.append(row_problem(line, labels, name, detail))

    if cells.get(""):
        problem("", f"cells beyond the last column: {cells[''][:60]}")
    body = _body(cells, problem)
    entry = _entry(cells.get("entry_number", "").strip(), known, release, problem)
    who = _organization(actor, cells.get("organization", "").strip() or organization, problem)
    if body is None or who is None or entry is False:
        return None
    return body, entry, who


def _body(cells: dict[str, str], problem) -> dict[str, Any] | None:
    given = {"type": _mapped(cells, "type", TYPES, "technical", problem),
             "field": _mapped(cells, "field", FIELDS, None, problem),
             **{k: cells.get(k, "").strip() or None for k in ("content", "proposal", "contact")}}
    try:
        return CommentIn.model_validate({k: v for k, v in given.items() if v is not None}).model_dump()
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "content"
            problem(name, item["msg"] if name != "content" or given["content"] else "意见内容 is empty")
        return None


def _mapped(cells: dict[str, str], name: str, choices: dict[str, str], default: str | None, problem) -> str | None:
    raw = cells.get(name, "").strip()
    if not raw:
        return default
    value = choices.get(raw) or choices.get(raw.lower())
    if value is None:
        problem(name, f"'{raw[:40]}' is not one of {', '.join(k for k in choices if not k.isascii())}")
    return value or default


def _entry(given: str, known, release: Release, problem):
    """The entry named, None for the standard as a whole, False (reported) for a bad one."""
    if given.lower() in WHOLE:
        return None
    try:
        return entries.pick(known, given.replace("／", "/"), release)
    except RegistryError as error:
        problem("entry_number", error.detail)
        return False


def _organization(actor: Actor, given: str | None, problem) -> str | None:
    try:
        return comments.organization_for(actor, given)
    except (InvalidInput, PermissionDenied) as error:
        problem("organization", error.detail)
        return None
