"""Bulk import of concepts: decide per row (created / updated with the changed fields / unchanged / error)
without writing, then write the whole plan in bulk (terms.bulk_write: the rows terms.service writes per
concept) in the caller's transaction.

A row (`ConceptRow`) carries the snapshot fields its file speaks for; a field it does not carry keeps the
stored value, and so do the attributes of a term the file cannot express (pinyin, type, geographical
usage, source) when the term's text is already stored. Rows are keyed by id when they have one, else by
条目编号 within the part, else (TBX without our fields) by the zh-CN preferred term. Cross references and
superseded_by name entries by number, resolved within the file first, then in the registry.
"""

import gc
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import Session, col, select

from registry import audit, texts
from registry import rows as registry_rows
from registry.auth import Actor, Role
from registry.database import among
from registry.errors import ImportRejected, RegistryError
from terms import bulk_write, rules, service
from terms.models import (
    ENTRY_NUMBER_PATTERN,
    Concept,
    ConceptCreate,
    ConceptRevision,
    ConceptStatus,
    Lang,
    Part,
    Term,
)

NEW = "new"
EMPTY: dict[str, Any] = {"subject_field": None, "superseded_by": None, "terms": [], "definition": {},
                         "notes": [], "examples": [], "source": None, "cross_references": []}
TERM_KEYS = ("text", "lang", "status", "type", "pinyin", "pinyin_curated", "geographical_usage", "source")
INHERITED = ("pinyin", "pinyin_curated", "geographical_usage", "source")
# Which term types each tabular column may hold (the first is the default for a new term).
COLUMN_TYPES = {"abbreviation": ("abbreviation",), "symbol": ("symbol",)}
WORD_TYPES = ("full_form", "short_form", "variant")
_ENTRY = re.compile(ENTRY_NUMBER_PATTERN)


@dataclass
class ConceptRow:
    """One concept as read from a file. `fields` holds the snapshot keys the file gives (absent = keep);
    `labels` names where each field came from (a column header or an XML location) for error messages;
    `term_langs` are the languages whose terms the row replaces (None: every language)."""

    line: int
    fields: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    term_langs: frozenset[str] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    external_key: str | None = None  # the concept's id in a foreign file (TBX), matched within the part

    def error(self, name: str, detail: str) -> None:
        self.errors.append(registry_rows.row_problem(self.line, self.labels, name, detail))


@dataclass
class RowOutcome(registry_rows.RowOutcome):
    concept_id: int | None = None
    fields: dict[str, Any] | None = None
    external_key: str | None = None  # stored on a created concept


# ---- planning ------------------------------------------------------------------------------------

def plan_concept_rows(session: Session, rows, *, default_part: int | None = None,
                      actor: Actor | None = None) -> list[RowOutcome]:
    """Decide what importing `rows` would do, row by row, writing nothing. Every problem of every row is
    reported (validation, rules, uniqueness within the file and against the registry, links); an
    `actor` below reviewer may not set a status other than draft/proposed."""
    with _paused_gc():
        return _plan(session, list(rows), default_part, actor)


def _plan(session: Session, rows: list[ConceptRow], default_part: int | None,
          actor: Actor | None) -> list[RowOutcome]:
    for row in rows:
        _refuse_nul(row)
    planner = _Planner(session, rows, default_part, actor)
    outcomes = planner.outcomes = [planner.identify(row) for row in rows]
    planner.check_numbers(outcomes)
    for row, outcome in zip(rows, outcomes, strict=True):
        if not outcome.errors:
            planner.complete(row, outcome)
        row.fields = {}  # merged into outcome.fields; a 100,000-row file held both (memory)
    planner.check_preferred(outcomes)
    for outcome in outcomes:
        if outcome.errors:
            outcome.outcome, outcome.changed, outcome.fields = "error", [], None
        elif outcome.outcome == "unchanged":
            outcome.fields = None
    return outcomes


