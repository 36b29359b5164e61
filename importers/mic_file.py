"""ISO 10383 Market Identifier Code files, in both published layouts, as rows of the `venue` scheme.

Current layout (since 2022): MIC, OPERATING MIC, OPRT/SGMT, MARKET NAME-INSTITUTION DESCRIPTION, LEGAL
ENTITY NAME, LEI, MARKET CATEGORY CODE, ACRONYM, ISO COUNTRY CODE (ISO 3166), CITY, WEBSITE, STATUS,
CREATION DATE, LAST UPDATE DATE, LAST VALIDATION DATE, EXPIRY DATE, COMMENTS (dates YYYYMMDD).
Legacy layout (before 2022): COUNTRY, ISO COUNTRY CODE (ISO 3166), MIC, OPERATING MIC, O/S,
NAME-INSTITUTION DESCRIPTION, ACRONYM, CITY, WEBSITE, STATUS DATE, STATUS, CREATION DATE, COMMENTS; its
dates often went through Excel and read "Nov-16" (month and year) or "BEFORE JUNE 2005".

Mapping: STATUS ACTIVE → active; EXPIRED (legacy DELETED) → expired with valid_to = the expiry date
(the first day the MIC is no longer valid); UPDATED (legacy MODIFIED) marks a change in that release,
not a state → active, with the flag kept as the revision's change note. The file's STATUS is kept as the
attribute `iso_status` and its last update date as `last_update_date`, so a release diff shows every
modification between two files, a flip between ACTIVE and UPDATED included. A segment (SGMT / S) has its
operating MIC as parent. The file has no Chinese names: stored name_zh values are kept, and so are the
legacy layout's missing fields (legal entity name, LEI, market category, last validation date).
"""

import re
from collections.abc import Iterator
from datetime import date
from typing import IO

from codes.bulk import CodeRow, refuse_nul
from importers.csv_io import normalise_header, read_table
from registry import texts
from registry.errors import ImportRejected

CURRENT = {"MIC": "mic", "OPERATING MIC": "operating_mic", "OPRT/SGMT": "oprt_sgmt",
           "MARKET NAME-INSTITUTION DESCRIPTION": "name_en", "LEGAL ENTITY NAME": "legal_entity_name",
           "LEI": "lei", "MARKET CATEGORY CODE": "market_category", "ACRONYM": "acronym",
           "ISO COUNTRY CODE (ISO 3166)": "country", "CITY": "city", "WEBSITE": "website", "STATUS": "status",
           "CREATION DATE": "creation_date", "LAST UPDATE DATE": "last_update_date",
           "LAST VALIDATION DATE": "last_validation_date", "EXPIRY DATE": "expiry_date",
           "COMMENTS": "comments"}
LEGACY = {"COUNTRY": "country_name", "ISO COUNTRY CODE (ISO 3166)": "country", "MIC": "mic",
          "OPERATING MIC": "operating_mic", "O/S": "oprt_sgmt", "NAME-INSTITUTION DESCRIPTION": "name_en",
          "ACRONYM": "acronym", "CITY": "city", "WEBSITE": "website", "STATUS DATE": "status_date",
          "STATUS": "status", "CREATION DATE": "creation_date", "COMMENTS": "comments"}
ALIASES = {normalise_header(k): v for k, v in {**LEGACY, **CURRENT}.items()}
TEXT_ATTRS = ("operating_mic", "legal_entity_name", "lei", "market_category", "acronym", "country", "city",
              "website", "comments")
STATUSES = {"ACTIVE": ("active", None), "EXPIRED": ("expired", None), "DELETED": ("expired", None),
            "UPDATED": ("active", "ISO 10383 status UPDATED: the MIC changed in this release"),
            "MODIFIED": ("active", "ISO 10383 status MODIFIED: the MIC changed in this release")}
MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                      "NOV", "DEC"), 1)}
MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[A-Za-z]*[- ](\d{2}|\d{4})$")


