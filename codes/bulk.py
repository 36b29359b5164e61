"""Bulk import of code entries: any scheme from a table, ISIN files of millions of rows, ISO 10383 MIC
files into `venue`. Rows stream through in chunks — validate, look up, decide, write — so memory stays
flat whatever the file's size.

Writes go straight to the tables with SQLAlchemy Core (PostgreSQL: COPY for new rows), one `code_entry`
row and one `code_revision` row (snapshot = codes.service.json_snapshot, action "import") per created or
changed code, and one audit event for the whole import. An existing code is updated only when its
snapshot changes; a field the file does not carry keeps its stored value. Rows are never deleted.
Every row is decided even after errors, so the report lists every bad row; the caller rolls back when
the report is rejected or the run is a dry run (services never commit).

The work that needs no database — reading, validating, pinyin, the rows and JSON a new code would be
written as — can run in a forked worker process (`run(rows, parallel=True)`, codes.worker) while this
process looks codes up and writes: a file of a million rows keeps both cores busy.
"""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from typing import Any, get_args, get_origin

import orjson
from pydantic import ValidationError
from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session, col

from codes import rules
from codes.models import ATTRS_BY_SCHEME, CodeEntry, CodeRevision, CodeScheme, CodeStatus
from codes.search_text import search_text
from codes.service import CHANGE_TOPIC, SNAPSHOT_FIELDS, get_scheme
from codes.validators import get_validator
from codes.validators.base import parse_date
from codes.worker import map_chunks
from registry import audit, changes, texts
from registry.auth import Actor
from registry.clock import utcnow
from registry.database import among, is_sqlite
from registry.errors import RegistryError
from registry.rows import RowOutcome, chunked, row_problem

CHUNK_ROWS = 2000
ANALYZE_FIRST = 10_000
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE_STATUSES = frozenset(CodeStatus)
SETTLES_TO_ACTIVE = ("UPDATED", "MODIFIED")  # ISO 10383 STATUS values that a later file shows as ACTIVE
BASE_FIELDS = ("code", "name_zh", "name_en", "status", "valid_from", "valid_to", "successor", "parent")
STATUS_WORDS = {"有效": "active", "正常": "active", "失效": "expired", "已失效": "expired", "过期": "expired",
                "被取代": "superseded", "已取代": "superseded"}
ENTRY = CodeEntry.__table__
REVISION = CodeRevision.__table__
ENTRY_COLUMNS = ("id", "scheme", "code", "name_zh", "name_en", "status", "valid_from", "valid_to",
                 "successor", "parent", "attrs", "search_text", "rev", "created_at", "updated_at")
REVISION_COLUMNS = ("rev", "status", "scope", "key", "data", "actor", "action", "change_note", "created_at",
                    "entity_id")


@dataclass
class CodeRow:
    """One code as read from a file: the fields and attributes it gives (absent = keep the stored value),
    the labels of its columns, and an optional note that becomes the revision's change note."""

    line: int
    fields: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    month_precision: frozenset[str] = frozenset()  # fields whose dates only name a month (legacy MIC files)
    dated: bool = False  # the row says how recent it is (MIC files): older rows do not replace newer records
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, name: str, detail: str) -> None:
        self.errors.append(row_problem(self.line, self.labels, name, detail))


# ---- the tabular layout of a scheme -----------------------------------------------------------------

CODE_LABELS = {"venue": "mic", "isin": "isin"}
ZH_HEADERS = {"code": "代码", "name_zh": "中文名称", "name_en": "英文名称", "status": "状态",
              "valid_from": "生效日期", "valid_to": "失效日期", "successor": "后继代码", "parent": "上级代码"}
ATTR_ALIASES = {"isin": {"venue_mic": "venue", "mic": "venue"}, "venue": {"operating_mic": "operating_mic"}}


def attr_fields(scheme: str) -> list[str]:
    model = ATTRS_BY_SCHEME.get(scheme)
    return list(model.model_fields) if model else ["attrs"]


def code_header(scheme: str) -> list[str]:
    """The export header: the code column named after the scheme, the base fields, then the attributes."""
    return [CODE_LABELS.get(scheme, "code"), *BASE_FIELDS[1:], *attr_fields(scheme)]