class _Planner:
    def __init__(self, session: Session, rows: list[ConceptRow], default_part: int | None,
                 actor: Actor | None) -> None:
        self.session, self.rows, self.default_part, self.actor = session, rows, default_part, actor
        # concept id -> (part, live number, status, snapshot) of the concepts the rows may touch
        self.stored: dict[int, tuple[int, str | None, str, dict[str, Any]]] = {}
        self.file_keys: dict[tuple[int, str], int] = {}  # final (part, number) of live rows -> row index
        self.any_keys: dict[tuple[int, str], int] = {}  # the same for every row, retired ones too
        self.outcomes: list[RowOutcome] = []
        self.auto_numbers: dict[int, int] = {}
        self.known_parts = set(session.exec(select(Part.number)))
        self._load()

    # -- loading ------------------------------------------------------------------------------
    def _load(self) -> None:
        ids = {r.fields["id"] for r in self.rows if isinstance(r.fields.get("id"), int)}
        keys = {(self._part(r), r.fields["entry_number"]) for r in self.rows
                if r.fields.get("entry_number") and self._part(r)}
        self._load_concepts(self._among(col(Concept.id), sorted(ids)))
        for part in {p for p, _ in keys}:
            numbers = sorted(n for p, n in keys if p == part)
            self._load_concepts((Concept.part == part) & self._among(col(Concept.entry_number), numbers))
        self.by_external = self._load_external_keys()
        self.by_key = {(p, n): cid for cid, (p, n, _, _) in self.stored.items() if n}
        self.retired_by_key = {(p, s["entry_number"]): cid for cid, (p, n, _, s) in self.stored.items()
                               if not n}
        self.preferred_holders: dict[str, int] = {}
        self._add_holders({t for r in self.rows if (t := _preferred_zh(r.fields.get("terms") or []))})

    def _load_external_keys(self) -> dict[tuple[int, str], int]:
        """(part, external key) -> concept id for the rows that carry a key, their concepts loaded."""
        keys = {(part, r.external_key) for r in self.rows if r.external_key and (part := self._part(r))}
        found: dict[tuple[int, str], int] = {}
        for part in {p for p, _ in keys}:
            query = select(Concept.external_key, Concept.id).where(
                Concept.part == part, self._among(col(Concept.external_key), sorted(k for p, k in keys if p == part)))
            found.update({(part, key): cid for key, cid in self.session.exec(query)})
        if found:
            self._load_concepts(self._among(col(Concept.id), sorted(set(found.values()))))
        return found

    def _among(self, column, values: list):
        return among(column, values, dialect=self.session.get_bind().dialect)

    def _load_concepts(self, where) -> None:
        query = (select(Concept.id, Concept.part, Concept.live_number, Concept.status, ConceptRevision.data)
                 .join(ConceptRevision, (ConceptRevision.entity_id == Concept.id)
                       & (ConceptRevision.rev == Concept.rev))
                 .where(where))
        for cid, part, live, status, data in self.session.exec(query):
            self.stored[cid] = (part, live, status, data)

    def _part(self, row: ConceptRow) -> int | None:
        part = row.fields.get("part")
        return part if isinstance(part, int) else self.default_part

    # -- step 1: who is this row? --------------------------------------------------------------
    def identify(self, row: ConceptRow) -> RowOutcome:
        outcome = RowOutcome(line=row.line, key="?", errors=list(row.errors), external_key=row.external_key)
        part = self._part(row)
        if part is None:
            row.error("part", "no part (部分): add the column, or choose a part for files without one "
                              "(--part N)")
            outcome.errors = list(row.errors)
            return outcome
        if part not in self.known_parts:
            row.error("part", f"part {part} does not exist (see /api/v1/parts)")
            outcome.errors = list(row.errors)
            return outcome
        concept_id = self._match(row, part)
        number = row.fields.get("entry_number") or self._number_of(concept_id) or self._auto_number(part)
        outcome.key, outcome.concept_id = f"{part}/{number}", concept_id
        row.fields = {**row.fields, "part": part, "entry_number": number}
        outcome.errors = list(row.errors)
        return outcome

    def _match(self, row: ConceptRow, part: int) -> int | None:
        if "id" in row.fields:
            concept_id = row.fields["id"]
            if concept_id not in self.stored:
                row.error("id", f"concept id {concept_id} does not exist")
            return concept_id if concept_id in self.stored else None
        number = row.fields.get("entry_number")
        if number:
            return self.by_key.get((part, number)) or self.retired_by_key.get((part, number))
        if (part, row.external_key) in self.by_external:
            return self.by_external[(part, row.external_key)]
        holder = self.preferred_holders.get(_preferred_zh(row.fields.get("terms") or []) or "")
        if holder is not None and holder not in self.stored:
            self._load_concepts(col(Concept.id) == holder)
        return holder if holder in self.stored and self.stored[holder][0] == part else None

    def _number_of(self, concept_id: int | None) -> str | None:
        return self.stored[concept_id][3]["entry_number"] if concept_id in self.stored else None

    def _auto_number(self, part: int) -> str:
        """Entries without a number (foreign TBX) are numbered {part}.0.k after the highest such number."""
        if part not in self.auto_numbers:
            query = select(Concept.entry_number).where(Concept.part == part,
                                                       col(Concept.entry_number).startswith(f"{part}.0."))
            numbers = [n.rsplit(".", 1)[1] for n in self.session.exec(query)]
            self.auto_numbers[part] = max((int(n) for n in numbers if n.isdigit()), default=0)
        self.auto_numbers[part] += 1
        return f"{part}.0.{self.auto_numbers[part]}"

    # -- step 2: entry numbers unique within the file and against the registry ---------------
    def check_numbers(self, outcomes: list[RowOutcome]) -> None:
        seen_ids: dict[int, int] = {}
        seen_external: dict[tuple[int, str], int] = {}
        for index, (row, outcome) in enumerate(zip(self.rows, outcomes, strict=True)):
            if outcome.key == "?":
                continue
            if row.external_key:
                first = seen_external.setdefault((row.fields["part"], row.external_key), index)
                if first != index:
                    _fail(outcome, row, "id", f"the file's concept id '{row.external_key}' is already on line "
                                              f"{self.rows[first].line}")
            key = (row.fields["part"], row.fields["entry_number"])
            self.any_keys.setdefault(key, index)
            if _live(row, self.stored.get(outcome.concept_id)):
                first = self.file_keys.setdefault(key, index)
                if first != index:
                    _fail(outcome, row, "entry_number", f"entry {key[1]} of part {key[0]} is already on line "
                                                        f"{self.rows[first].line}")
            if outcome.concept_id is not None:
                first = seen_ids.setdefault(outcome.concept_id, index)
                if first != index:
                    _fail(outcome, row, "id", f"concept {outcome.concept_id} is already on line "
                                              f"{self.rows[first].line}")
        self.in_file = set(seen_ids)
        for row, outcome in zip(self.rows, outcomes, strict=True):
            holder = self.by_key.get((row.fields.get("part"), row.fields.get("entry_number")))
            taken = holder not in (None, outcome.concept_id) and holder not in self.in_file
            if outcome.key != "?" and taken and _live(row, self.stored.get(outcome.concept_id)):
                part, number = row.fields["part"], row.fields["entry_number"]
                _fail(outcome, row, "entry_number", f"entry {number} of part {part} is already used by "
                                                    f"concept {holder}")

    # -- step 4: one live concept per zh-CN preferred term ---------------------------------------
    def check_preferred(self, outcomes: list[RowOutcome]) -> None:
        claims: dict[str, int] = {}
        final = {i: _preferred_zh(o.fields["terms"]) for i, o in enumerate(outcomes)
                 if o.fields and rules.is_live(o.fields["status"])}
        self._add_holders({text for text in final.values() if text})
        for index, text in final.items():
            outcome, row = outcomes[index], self.rows[index]
            first = claims.setdefault(text, index) if text else index
            if first != index:
                _fail(outcome, row, "preferred", f"'{text}' is also the zh-CN preferred term on line "
                                                 f"{self.rows[first].line}")
            holder = self.preferred_holders.get(text)
            if holder not in (None, outcome.concept_id) and holder not in self.in_file:
                _fail(outcome, row, "preferred", f"'{text}' is already the zh-CN preferred term of live "
                                                 f"concept {holder}")

    def _add_holders(self, texts: set[str]) -> None:
        missing = sorted(texts - set(self.preferred_holders))
        query = select(Term.preferred_key, Term.concept_id).where(self._among(col(Term.preferred_key), missing))
        self.preferred_holders.update(self.session.exec(query).all())

    # -- step 3: merge, validate, link, compare -----------------------------------------------
    def complete(self, row: ConceptRow, outcome: RowOutcome) -> None:
        stored = self.stored.get(outcome.concept_id)
        snapshot = stored[3] if stored else None
        merged = merge(snapshot, row)
        merged["status"] = row.fields.get("status") or (stored[2] if stored else ConceptStatus.draft)
        if not _validate(merged, row, outcome):
            return
        self._check_status(merged["status"], stored, row, outcome)
        self._link(merged, row, outcome)
        if outcome.errors:
            return
        outcome.fields = merged
        outcome.changed = _changed(snapshot, merged) if snapshot else []
        outcome.outcome = "created" if snapshot is None else "updated" if outcome.changed else "unchanged"

    def _check_status(self, status: str, stored, row: ConceptRow, outcome: RowOutcome) -> None:
        changes = status != (stored[2] if stored else ConceptStatus.draft)
        needs = changes and status not in (ConceptStatus.draft, ConceptStatus.proposed)
        if self.actor is not None and needs and self.actor.role.rank < Role.reviewer.rank:
            _fail(outcome, row, "status", f"setting status '{status}' needs role reviewer")

    def _link(self, merged: dict[str, Any], row: ConceptRow, outcome: RowOutcome) -> None:
        refs = row.fields.get("cross_references")
        if refs is not None:
            merged["cross_references"] = [{"type": r["type"], "target": self._target(r, row, outcome,
                                                                                     "cross_references")}
                                          for r in refs]
        if row.fields.get("superseded_by"):
            merged["superseded_by"] = self._target(row.fields["superseded_by"], row, outcome, "superseded_by")
            if merged["status"] != ConceptStatus.deprecated:
                _fail(outcome, row, "superseded_by", "only a deprecated concept has a successor (取代条目)")
        elif "superseded_by" in row.fields or merged["status"] != ConceptStatus.deprecated:
            merged["superseded_by"] = None

    def _target(self, ref: dict[str, Any], row: ConceptRow, outcome: RowOutcome, name: str):
        if "target" in ref:
            target = ref["target"]
            if target not in self.stored and not self._exists(target):
                _fail(outcome, row, name, f"concept {target} does not exist")
        else:
            key = (ref.get("part") or row.fields["part"], ref["entry"])
            target = self._key_target(key)
            if target is None:
                _fail(outcome, row, name, f"entry {key[1]} of part {key[0]} is neither in the file nor in "
                                          "the registry")
        if target is not None and target == outcome.concept_id:
            _fail(outcome, row, name, "a concept cannot refer to itself")
        return target

    def _key_target(self, key: tuple[int, str]):
        """The concept an entry number names: a live entry of the file, else a live one of the registry
        (unless the file moves it), else a retired one; a new entry of the file is ('new', row index)."""
        index = self.file_keys.get(key)
        if index is not None:
            return self.outcomes[index].concept_id or (NEW, index)
        holder = self.by_key.get(key) or self._db_holder(key, live=True)
        if holder is not None and holder not in self.in_file:
            return holder
        index = self.any_keys.get(key)
        if index is not None:
            return self.outcomes[index].concept_id or (NEW, index)
        return self._db_holder(key, live=False)

    def _db_holder(self, key: tuple[int, str], *, live: bool) -> int | None:
        number = Concept.live_number if live else Concept.entry_number
        query = (select(Concept.id).where(Concept.part == key[0], number == key[1])
                 .order_by(col(Concept.id).desc()))
        return self.session.exec(query).first()

    def _exists(self, concept_id: int) -> bool:
        return self.session.get(Concept, concept_id) is not None