def read_mic_file(stream: IO[bytes], *, source: str) -> tuple[str, Iterator[CodeRow]]:
    """The layout ('current' or 'legacy') and the rows of a MIC file."""
    table = read_table(stream, ALIASES, source=source)
    legacy = "status_date" in table.fields
    layout = "legacy" if legacy else "current"
    expected = LEGACY if legacy else CURRENT
    missing = [h for h, name in expected.items() if name not in table.fields and name != "country_name"]
    if missing:
        detail = f"not an ISO 10383 MIC file ({layout} layout): missing {', '.join(missing)}"
        raise ImportRejected(f"{source}: {detail}", errors=[{"line": 1, "column": None, "detail": detail}])
    labels = table.labels
    return layout, (mic_row(line, cells, labels, legacy=legacy) for line, cells in table.rows)


def mic_row(line: int, cells: dict[str, str], labels: dict[str, str], *, legacy: bool) -> CodeRow:
    row = CodeRow(line=line, fields={}, labels={**labels, "code": labels.get("mic", "MIC"), **_attr_labels(labels)},
                  dated=True)
    if texts.NUL in "".join(cells.values()):
        refuse_nul(row, cells)
    get = {k: v.strip() for k, v in cells.items()}.get
    row.fields.update({"code": get("mic") or None, "name_en": get("name_en") or None})
    kind = {"O": "OPRT", "S": "SGMT"}.get(get("oprt_sgmt", ""), get("oprt_sgmt", "").upper()) or None
    row.attrs = {name: get(name) or None for name in TEXT_ATTRS if name in labels}
    row.attrs["oprt_sgmt"] = kind
    row.fields["parent"] = get("operating_mic") or None if kind == "SGMT" else None
    status, row.note = STATUSES.get(get("status", "").upper(), (None, None))
    if status is None:
        row.error("status", f"unknown MIC status '{get('status', '')}'; expected {', '.join(STATUSES)}")
    row.fields["status"] = status
    row.attrs["iso_status"] = get("status", "").upper() if status else None
    if legacy:
        _legacy_dates(row, get, status)
    else:
        _current_dates(row, get)
    return row


def _attr_labels(labels: dict[str, str]) -> dict[str, str]:
    return {f"attr:{name}": labels[name] for name in (*TEXT_ATTRS, "oprt_sgmt", "last_update_date",
                                                       "last_validation_date") if name in labels} \
        | ({"attr:iso_status": labels["status"]} if "status" in labels else {})


def _current_dates(row: CodeRow, get) -> None:
    row.fields["valid_from"] = _date(row, "creation_date", get("creation_date"))
    row.fields["valid_to"] = _date(row, "expiry_date", get("expiry_date"))
    for name in ("last_update_date", "last_validation_date"):
        day = _date(row, name, get(name))
        row.attrs[name] = day.isoformat() if day else None


def _legacy_dates(row: CodeRow, get, status: str | None) -> None:
    """Legacy dates are months ('Nov-16'); 'BEFORE JUNE 2005' says nothing, so the stored value stays."""
    known = {name: get(name) for name in ("status_date", "creation_date") if not _unknown(get(name))}
    status_day = _date(row, "status_date", known.get("status_date"))
    if "creation_date" in known:
        row.fields["valid_from"] = _date(row, "creation_date", known["creation_date"])
    if "status_date" in known:
        row.fields["valid_to"] = status_day if status == "expired" else None
        row.attrs["last_update_date"] = status_day.isoformat() if status_day else None
    row.month_precision = frozenset(name for name, raw in (("valid_from", known.get("creation_date")),
                                                           ("last_update_date", known.get("status_date")),
                                                           ("valid_to", known.get("status_date")))
                                    if raw and MONTH_YEAR.match(raw))


def _unknown(raw: str | None) -> bool:
    return bool(raw) and raw.upper().startswith("BEFORE")


def _date(row: CodeRow, name: str, raw: str | None) -> date | None:
    """YYYYMMDD, YYYY-MM-DD, 'Nov-16' / 'NOVEMBER 2016' (first of the month); 'BEFORE …' means unknown."""
    if not raw:
        return None
    try:
        digits = raw.replace("-", "")
        if digits.isdigit() and len(digits) == 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        match = MONTH_YEAR.match(raw)
        if match and match.group(1).upper() in MONTHS:
            year = int(match.group(2))
            return date(year + 2000 if year < 100 else year, MONTHS[match.group(1).upper()], 1)
    except ValueError:
        pass
    row.error(name, f"'{raw}' is not a date (YYYYMMDD or Mon-YY)")
    return None