def code_aliases(scheme: str, normalise: Callable[[str], str]) -> dict[str, str]:
    """Normalised header -> field ('attr:' prefix for attributes), English and Chinese."""
    aliases = {normalise(name): name for name in BASE_FIELDS}
    aliases.update({normalise(zh): name for name, zh in ZH_HEADERS.items()})
    aliases[normalise(CODE_LABELS.get(scheme, "code"))] = "code"
    aliases.update({normalise(a): f"attr:{a}" for a in attr_fields(scheme)})
    aliases.update({normalise(k): f"attr:{v}" for k, v in ATTR_ALIASES.get(scheme, {}).items()})
    return aliases


def code_row(line: int, cells: dict[str, str], labels: dict[str, str], scheme: str) -> CodeRow:
    """A CodeRow from table cells (field or 'attr:name' -> text)."""
    fields, attrs = {}, {}
    row = CodeRow(line, fields, attrs, labels)
    if cells.get(""):
        row.error("row", f"cells beyond the last column: {cells[''][:60]}")
    if texts.NUL in "".join(cells.values()):
        refuse_nul(row, cells)
    lists = list_attrs(scheme)
    for name, value in cells.items():
        if name[:5] != "attr:":
            if name:
                fields[name] = value.strip() or None
        elif name == "attr:attrs":
            _json_attrs(row, value)
        else:
            attrs[name[5:]] = ([v.strip() for v in value.splitlines() if v.strip()] if name[5:] in lists
                               else value.strip() or None)
    return row


def refuse_nul(row: CodeRow, cells: dict[str, str]) -> None:
    """An error on `row` for each cell holding NUL (registry.texts), named by its column; the cell is
    emptied so that nothing else trips on it."""
    for name, value in cells.items():
        if texts.NUL in value:
            row.error(name or "row", texts.nul_detail("the cell"))
            cells[name] = ""


@lru_cache
def list_attrs(scheme: str) -> frozenset[str]:
    """The attributes of `scheme` that hold lists (one value per line in a cell)."""
    model = ATTRS_BY_SCHEME.get(scheme)
    fields = model.model_fields.items() if model else ()
    return frozenset(name for name, info in fields if get_origin(info.annotation) is list
                     or list in get_args(info.annotation))


def _json_attrs(row: CodeRow, value: str) -> None:
    try:
        row.attrs.update(json.loads(value) if value.strip() else {})
    except (ValueError, AttributeError, TypeError):
        row.error("attr:attrs", "the attrs column must hold a JSON object")


def code_cells(snapshot: dict[str, Any], scheme: str) -> list[str]:
    """One export row (code_header order) for a json_snapshot."""
    base = ["" if snapshot.get(name) is None else str(snapshot[name]) for name in BASE_FIELDS]
    attrs = snapshot.get("attrs") or {}
    if scheme not in ATTRS_BY_SCHEME:
        return [*base, json.dumps(attrs, ensure_ascii=False, sort_keys=True) if attrs else ""]
    return [*base, *(_attr_text(attrs.get(name)) for name in attr_fields(scheme))]


def _attr_text(value: Any) -> str:
    if value is None:
        return ""
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


# ---- the row-local stage -------------------------------------------------------------------------

@dataclass(frozen=True)
class SchemeInfo:
    slug: str
    validator: str | None
    pattern: str


@dataclass(slots=True)
class Prepared:
    """A row after the work that needs no database: its normalised code, parsed fields, its attributes
    validated on their own, the search text of its names (None when a name is not in the file), and
    `fresh`: its code_entry row (without id, rev and stamps) and revision JSON should the code be new.
    `given` is None for a row shipped back from the worker unprepared (see `shipped`)."""

    row: CodeRow
    code: str | None
    given: dict[str, Any] | None
    attrs: dict[str, Any] | None
    search: str | None
    fresh: tuple[tuple, str] | None = None


