"""Cross-links between exchange security codes (cn_security) and ISIN records: validating either shows the other.

An ISIN record names its local code (`attrs.local_code`, e.g. ``000005.SZ``); validating the ISIN adds that
code's own verdict, and validating the security code adds the ISIN record that names it. A BSE security
keeps one ISIN across the 920 code switch, so the record is found through the old code, the new code or
either one written in its `local_code` (the record can be updated from one to the other over time and
its history keeps both).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from codes import row_cache, service
from codes.models import CodeEntry
from codes.validators import cn_security

LINKED_KINDS = frozenset({"isin", "cn_security"})
_INDEX_KEY = ("cross-links", "isin-by-local-code")


def add_links(engine: Engine, kind: str, verdicts: Iterable[dict[str, Any]], day: date) -> None:
    """Set `links` on each verdict of `kind` (isin or cn_security), in place."""
    if kind == "isin":
        for verdict in verdicts:
            local = ((verdict.get("record") or {}).get("attrs") or {}).get("local_code")
            verdict["links"] = {"cn_security": security_link(local, day)} if local else {}
    else:
        _link_securities(engine, list(verdicts), day)


def security_link(local_code: str, day: date) -> dict[str, Any]:
    """The verdict on a local code, in brief: code, validity, exchange, kind and BSE successor."""
    verdict = cn_security.check(local_code, as_of=day)
    parts = verdict.components
    return {"kind": "cn_security", "code": verdict.normalized, "valid": verdict.valid,
            "exchange": parts.get("exchange"), "security_kind": parts.get("kind"),
            "security_kind_zh": parts.get("kind_name_zh"), "successor": parts.get("successor"),
            "predecessor": parts.get("predecessor")}


def _link_securities(engine: Engine, verdicts: list[dict[str, Any]], day: date) -> None:
    index = row_cache.remembered(engine, _INDEX_KEY, lambda: _local_code_index(engine))
    wanted = {id(v): _isin_for(index, v) for v in verdicts}
    rows = row_cache.registered_rows(engine, "isin", {isin for isin in wanted.values() if isin})
    for verdict in verdicts:
        row = rows.get(wanted[id(verdict)] or "")
        verdict["links"] = {"isin": _isin_link(row, day)} if row is not None else {}


def _isin_for(index: dict[str, str], verdict: dict[str, Any]) -> str | None:
    parts = verdict["components"]
    candidates = [verdict["normalized"], *(parts.get(k, {}).get("code") for k in ("successor", "predecessor"))]
    return next((index[c] for c in candidates if c in index), None)


def _isin_link(row: Any, day: date) -> dict[str, Any]:
    view = service.public_view(row, as_of=day)
    return {"kind": "isin", "code": view["code"], "name_zh": view["name_zh"], "name_en": view["name_en"],
            "status_as_of": view["status_as_of"], "local_code": (view["attrs"] or {}).get("local_code")}


def _local_code_index(engine: Engine) -> dict[str, str]:
    """Normalised local code -> ISIN over every ISIN record (kept until the code library changes)."""
    table = CodeEntry.__table__
    query = select(table.c.code, table.c.attrs).where(table.c.scheme == "isin")
    with engine.connect() as conn:
        return {cn_security.compact(attrs["local_code"]): code for code, attrs in conn.execute(query)
                if attrs and attrs.get("local_code")}
