"""Gather what the code-list and validation pages show from codes/service and codes/validation."""

import csv
import io
import re
from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.responses import Response

from codes import service, validation
from codes.models import CodeStatus
from importers.safety import neutralise_cell
from registry.clock import utcnow
from registry.database import get_engine

PAGE_SIZE = 50
SEPARATORS = re.compile(r"[\r\n,;\t]+")


def schemes_page(session: Session) -> dict[str, Any]:
    return {"schemes": service.list_schemes(session)}


def scheme_page(session: Session, slug: str, *, q: str, status: str, as_of: date | None,
                cursor: int | None) -> dict[str, Any]:
    """One page of a scheme's entries, filtered by text, status and validity on `as_of`."""
    scheme = service.get_scheme(session, slug)
    status = status if status in set(CodeStatus) else ""
    rows, next_cursor = service.list_codes(session, slug, q=q or None, status=status or None, as_of=as_of,
                                           cursor=cursor, limit=PAGE_SIZE)
    return {"scheme": scheme, "items": [service.public_view(e, as_of=as_of) for e in rows], "q": q,
            "status": status, "as_of": as_of, "next_cursor": next_cursor, "statuses": list(CodeStatus)}


def code_page(session: Session, slug: str, code: str, *, as_of: date | None) -> dict[str, Any]:
    """One entry with its status on `as_of` (default today), validity, successor and history."""
    scheme = service.get_scheme(session, slug)
    entry = service.get_code(session, slug, code, as_of=as_of)
    view = service.public_view(entry, as_of=as_of or utcnow().date())
    history = list(reversed(service.code_history(session, slug, entry.code)))
    return {"scheme": scheme, "e": view, "as_of": as_of, "history": history}


def split_codes(text: str) -> list[str]:
    """Pasted codes: one per line (commas, semicolons and tabs also separate)."""
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


def validate_page(kind: str, text: str, *, as_of: date | None) -> dict[str, Any]:
    """The verdict on every pasted code, in input order; raise NotFound (kind) or TooLarge."""
    validation.require_kind(kind)
    codes = split_codes(text)
    results = validation.validate_codes(get_engine(), kind, codes, as_of=as_of) if codes else []
    return {"kinds": validation.kinds(), "kind_info": validation.describe_kinds(), "kind": kind, "codes": text,
            "as_of": as_of, "results": results,
            "valid_count": sum(r["valid"] for r in results)}


def csv_response(context: dict[str, Any]) -> Response:
    """The verdicts as a CSV download (UTF-8 with BOM for spreadsheets; formula-like cells neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["input", "normalized", "valid", "registered", "errors", "errors_zh", "warnings",
                     "components"])
    for r in context["results"]:
        writer.writerow([neutralise_cell(str(cell)) for cell in _csv_row(r)])
    filename = f"sfreg-validate-{context['kind']}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _csv_row(result: dict[str, Any]) -> list[Any]:
    components = "; ".join(f"{k}={v}" for k, v in result["components"].items())
    return [result["input"], result["normalized"], result["valid"], _blank(result["registered"]),
            "; ".join(e["message"] for e in result["errors"]), "; ".join(e["message_zh"] for e in result["errors"]),
            "; ".join(w["message"] for w in result["warnings"]), components]


def _blank(value: Any) -> Any:
    return "" if value is None else value
