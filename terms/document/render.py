"""Print a term standard: load its document model, run the checks, hand it to one of four writers.

>>> sorted(FORMATS)
['docx', 'html', 'pdf', 'sts']
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from registry.errors import InvalidInput
from terms.document.docx_writer import write_docx
from terms.document.html_writer import write_html
from terms.document.model import Document, Problem
from terms.document.source import load_document
from terms.document.sts_writer import write_sts
from terms.document.typst_writer import write_pdf


@dataclass(frozen=True)
class Format:
    write: Callable[[Document], bytes]
    media_type: str
    suffix: str


FORMATS = {
    "docx": Format(write_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": Format(write_pdf, "application/pdf", "pdf"),
    "html": Format(write_html, "text/html; charset=utf-8", "html"),
    "sts": Format(write_sts, "application/xml; charset=utf-8", "sts.xml"),
}


@dataclass(frozen=True)
class Printed:
    content: bytes
    media_type: str
    filename: str
    problems: list[Problem]


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown document format '{fmt[:20]}'; formats: {', '.join(FORMATS)}",
                           errors=[{"pointer": "/format", "detail": fmt[:20]}])
    return FORMATS[fmt]


def require_conforming(document: Document) -> None:
    """Raise InvalidInput listing every problem (the strict mode of printing)."""
    if document.problems:
        raise InvalidInput(f"the document of {document.cover.code} has {len(document.problems)} problem(s); "
                           f"first: {document.problems[0].detail}",
                           errors=[{"entry": p.number, "code": p.code, "detail": p.detail} for p in document.problems])


def print_document(session: Session, standard: str, *, fmt: str, release: str | None = None,
                   strict: bool = False) -> Printed:
    """The standard's document in `fmt`; raise NotFound, or InvalidInput (bad format, strict with problems)."""
    chosen = check_format(fmt)
    document = load_document(session, standard, release=release)
    if strict:
        require_conforming(document)
    return Printed(chosen.write(document), chosen.media_type, f"{document.filename_stem}.{chosen.suffix}",
                   document.problems)


def problems(session: Session, standard: str, *, release: str | None = None) -> list[Problem]:
    """What would make the document non-conforming (empty: it conforms)."""
    return load_document(session, standard, release=release).problems
