"""Tables in CSV files, read and written the way Excel users in China produce and expect them.

Reading: the encoding is UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode text") or GB18030 (a
superset of GBK and GB2312), decided from the first megabyte; the delimiter is a comma or a tab, decided
from the header line; cells may span lines (Excel's Alt+Enter); headers are matched to field names through
an alias table (English or Chinese). Rows stream: memory does not grow with the file.
Writing: UTF-8 with a BOM (so Excel opens Chinese text correctly), CRLF line ends, every cell protected
against formula injection (importers.safety.protect_cell), produced in chunks for streaming responses.
"""

import codecs
import csv
import io
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from importers.safety import protect_cell, restore_cell
from registry.errors import ImportRejected

HEAD_BYTES = 1 << 20
WRITE_BATCH = 500
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def detect_encoding(head: bytes) -> str:
    """The codec of a file beginning with `head`; raise ImportRejected when it is none we read.

    >>> detect_encoding("条目编号".encode("gb18030")), detect_encoding(b"\\xef\\xbb\\xbfid")
    ('gb18030', 'utf-8-sig')
    >>> detect_encoding(b"id")
    'utf-8'
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    offset = 0  # where the codec that read furthest stopped: the bad bytes of a file in that codec
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError as error:
            offset = max(offset, error.start)
    line = head.count(b"\n", 0, offset) + 1
    detail = (f"the file is neither UTF-8 nor GB18030/GBK text (line {line}, byte {offset}: "
              f"{head[offset:offset + 4].hex(' ')}); save it as CSV UTF-8")
    raise ImportRejected(detail, errors=[{"line": line, "column": None, "byte": offset, "detail": detail}])


class _Joined(io.RawIOBase):
    """`head` followed by the rest of `stream`, as one readable binary stream."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head, self.stream = memoryview(head), stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Checked(io.RawIOBase):
    """`raw`'s bytes passed on unchanged, checked on the way: the first bytes that are not valid `encoding`
    raise ImportRejected naming their true line and byte offset. (The text layer above decodes read-ahead
    blocks, so it cannot tell on which line a bad byte lies.)"""

    def __init__(self, raw: io.RawIOBase, encoding: str) -> None:
        self.raw, self.encoding = raw, encoding
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.offset = 0  # bytes checked so far (those still pending in the decoder included)
        self.lines = 0  # line ends decoded so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer) or 0
        self._check(bytes(memoryview(buffer)[:count]), final=count == 0)
        return count

    def _check(self, data: bytes, *, final: bool) -> None:
        state = self.decoder.getstate()
        try:
            self.lines += self.decoder.decode(data, final).count("\n")
        except UnicodeDecodeError as error:
            raise self._rejected(state, data, error) from None
        self.offset += len(data)

    def _rejected(self, state: tuple, data: bytes, error: UnicodeDecodeError) -> ImportRejected:
        """The error at its place: the text before it is decoded again (from the same state) to count lines."""
        pending = state[0]
        before = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        before.setstate(state)
        line = self.lines + before.decode(data[:max(0, error.start - len(pending))]).count("\n") + 1
        offset = self.offset - len(pending) + error.start
        bad = (pending + data)[error.start:error.end].hex(" ")
        detail = (f"the text is not valid {self.encoding} at line {line}, byte {offset} (bytes {bad}); the "
                  "file mixes encodings — save it again as CSV UTF-8")
        return ImportRejected(detail, errors=[{"line": line, "column": None, "byte": offset, "detail": detail}])


def open_text(stream: IO[bytes]) -> tuple[IO[str], str]:
    """A text stream over `stream` in its detected encoding, universal newlines left to the csv module."""
    head = stream.read(HEAD_BYTES)
    encoding = detect_encoding(head)
    buffered = io.BufferedReader(_Checked(_Joined(head, stream), encoding), buffer_size=HEAD_BYTES)
    return io.TextIOWrapper(buffered, encoding=encoding, newline=""), encoding