def prepare_chunk(info: SchemeInfo, rows: list[CodeRow]) -> list[Prepared]:
    """The work on a chunk of rows that needs no database."""
    scheme = CodeScheme(slug=info.slug, name_zh="", name_en="", standard="", code_pattern=info.pattern,
                        validator=info.validator)
    validator = get_validator(info.validator) if info.validator else None
    return [_with_fresh(info.slug, Prepared(row, *_prepare(scheme, validator, row))) for row in rows]


def _with_fresh(slug: str, item: Prepared) -> Prepared:
    """Set `fresh` when the row, taken as a new code, is valid: most rows of a big file are new ones."""
    row = item.row
    if item.code is None or row.errors or row.dated or row.month_precision or item.attrs is None:
        return item
    new = merged_snapshot(slug, item, None)
    if new is None:
        del row.errors[:]  # found again, and reported, when the row is decided
    else:
        item.fresh = (entry_values(slug, item, new), dumps(new))
    return item


def shipped(prepared: list[Prepared]) -> list:
    """A prepared chunk in the form the worker sends it: rows ready to insert as plain tuples, which
    unpickle several times faster than the dataclasses; the rest whole."""
    return [(p.row.line, p.row.fields, p.row.attrs, p.row.labels, p.row.note, p.code, p.fresh)
            if p.fresh is not None else p for p in prepared]


def _code(item: Prepared | tuple) -> str | None:
    return item[5] if type(item) is tuple else item.code


def _unshipped(item: tuple) -> Prepared:
    line, fields, attrs, labels, note, code, fresh = item
    return Prepared(CodeRow(line, fields, attrs, labels, note), code, None, None, None, fresh)


def _prepare(scheme: CodeScheme, validator, row: CodeRow) -> tuple:
    """(code, given fields, attributes validated alone or None, search text or None); problems go to
    the row."""
    code = _normalise(scheme, validator, row)
    given = {name: _value(row, name, row.fields[name]) for name in BASE_FIELDS[1:]
             if name in row.fields and (name != "status" or row.fields[name])}  # an empty status keeps it
    attrs = None
    if not row.month_precision:
        try:
            attrs = valid_attrs(scheme.slug, {k: v for k, v in row.attrs.items() if v not in (None, "")})
        except RegistryError:
            attrs = None  # reported after the merge with the stored attributes
    named = code and "name_zh" in given and "name_en" in given
    search = search_text(code, given["name_zh"], given["name_en"]) if named else None
    return code, given, attrs, search


def _normalise(scheme: CodeScheme, validator, row: CodeRow) -> str | None:
    raw = row.fields.get("code") or ""
    if not raw.strip():
        row.error("code", "the code is missing")
        return None
    if validator is not None and validator.is_valid(raw):
        return validator.compact(raw)
    try:
        return rules.normalise_code(scheme, raw)
    except RegistryError as error:
        row.error("code", error.detail)
        return None


def _value(row: CodeRow, name: str, value: Any) -> Any:
    if value is None or name in ("successor", "parent"):
        return value.strip().upper() if isinstance(value, str) else value
    if name == "status":
        status = STATUS_WORDS.get(value, str(value).lower())
        if status not in CODE_STATUSES:
            row.error(name, f"unknown status '{value}'; use one of {', '.join(CodeStatus)}")
        return status
    if name in ("valid_from", "valid_to"):
        try:
            return parse_date(value)
        except ValueError:
            row.error(name, f"'{value}' is not a date (YYYY-MM-DD or YYYYMMDD)")
            return None
    if len(value) > 500:
        row.error(name, f"longer than 500 characters ({len(value)})")
    return value


