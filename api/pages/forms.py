"""The concept edit form: a snapshot to form values, posted values to a ConceptUpdate, errors to fields.

Form values are one flat dict of strings plus row lists (`terms`, `xrefs`), so a form re-rendered after
an error shows exactly what was typed. Rows left blank are dropped before validation, so the row index
in an error pointer (`/terms/2/text`) is the row index of the re-rendered form.
"""

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from registry.errors import InvalidInput
from terms.models import ConceptUpdate

TERM_FIELDS = ("text", "lang", "status", "type", "pinyin", "geographical_usage", "source")
XREF_FIELDS = ("type", "target")
BLANK_TERM_ROWS = 2
BLANK_XREF_ROWS = 1
TEXT_FIELDS = ("entry_number", "subject_field", "definition_zh", "definition_en", "notes", "examples",
               "source_text", "change_note")


def from_snapshot(snapshot: dict[str, Any], revision: int) -> dict[str, Any]:
    """Form values for editing `snapshot`; derived (not curated) pinyin is left blank to stay derived."""
    source = snapshot.get("source") or {}
    terms = [{**{k: t.get(k) or "" for k in TERM_FIELDS},
              "pinyin": t.get("pinyin") or "" if t.get("pinyin_curated") else ""} for t in snapshot["terms"]]
    return {
        "entry_number": snapshot["entry_number"], "subject_field": snapshot.get("subject_field") or "",
        "definition_zh": snapshot["definition"].get("zh-CN", ""), "definition_en": snapshot["definition"].get("en", ""),
        "notes": "\n".join(snapshot.get("notes") or []), "examples": "\n".join(snapshot.get("examples") or []),
        "source_text": source.get("text", ""), "source_modified": bool(source.get("modified")),
        "change_note": "", "revision": revision, "terms": terms,
        "xrefs": [{"type": x["type"], "target": str(x["target"])} for x in snapshot.get("cross_references") or []],
    }


def from_post(form: FormData) -> dict[str, Any]:
    """Form values as posted; blank term and cross-reference rows dropped."""
    values: dict[str, Any] = {name: _text(form, name) for name in TEXT_FIELDS}
    values["source_modified"] = form.get("source_modified") == "on"
    values["revision"] = _text(form, "revision")
    values["terms"] = _rows(form, "term", TERM_FIELDS, key="text")
    values["xrefs"] = _rows(form, "xref", XREF_FIELDS, key="target")
    return values


def with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    """The values plus empty rows to type new terms and cross references into (no script needed)."""
    blank_term = {k: "" for k in TERM_FIELDS} | {"lang": "zh-CN", "status": "admitted", "type": "full_form"}
    return {**values, "terms": values["terms"] + [dict(blank_term) for _ in range(BLANK_TERM_ROWS)],
            "xrefs": values["xrefs"] + [{"type": "see", "target": ""} for _ in range(BLANK_XREF_ROWS)]}


def to_update(values: dict[str, Any]) -> ConceptUpdate:
    """The full replacement the form describes; raise InvalidInput with one pointer per bad field."""
    try:
        return ConceptUpdate.model_validate(_payload(values))
    except ValidationError as error:
        errors = [{"pointer": _pointer(e["loc"]), "detail": e["msg"]} for e in error.errors()]
        raise InvalidInput("; ".join(f"{e['pointer']}: {e['detail']}" for e in errors), errors=errors) from None


def field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Error details keyed by the form field they belong to ('' for the form as a whole)."""
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(field_name(error.get("pointer", "")), []).append(error.get("detail", ""))
    return out


def field_name(pointer: str) -> str:
    """'/terms/2/text' -> 'term-2-text'; '/definition/zh-CN' -> 'definition_zh'; unknown -> ''."""
    parts = pointer.strip("/").split("/")
    head = parts[0]
    if head in ("terms", "cross_references"):
        prefix = "term" if head == "terms" else "xref"
        if len(parts) == 1:
            return "terms" if head == "terms" else "xrefs"
        default = "text" if head == "terms" else "target"
        return f"{prefix}-{parts[1]}-{parts[2] if len(parts) > 2 else default}"
    simple = {"definition": "definition_zh", "source": "source_text", "notes": "notes", "examples": "examples",
              "entry_number": "entry_number", "subject_field": "subject_field", "change_note": "change_note"}
    if head == "definition" and parts[-1] == "en":
        return "definition_en"
    return simple.get(head, "")


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "entry_number": values["entry_number"], "subject_field": values["subject_field"] or None,
        "terms": [{k: row[k] or None for k in TERM_FIELDS} for row in values["terms"]],
        "definition": {"zh-CN": values["definition_zh"] or None, "en": values["definition_en"] or None},
        "notes": _lines(values["notes"]), "examples": _lines(values["examples"]),
        "source": {"text": values["source_text"], "modified": values["source_modified"]}
        if values["source_text"] else None,
        "cross_references": [dict(row) for row in values["xrefs"]],
        "change_note": values["change_note"] or None,
    }


def _pointer(loc: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(part) for part in loc)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _rows(form: FormData, prefix: str, fields: tuple[str, ...], *, key: str) -> list[dict[str, str]]:
    indexes = sorted({int(name.split("-")[1]) for name in form if name.startswith(prefix + "-")
                      and name.count("-") == 2 and name.split("-")[1].isdigit()})
    rows = [{f: _text(form, f"{prefix}-{i}-{f}") for f in fields} for i in indexes]
    return [row for row in rows if row[key]]
