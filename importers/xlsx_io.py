"""Tables in XLSX workbooks (the first sheet), read with openpyxl's read-only mode and written with its
write-only mode, so that neither direction holds the whole sheet in memory.

Cell values are read as stored, never evaluated: a formula cell yields its formula text. Written cells are
protected against formula injection like CSV cells, and multi-line cells get wrap-text so Alt+Enter
lines show as lines.
"""

import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from importers.csv_io import Table, map_headers, row_cells
from importers.safety import check_zip, protect_cell
from registry.errors import ImportRejected

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 (and so XLSX) cannot hold
WRAP = Alignment(wrap_text=True, vertical="top")
SPOOL_BYTES = 8 << 20


def read_table(stream: IO[bytes], aliases: dict[str, str], *, source: str) -> Table:
    """Open the first sheet and map its header row; rows are read lazily, numbered as Excel numbers them."""
    check_zip(stream, source=source)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions of workbooks made by other tools; they do not matter.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            book = load_workbook(stream, read_only=True, data_only=False)
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            detail = f"not a readable XLSX workbook ({type(error).__name__})"
            raise ImportRejected(f"{source}: {detail}", errors=[{"line": None, "column": None,
                                                                  "detail": detail}]) from None
    rows = enumerate(book.worksheets[0].iter_rows(values_only=True), 1)
    for _number, values in rows:
        if any(_text(v).strip() for v in values):
            headers = [_text(v).strip() for v in values]
            while headers and not headers[-1]:
                headers.pop()
            fields, unknown = map_headers(headers, aliases, source)
            return Table(source, headers, fields, _rows(book, rows, fields), unknown)
    book.close()
    raise ImportRejected(f"{source}: the first sheet is empty", errors=[{"line": 1, "column": None,
                                                                         "detail": "empty sheet"}])


def _rows(book, rows, fields) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        for number, values in rows:
            cells = [_text(v) for v in values]
            if any(c.strip() for c in cells):
                yield number, row_cells(cells, fields)
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_xlsx(header: list[str], rows: Iterable[list[str | None]], *,
               title: str = "sfreg") -> Iterator[bytes]:
    """An XLSX workbook in byte chunks; built through a spooled temporary file (write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(1 << 16):
            yield chunk


def _cell(sheet, value: str | None):
    text = protect_cell(ILLEGAL.sub("", value)) if value else ""
    if "\n" not in text:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.alignment = WRAP
    return cell