def valid_attrs(scheme: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """codes.rules.check_attrs with fast paths that give the same result: plain short strings and ISO dates
    skip pydantic, identifiers go through `is_valid` first. Anything else, and anything invalid, is handed
    to check_attrs, which raises with its messages."""
    model = ATTRS_BY_SCHEME.get(scheme)
    if model is None:
        return attrs
    out = _simple_attrs(scheme, attrs)
    if out is None:
        try:
            out = model.model_validate(attrs).model_dump(mode="json", exclude_none=True)
        except ValidationError:
            return rules.check_attrs(scheme, attrs)
    for name, kind in rules.ATTR_VALIDATORS.items():
        if out.get(name):
            compact = _checked_identifier(kind, out[name])
            if compact is None:
                return rules.check_attrs(scheme, attrs)
            out[name] = compact
    return out


_IDENTIFIERS: dict[tuple[str, str], str | None] = {}


def _checked_identifier(kind: str, value: str) -> str | None:
    """The compact form of a valid identifier attribute, None for an invalid one. Remembered: a file repeats
    the same few CFI codes and issuer LEIs on row after row."""
    key = (kind, value)
    if key not in _IDENTIFIERS:
        if len(_IDENTIFIERS) >= 50_000:
            _IDENTIFIERS.clear()
        validator = get_validator(kind)
        _IDENTIFIERS[key] = validator.compact(value) if validator.is_valid(value) else None
    return _IDENTIFIERS[key]


@lru_cache
def _attr_kinds(scheme: str) -> dict[str, str]:
    """Attribute -> 'text' (a stripped string of at most 300 characters) or 'date', for the attributes whose
    pydantic validation the fast path can stand in for; others are left to pydantic."""
    kinds = {}
    for name, info in ATTRS_BY_SCHEME[scheme].model_fields.items():
        args = get_args(info.annotation)
        if type(None) not in args:  # only optional scalars: `Short | None`, `date | None`
            continue
        if date in args:
            kinds[name] = "date"
        elif any(get_args(a)[:1] == (str,) and any(getattr(m, "max_length", None) == 300
                                                    and getattr(m, "strip_whitespace", False)
                                                    for m in get_args(a)[1:]) for a in args):
            kinds[name] = "text"
    return kinds


def _simple_attrs(scheme: str, attrs: dict[str, Any]) -> dict[str, Any] | None:
    kinds = _attr_kinds(scheme)
    out = {}
    for name, value in attrs.items():
        kind = kinds.get(name)
        if value is None:
            continue
        if kind is None or not isinstance(value, str):
            return None
        text = value.strip()
        if kind == "text":
            simple = len(text) <= 300
        else:
            simple = value == text and ISO_DAY.fullmatch(text) is not None and _is_day(text)
        if not simple:
            return None
        out[name] = text
    return out


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def merged_snapshot(slug: str, item: Prepared, old: dict[str, Any] | None) -> dict[str, Any] | None:
    """The json snapshot after applying the row, validated; None (row errors set) when invalid."""
    row = item.row
    base = old or {"status": CodeStatus.active, "attrs": {}}
    new = {k: base.get(k) for k in SNAPSHOT_FIELDS}
    new["code"] = item.code
    for name, value in item.given.items():
        new[name] = value.isoformat() if isinstance(value, date) else value
    stored_attrs = base.get("attrs") or {}
    attrs = {**stored_attrs, **row.attrs}
    for name in row.month_precision:
        _keep_same_month(name, new, attrs, base)
    try:
        rules.check_validity(_day(new["valid_from"]), _day(new["valid_to"]))
        covered = item.attrs is not None and set(stored_attrs) <= set(row.attrs)
        new["attrs"] = item.attrs if covered else valid_attrs(
            slug, {k: v for k, v in attrs.items() if v not in (None, "")})
    except RegistryError as error:
        for problem in error.extensions.get("errors") or [{"pointer": "/", "detail": error.detail}]:
            pointer = problem.get("pointer", "/")
            attr = pointer.startswith("/attrs/")
            name = "attr:" + pointer.split("/")[2] if attr else pointer.strip("/")
            row.error(name, problem["detail"])
        return None
    return new


def entry_values(slug: str, item: Prepared, new: dict[str, Any]) -> tuple:
    """A code_entry row in storage form from `scheme` to `search_text` (ENTRY_COLUMNS[1:12]): JSON text,
    ISO dates; the search text computed with the row is reused when the names are the ones it saw."""
    names = (item.given.get("name_zh"), item.given.get("name_en"))
    search = item.search if item.search is not None and names == (new["name_zh"], new["name_en"]) \
        else search_text(new["code"], new["name_zh"], new["name_en"])
    return (slug, new["code"], new["name_zh"], new["name_en"], new["status"], new["valid_from"],
            new["valid_to"], new["successor"], new["parent"], dumps(new["attrs"]), search)


def dumps(value: Any) -> str:
    """JSON text as stored: orjson, compact, non-ASCII as UTF-8 (it parses back to the same value)."""
    return orjson.dumps(value).decode()


# ---- the importer ------------------------------------------------------------------------------------

class CodeImporter:
    """Import rows into one scheme within the caller's transaction: `run(rows)` yields one RowOutcome per
    row; `finish()` writes the import's audit event."""

    def __init__(self, session: Session, scheme: str, *, actor: Actor, source: str = "import",
                 change_note: str | None = None) -> None:
        self.session, self.actor, self.source = session, actor, source
        scheme_row = get_scheme(session, scheme)
        self.info = SchemeInfo(scheme_row.slug, scheme_row.validator, scheme_row.code_pattern)
        self.note = change_note or f"import {source}"[:2000]
        self.stamp = utcnow()
        self.stored_stamp = _stored(self.stamp)  # SQLite's storage form; PostgreSQL's COPY text form below
        self.event = audit.record(session, actor, "code.import", scheme, source[:100], status="running")
        changes.touch(session, CHANGE_TOPIC)  # a dry run rolls back, and the counter with it
        session.flush()  # the first write: from here on this transaction holds SQLite's write lock
        self.conn = session.connection()
        self.sqlite = is_sqlite(self.conn.engine)
        self.row_stamp = self.stored_stamp if self.sqlite else self.stored_stamp + "+00"
        self.first_id = self.next_id = None
        self.inserted, self.analyze_at = 0, ANALYZE_FIRST
        self.updated: set[str] = set()
        self.counts: dict[str, int] = {}

    def run(self, rows: Iterable[CodeRow], *, parallel: bool = False) -> Iterator[RowOutcome]:
        """One outcome per row; `parallel` reads and prepares the rows in a forked worker process."""
        prepare = partial(prepare_chunk, self.info)
        if parallel:  # chunks as shipped: new valid codes are decided without rebuilding their rows
            chunks = map_chunks(lambda chunk: shipped(prepare(chunk)), rows, CHUNK_ROWS)
        else:
            chunks = map(prepare, chunked(rows, CHUNK_ROWS))
        for chunk in chunks:
            yield from self._chunk(chunk)

    def finish(self) -> None:
        self.event.detail = {"source": self.source, **self.counts}
        self.session.flush()

    # -- one chunk -------------------------------------------------------------------------------
    def _chunk(self, prepared: list) -> list[RowOutcome]:
        """Decide and write a chunk of Prepared rows, or of rows as the worker ships them (`shipped`)."""
        existing = self._lookup({_code(p) for p in prepared} - {None})
        inserts, updates, outcomes, seen = [], [], [], {}
        counts = self.counts
        for item in prepared:
            if type(item) is tuple:
                line, _, _, _, note, code, fresh = item
                if code not in existing and code not in seen:  # the common case: a new, valid code
                    seen[code] = line
                    inserts.append((*fresh, note))
                    outcomes.append(RowOutcome(line=line, key=code, outcome="created", note=note))
                    counts["created"] = counts.get("created", 0) + 1
                    continue
                item = _unshipped(item)
            row = item.row
            outcome = RowOutcome(line=row.line, key=item.code or "?", note=row.note)
            if item.code:
                self._decide(item, existing.get(item.code), seen, outcome, inserts, updates)
            outcome.errors = list(row.errors)
            outcome.outcome = "error" if outcome.errors else outcome.outcome
            self.counts[outcome.outcome] = self.counts.get(outcome.outcome, 0) + 1
            outcomes.append(outcome)
        self._write(inserts, updates)
        return outcomes

    def _lookup(self, codes: set[str]) -> dict[str, tuple[int, int, dict[str, Any]]]:
        """code -> (id, rev, json snapshot) of the registered entries among `codes`."""
        wanted, found = sorted(codes), {}
        for entry_id, rev, *values in self._registered(wanted):
            found[values[0]] = (entry_id, rev, _json(dict(zip(SNAPSHOT_FIELDS, values, strict=True))))
        return found

    def _registered(self, wanted: list[str]) -> Iterator[tuple]:
        if not self.sqlite:
            # One array parameter (= ANY) straight to the driver: an IN list of 2,000, or the same array
            # built through SQLAlchemy, cost more than the lookup itself.
            statement = (f"SELECT id, rev, {', '.join(SNAPSHOT_FIELDS)} FROM code_entry "  # noqa: S608 (constants)
                         "WHERE scheme = %s AND code = ANY(%s)")
            yield from self.conn.connection.driver_connection.execute(statement, (self.info.slug, wanted))
            return
        columns = [ENTRY.c.id, ENTRY.c.rev, *(ENTRY.c[name] for name in SNAPSHOT_FIELDS)]
        yield from self.conn.execute(select(*columns).where(
            ENTRY.c.scheme == self.info.slug, among(ENTRY.c.code, wanted, dialect=self.conn.dialect)))

    def _decide(self, item: Prepared, stored, seen: dict[str, int], outcome: RowOutcome, inserts: list,
                updates: list) -> None:
        row, code = item.row, item.code
        if item.fresh is not None and stored is None and code not in seen:
            seen[code] = row.line
            outcome.outcome = "created"
            inserts.append((*item.fresh, row.note))
            return
        if item.given is None:
            item = prepare_chunk(self.info, [row])[0]  # shipped unprepared: only new codes skip this
        if code in seen or code in self.updated or (stored and self.first_id and stored[0] >= self.first_id):
            where = f" (line {seen[code]})" if code in seen else ""
            row.error("code", f"{code} appears more than once in the file{where}")
            return
        seen[code] = row.line
        old = stored[2] if stored else None
        if old and not row.errors and _stale(old, row):
            outcome.outcome = "unchanged"
            outcome.note = f"skipped: the registry's record is newer ({old['attrs'].get('last_update_date')})"
            return
        new = merged_snapshot(self.info.slug, item, old)
        if new is None or row.errors:
            return
        if old is None:
            outcome.outcome = "created"
            inserts.append((entry_values(self.info.slug, item, new), dumps(new), row.note))
        elif changed := [k for k in SNAPSHOT_FIELDS if old.get(k) != new.get(k)]:
            outcome.outcome, outcome.changed = "updated", changed
            self.updated.add(code)
            updates.append((stored[0], stored[1] + 1, new, row.note, item))
        else:
            outcome.outcome = "unchanged"

    # -- writing ---------------------------------------------------------------------------------
    def _write(self, inserts: list, updates: list) -> None:
        stamp, actor = self.row_stamp, self.actor.name
        if inserts:
            ids = self._ids(len(inserts))
            self.inserted += len(inserts)
            self._keep_plans_fresh()
            pairs = list(zip(ids, inserts, strict=True))
            self._insert(ENTRY, ENTRY_COLUMNS, [(i, *values, 1, stamp, stamp) for i, (values, _, _) in pairs])
            self._insert(REVISION, REVISION_COLUMNS, [
                (1, values[4], values[0], values[1], data, actor, "import", (note or self.note)[:2000], stamp, i)
                for i, (values, data, note) in pairs])
        if updates:
            self._update(updates)

    def _update(self, updates: list) -> None:
        names = [name for name in ENTRY_COLUMNS if name not in ("id", "scheme", "created_at")]
        statement = update(ENTRY).where(ENTRY.c.id == bindparam("v_id")).values(
            {name: bindparam("v_" + name) for name in names})
        stamp, actor = self.row_stamp, self.actor.name
        rows = [dict(zip(ENTRY_COLUMNS, (entry_id, *entry_values(self.info.slug, item, new), rev, stamp, stamp),
                         strict=True)) for entry_id, rev, new, _, item in updates]
        self.conn.execute(statement, [{**{f"v_{k}": _native(k, v) for k, v in row.items()
                                          if k in names or k == "id"}, "v_updated_at": self.stamp}
                                      for row in rows])
        self._insert(REVISION, REVISION_COLUMNS, [
            (rev, new["status"], self.info.slug, new["code"], dumps(new), actor, "import",
             (note or self.note)[:2000], stamp, i) for i, rev, new, note, _ in updates])

    def _keep_plans_fresh(self) -> None:
        """PostgreSQL plans the per-chunk lookups from table statistics, which knew nothing of this
        transaction's rows: with them, a growing table was scanned whole for every chunk (quadratic).
        ANALYZE inside the transaction sees its own rows; it runs each time the rows inserted quadruple."""
        if self.sqlite or self.inserted < self.analyze_at:
            return
        self.conn.exec_driver_sql("ANALYZE code_entry")
        self.analyze_at *= 4

    def _ids(self, count: int) -> list[int]:
        """Ids for new entries, taken before the insert so that revisions can refer to them."""
        if self.sqlite:
            if self.next_id is None:
                self.next_id = (self.conn.execute(select(func.max(ENTRY.c.id))).scalar() or 0) + 1
            ids = list(range(self.next_id, self.next_id + count))
            self.next_id += count
        else:
            # One array back instead of `count` rows: the rows cost more than the sequence.
            query = ("SELECT array_agg(nextval(pg_get_serial_sequence('code_entry', 'id'))) "
                     "FROM generate_series(1, %s)")
            ids = self.conn.connection.driver_connection.execute(query, (count,)).fetchone()[0]
        self.first_id = self.first_id or ids[0]
        return ids

    def _insert(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.sqlite:
            # Rows are already in SQLAlchemy's SQLite storage forms (JSON text, ISO dates and datetimes), so
            # they go to the driver as they are: Core's per-value type processing was the hottest loop.
            marks = ", ".join("?" * len(columns))
            statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (constants)
            self.conn.exec_driver_sql(statement, rows)
            return
        driver = self.conn.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _native(name: str, value: Any) -> Any:
    """Values for a typed Core UPDATE: JSON as objects, dates and datetimes as Python values."""
    if name == "attrs":
        return json.loads(value)
    if name in ("valid_from", "valid_to"):
        return _day(value)
    return value


def _stored(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite: JSON text, ISO dates, naive UTC datetimes with
    microseconds."""
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json(snapshot: dict[str, Any]) -> dict[str, Any]:
    for key in ("valid_from", "valid_to"):
        value = snapshot[key]
        snapshot[key] = value.isoformat() if isinstance(value, date) else value
    snapshot["attrs"] = snapshot["attrs"] or {}
    return snapshot


def _day(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _stale(old: dict[str, Any], row: CodeRow) -> bool:
    """A dated row (a MIC file's) older than the stored record must not roll it back: an older MIC file
    would reactivate expired MICs. A record's date is the latest of its last update, last validation and
    expiry dates; a legacy row, dated to the month only, is older than a stored record of the same month;
    an undated row never replaces a dated record."""
    stored = _as_of(old.get("attrs") or {}, old.get("valid_to")) if row.dated else None
    if stored is None:
        return False
    given = _as_of(row.attrs, row.fields.get("valid_to"))
    if given is None:
        return True
    if given == stored and row.attrs.get("iso_status") in SETTLES_TO_ACTIVE \
            and (old.get("attrs") or {}).get("iso_status") == "ACTIVE":
        return True  # ISO flags a MIC UPDATED in the file that changed it, ACTIVE again later, same dates
    if "last_update_date" in row.month_precision:
        return given.replace(day=1) <= stored.replace(day=1)
    return given < stored


def _as_of(attrs: dict[str, Any], valid_to: Any) -> date | None:
    dated = (attrs.get("last_update_date"), attrs.get("last_validation_date"), valid_to)
    days = [parse_date(str(v)) for v in dated if v]
    return max(days, default=None)


def _keep_same_month(name: str, new: dict[str, Any], attrs: dict[str, Any], base: dict[str, Any]) -> None:
    """A month-precision date (legacy 'Nov-16') does not replace a stored day in the same month."""
    holder, stored = (new, base.get(name)) if name in new else (attrs, (base.get("attrs") or {}).get(name))
    given = holder.get(name)
    if stored and given and str(given)[:7] == str(stored)[:7]:
        holder[name] = stored


def count_codes(session: Session, scheme: str) -> int:
    """How many entries `scheme` holds."""
    query = select(func.count()).select_from(ENTRY).where(col(CodeEntry.scheme) == scheme)
    return session.exec(query).one()[0]