def normalise_header(header: str) -> str:
    """Compare headers loosely: NFKC, case, spaces, underscores and hyphens do not matter."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return "".join(ch for ch in text if ch not in " _-\ufeff")


def sniff_delimiter(first_line: str) -> str:
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


@dataclass
class Table:
    """The header of a tabular file mapped to field names, and its rows as {field: text}."""

    source: str
    headers: list[str]
    fields: list[str | None]
    rows: Iterator[tuple[int, dict[str, str]]]
    unknown: list[str] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, str]:
        """field name -> the header as written in the file (for error locations)."""
        return {f: h for f, h in zip(self.fields, self.headers, strict=True) if f}

    def require(self, *names: str) -> None:
        missing = [n for n in names if n not in self.fields]
        if missing:
            detail = f"missing column(s): {', '.join(missing)}; the header has: {', '.join(self.headers)}"
            raise ImportRejected(f"{self.source}: {detail}",
                                 errors=[{"line": 1, "column": None, "detail": detail}])


def map_headers(headers: list[str], aliases: dict[str, str],
                source: str) -> tuple[list[str | None], list[str]]:
    """Field name per header (None for unknown ones) and the unknown headers; duplicates are refused."""
    fields, unknown, seen = [], [], {}
    for index, header in enumerate(headers):
        name = aliases.get(normalise_header(header))
        if name is not None and name in seen:
            detail = f"columns '{headers[seen[name]]}' and '{header}' both mean {name}"
            raise ImportRejected(f"{source}: {detail}",
                                 errors=[{"line": 1, "column": header, "detail": detail}])
        if name is not None:
            seen[name] = index
        elif header.strip():
            unknown.append(header)
        fields.append(name)
    return fields, unknown


def read_table(stream: IO[bytes], aliases: dict[str, str], *, source: str) -> Table:
    """Open a CSV (comma or tab) and map its header; rows are read lazily."""
    text, _ = open_text(stream)
    first = _first_line(text)
    reader = csv.reader(_prepend(first, text), delimiter=sniff_delimiter(first))
    headers = [h.strip() for h in next(reader, [])]
    if not any(headers):
        detail = "the file is empty" if not first else "line 1 is blank: it must name the columns"
        raise ImportRejected(f"{source}: {detail}", errors=[{"line": 1, "column": None, "detail": detail}])
    fields, unknown = map_headers(headers, aliases, source)
    return Table(source, headers, fields, _rows(reader, fields, source), unknown)


def _first_line(text: IO[str]) -> str:
    try:
        return text.readline()
    except UnicodeDecodeError as error:
        raise _undecodable(error, 1) from None


def _prepend(first: str, text: IO[str]) -> Iterator[str]:
    yield first
    yield from text


def _rows(reader, fields: list[str | None], source: str) -> Iterator[tuple[int, dict[str, str]]]:
    end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise _undecodable(error, end + 1) from None
        except csv.Error as error:
            detail = f"unreadable CSV: {error}"
            raise ImportRejected(f"{source}: {detail} (line {end + 1})",
                                 errors=[{"line": end + 1, "column": None, "detail": detail}]) from None
        start, end = end + 1, reader.line_num
        if any(c.strip() for c in cells):
            yield start, row_cells(cells, fields, texts=True)


def row_cells(cells: list, fields: list[str | None], *, texts: bool = False) -> dict[str, str]:
    """{field: text} for the mapped columns; extra cells beyond the header land under '' (reported).
    `texts`: every cell is already a str (CSV), so only an apostrophe in front needs a look."""
    if texts:
        out = {name: restore_cell(value) if value[:1] == "'" else value
               for name, value in zip(fields, cells, strict=False) if name}
    else:
        out = {name: restore_cell(_text(value)) for name, value in zip(fields, cells, strict=False) if name}
    if len(cells) > len(fields) and any(_text(c).strip() for c in cells[len(fields):]):
        out[""] = "\t".join(_text(c) for c in cells[len(fields):])
    return out


def _text(value) -> str:
    return "" if value is None else str(value)


def _undecodable(error: UnicodeDecodeError, line: int) -> ImportRejected:
    detail = (f"the text is not valid {error.encoding} near line {line}; the file mixes encodings — "
              "save it again as CSV UTF-8")
    return ImportRejected(detail, errors=[{"line": line, "column": None, "detail": detail}])


def split_lines(cell: str) -> list[str]:
    """The values of a multi-valued cell: one per line (Alt+Enter), blank lines dropped."""
    return [line.strip() for line in cell.splitlines() if line.strip()]


# ---- writing -----------------------------------------------------------------------------------

def write_csv(header: list[str], rows: Iterable[list[str | None]]) -> Iterator[str]:
    """CSV text in chunks: BOM and header first, then rows, every cell protected against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + _take(buffer)
    for count, row in enumerate(rows, 1):
        writer.writerow([protect_cell(c) if c else "" for c in row])
        if count % WRITE_BATCH == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
