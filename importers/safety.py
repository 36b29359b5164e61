"""Safety of files coming in and going out.

Out: spreadsheet cells that would run as formulas are neutralised (CSV/XLSX injection). In: XML is parsed
by defusedxml with entity declarations and external references forbidden (XXE, billion laughs), ZIP
containers (XLSX) are checked for their expanded size, and nothing in a file is ever evaluated.
"""

import zipfile
from collections.abc import Iterable
from typing import IO, Any, Protocol

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from registry.errors import ImportRejected

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_CHUNK = 64 * 1024
MAX_EXPANSION = 100  # an XLSX may expand to at most this many times its size (and 2 GB), zip-bomb guard
MAX_EXPANDED_BYTES = 2_000_000_000


def neutralise_cell(value: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula (CSV/XLSX injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def protect_cell(value: str) -> str:
    """neutralise_cell, made reversible: a value that already starts with an apostrophe gets one more,
    so restore_cell(protect_cell(v)) == v for every v and exports re-import unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) or value.startswith("'") else value


def restore_cell(value: str) -> str:
    """Undo protect_cell: drop the apostrophe in front of a formula character or of another apostrophe.

    >>> restore_cell(protect_cell("=1+1")), restore_cell(protect_cell("'x")), restore_cell("'abc")
    ('=1+1', "'x", "'abc")
    """
    if value.startswith("'") and (value[1:].startswith(FORMULA_STARTS) or value[1:].startswith("'")):
        return value[1:]
    return value


# ---- XML ---------------------------------------------------------------------------------------

class XmlTarget(Protocol):
    def start(self, tag: str, attrib: dict[str, str]) -> None: ...
    def end(self, tag: str) -> None: ...
    def data(self, text: str) -> None: ...
    def close(self) -> Any: ...


class Position:
    """Where the parser is: the 1-based line and column of the event being handled."""

    def __init__(self) -> None:
        self.parser: Any = None

    def line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def column(self) -> int:
        return self.parser.parser.CurrentColumnNumber + 1 if self.parser else 0


def parse_xml(chunks: Iterable[bytes], target: XmlTarget, position: Position, *, source: str) -> Any:
    """Feed `chunks` through defusedxml into `target`; return target.close().

    Raise ImportRejected naming the line for a file that declares entities (billion laughs, XXE), refers to
    external resources, or is not well-formed XML. A DOCTYPE alone is allowed (TBX v2 files carry one);
    its external DTD is never fetched.
    """
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    position.parser = parser
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return parser.close()
    except (EntitiesForbidden, ExternalReferenceForbidden) as error:
        raise _xml_rejected(source, position, _forbidden(error)) from None
    except DefusedXmlException as error:
        raise _xml_rejected(source, position, f"forbidden XML construct: {error}") from None
    except ParseError as error:
        line, column = getattr(error, "position", (position.line(), 0))
        detail = f"not well-formed XML: {error.msg if hasattr(error, 'msg') else error}"
        raise ImportRejected(f"{source}: {detail} (line {line})",
                             errors=[{"line": line, "column": column + 1, "detail": detail}]) from None


def read_chunks(stream: IO[bytes], size: int = XML_CHUNK) -> Iterable[bytes]:
    while chunk := stream.read(size):
        yield chunk


def _forbidden(error: DefusedXmlException) -> str:
    if isinstance(error, EntitiesForbidden):
        kind = "an external entity (XXE)" if error.sysid or error.pubid else "an entity"
        return (f"the file declares {kind} '{error.name}'; entity declarations are refused "
                "(they enable XXE and 'billion laughs' expansion attacks)")
    return f"the file refers to an external resource ({error.sysid}); external references are refused"


def _xml_rejected(source: str, position: Position, detail: str) -> ImportRejected:
    line = position.line()
    return ImportRejected(f"{source}: {detail} (line {line})",
                          errors=[{"line": line, "column": None, "detail": detail}])


# ---- ZIP (XLSX) --------------------------------------------------------------------------------

def check_zip(stream: IO[bytes], *, source: str, kind: str = "an XLSX workbook") -> None:
    """Refuse a ZIP container (`kind`: what it should be) that is not one, or whose members expand far
    beyond its size (zip bomb)."""
    size = stream.seek(0, 2)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        detail = f"not {kind} (not a ZIP container)"
        raise ImportRejected(f"{source}: {detail}",
                             errors=[{"line": None, "column": None, "detail": detail}]) from None
    finally:
        stream.seek(0)
    if expanded > min(MAX_EXPANDED_BYTES, max(size, 1_000_000) * MAX_EXPANSION):
        detail = f"the {kind.split()[-1]} expands to {expanded} bytes from {size}; refused as a likely zip bomb"
        raise ImportRejected(f"{source}: {detail}", errors=[{"line": None, "column": None, "detail": detail}])