def _refuse_nul(row: ConceptRow) -> None:
    """An error for each field of `row` holding NUL (registry.texts), named by its column."""
    if not texts.has_nul(row.fields):
        return
    for path in texts.nul_paths(row.fields):
        name = path[0]
        if name == "terms" and len(path) > 1 and path[1].isdigit():
            name = row.fields["terms"][int(path[1])].get("_column", "terms")
        row.error(name, texts.nul_detail(texts.printable(path)))
    if row.errors:  # always: the row is refused; what is left of it must not reach a query (PostgreSQL refuses NUL)
        row.fields = texts.without_nul(row.fields)


def _fail(outcome: RowOutcome, row: ConceptRow, name: str, detail: str) -> None:
    outcome.errors.append(registry_rows.row_problem(row.line, row.labels, name, detail))


def _live(row: ConceptRow, stored) -> bool:
    status = row.fields.get("status") or (stored[2] if stored else ConceptStatus.draft)
    return rules.is_live(status)


def _preferred_zh(terms: list[dict[str, Any]]) -> str | None:
    return next((t["text"].strip() for t in terms if t.get("status") == "preferred"
                 and t.get("lang") in (Lang.zh_cn, None) and t.get("text")), None)


# ---- merging -------------------------------------------------------------------------------------

def merge(snapshot: dict[str, Any] | None, row: ConceptRow) -> dict[str, Any]:
    """The full snapshot after applying `row` to `snapshot` (None for a new concept)."""
    base = snapshot or EMPTY
    out = {key: base.get(key, EMPTY.get(key)) for key in service.SNAPSHOT_FIELDS}
    out["part"], out["entry_number"] = row.fields["part"], row.fields["entry_number"]
    for key in ("subject_field", "notes", "examples", "source"):
        if key in row.fields:
            out[key] = row.fields[key]
    definition = dict(base.get("definition") or {})
    for lang, text in (row.fields.get("definition") or {}).items():
        definition[lang] = text
    out["definition"] = {k: v for k, v in definition.items() if v}
    if "terms" in row.fields:
        out["terms"] = merge_terms(base.get("terms") or [], row.fields["terms"], row.term_langs)
    return out


def merge_terms(stored: list[dict[str, Any]], given: list[dict[str, Any]],
                langs: frozenset[str] | None) -> list[dict[str, Any]]:
    """Terms of `given` (which may leave out lang, status, type and the inherited attributes) completed from
    the stored term with the same text; stored terms in languages the row does not speak for are kept."""
    in_scope = [t for t in stored if langs is None or t["lang"] in langs]
    unused = list(in_scope)
    out = []
    for term in given:
        match = _take_match(unused, term)
        out.append(_complete_term(term, match))
    _demote_extra_preferred(out, given)
    out += [t for t in stored if langs is not None and t["lang"] not in langs]
    if _same_terms(out, stored):
        return [dict(t) for t in stored]
    return out


def _take_match(unused: list[dict[str, Any]], term: dict[str, Any]) -> dict[str, Any] | None:
    text = " ".join(str(term.get("text") or "").split())
    for index, candidate in enumerate(unused):
        if candidate["text"] == text and term.get("lang") in (None, candidate["lang"]):
            return unused.pop(index)
    return None


def _complete_term(term: dict[str, Any], match: dict[str, Any] | None) -> dict[str, Any]:
    match = match or {}
    allowed = COLUMN_TYPES.get(term.get("_column", ""), WORD_TYPES)
    out = {"text": term.get("text")}
    by_script = Lang.en if str(term.get("text")).isascii() else Lang.zh_cn
    out["lang"] = term.get("lang") or match.get("lang") or by_script
    out["status"] = term.get("status") or match.get("status") or "admitted"
    out["type"] = term["type"] if "type" in term else (match.get("type") if match.get("type") in allowed
                                                       else allowed[0])
    for key in INHERITED:
        out[key] = term[key] if key in term else match.get(key, False if key == "pinyin_curated" else None)
    out["_column"] = term.get("_column", "terms")
    return out


def _demote_extra_preferred(terms: list[dict[str, Any]], given: list[dict[str, Any]]) -> None:
    """A term that inherited 'preferred' yields to one the file marks preferred in the same language."""
    explicit = {t["lang"] for t, g in zip(terms, given, strict=False) if g.get("status") == "preferred"}
    for term, original in zip(terms, given, strict=False):
        if "status" not in original and term["status"] == "preferred" and term["lang"] in explicit:
            term["status"] = "admitted"


def _same_terms(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    def key(t):
        return json.dumps({k: t.get(k) for k in TERM_KEYS}, sort_keys=True, ensure_ascii=False)
    return Counter(map(key, a)) == Counter(map(key, b))


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [k for k in service.SNAPSHOT_FIELDS if _comparable(k, old.get(k)) != _comparable(k, new.get(k))]


def _comparable(key: str, value: Any) -> Any:
    if key == "terms":
        return [{k: t.get(k) for k in TERM_KEYS} for t in value or []]
    if key == "source":
        return {"text": value["text"], "modified": bool(value.get("modified"))} if value else None
    if key == "definition":
        return {k: v for k, v in (value or {}).items() if v}
    if key in ("notes", "examples", "cross_references"):
        return list(value or [])
    return value


# ---- validation ----------------------------------------------------------------------------------

def _validate(merged: dict[str, Any], row: ConceptRow, outcome: RowOutcome) -> bool:
    """Validate the merged snapshot with the API's own shapes and rules; normalise it in place."""
    body = {k: merged[k] for k in ("part", "entry_number", "subject_field", "definition", "notes", "examples",
                                   "source")}
    # Derived pinyin is not user input (terms.pinyin may keep digits, which TermIn refuses): only curated
    # pinyin is checked against TermIn's pattern.
    body["terms"] = [{k: t[k] for k in TERM_KEYS if k != "pinyin_curated" and t.get(k) is not None
                      and (k != "pinyin" or t.get("pinyin_curated"))} for t in merged["terms"]]
    try:
        clean = ConceptCreate.model_validate(body).model_dump(by_alias=True)
    except ValidationError as error:
        for problem in error.errors():
            _fail(outcome, row, _label_of(problem["loc"], merged),
                  f"{_loc_text(problem['loc'])}: {problem['msg']}")
        return False
    for term, checked in zip(merged["terms"], clean["terms"], strict=True):
        term.update({k: checked[k] for k in ("text", "lang", "status", "type")})
    for key in ("subject_field", "notes", "examples", "source"):
        merged[key] = clean[key]
    merged["definition"] = {k: v for k, v in clean["definition"].items() if v}
    return _check_rules(merged, row, outcome)


def _check_rules(merged: dict[str, Any], row: ConceptRow, outcome: RowOutcome) -> bool:
    checks = [lambda: rules.check_terms(merged["terms"], merged["status"])]
    if merged["status"] in (ConceptStatus.approved, ConceptStatus.deprecated):
        checks.append(lambda: rules.require_approvable(merged["definition"]))
    for check in checks:
        try:
            check()
        except RegistryError as error:
            for problem in error.extensions.get("errors", []):
                name = _label_of(tuple(p for p in problem["pointer"].split("/") if p), merged)
                _fail(outcome, row, name, problem["detail"])
    return not outcome.errors


def _label_of(loc: tuple, merged: dict[str, Any]) -> str:
    """The row field an error location belongs to: a term's column, or the top-level field."""
    if loc and loc[0] == "terms" and len(loc) > 1 and str(loc[1]).isdigit():
        index = int(loc[1])
        return merged["terms"][index].get("_column", "terms") if index < len(merged["terms"]) else "terms"
    if loc and loc[0] == "definition":
        return "definition_en" if "en" in loc else "definition_zh"
    return str(loc[0]) if loc else "row"


def _loc_text(loc: tuple) -> str:
    return "/".join(str(p) for p in loc)


# ---- writing -------------------------------------------------------------------------------------

def apply(session: Session, plan: list[RowOutcome], *, actor: Actor, change_note: str | None = None,
          source: str = "import", progress=None) -> None:
    """Write the created and updated rows of a plan in bulk (terms.bulk_write: the rows terms.service
    writes, a revision and an audit event each), plus one audit event for the import. Raise ImportRejected
    if the plan has errors, Conflict if the database refuses a row. The caller owns the transaction."""
    if any(o.errors for o in plan):
        raise ImportRejected("the plan has errors; nothing was written",
                             errors=[e for o in plan for e in o.errors])
    written = [o for o in plan if o.outcome in ("created", "updated")]
    _free_keys(session, [o.concept_id for o in written if o.outcome == "updated"])
    try:
        with _paused_gc():
            bulk_write.write_concepts(session, written, resolve=lambda target: _resolved(target, plan),
                                      actor=actor, action="import", change_note=change_note, progress=progress)
    except RegistryError as error:
        errors = error.extensions.get("errors") or [{"line": None, "column": None, "detail": error.detail}]
        raise ImportRejected(error.detail, errors=errors) from None
    if progress is not None:
        progress(len(plan) - len(written))
    counts = Counter(o.outcome for o in plan)
    audit.record(session, actor, "concept.import", "import", source[:100], **counts)
    session.flush()


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk step: each full collection rescans every row the
    step holds, a fifth of the time of a 100,000-concept import. Reference counting still frees what is
    dropped; cycles made meanwhile are collected when it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _free_keys(session: Session, concept_ids: list[int]) -> None:
    """Release the entry numbers and preferred terms of updated concepts, so that swaps within one file
    do not collide half-way; the bulk write sets them again."""
    dialect = session.get_bind().dialect
    session.execute(update(Concept).where(among(col(Concept.id), concept_ids, dialect=dialect))
                    .values(live_number=None))
    session.execute(update(Term).where(among(col(Term.concept_id), concept_ids, dialect=dialect))
                    .values(preferred_key=None))


def _resolved(target, plan: list[RowOutcome]):
    """A planned link target as a concept id: a new entry of the file is ('new', its row index)."""
    if isinstance(target, tuple) and target[0] == NEW:
        return plan[target[1]].concept_id
    return target


# ---- references in files -------------------------------------------------------------------------

def parse_reference(text: str) -> dict[str, Any]:
    """'3.1.2' or '2/2.1' (part/entry) -> {"part": int | None, "entry": str}; raise ValueError.

    >>> parse_reference("2/2.1"), parse_reference("3.1.2")
    ({'part': 2, 'entry': '2.1'}, {'part': None, 'entry': '3.1.2'})
    """
    part, _, entry = text.strip().rpartition("/")
    if not entry or (part and not part.isdigit()) or not _ENTRY.fullmatch(entry):
        raise ValueError(f"'{text}' is not an entry number like 3.1.2 or part/entry like 2/2.1")
    return {"part": int(part) if part else None, "entry": entry}


def reference_text(part: int, entry: str, own_part: int) -> str:
    return entry if part == own_part else f"{part}/{entry}"


def entry_index(session: Session) -> dict[int, tuple[int, str]]:
    """concept id -> (part, entry number) now, for writing references as entry numbers (a release's
    numbers: terms.as_of.entry_index)."""
    return {cid: (part, number) for cid, part, number in
            session.exec(select(Concept.id, Concept.part, Concept.entry_number))}


