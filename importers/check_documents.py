"""Documents sent for term checking: plain text and Markdown, Word (.docx) and PDF (its text layer).

Text files are UTF-8 (with or without BOM), UTF-16 with a BOM, or — detected by charset-normalizer — GB18030/
GBK or Big5; anything else is refused rather than guessed. A .docx is checked as a ZIP (not one, a zip bomb)
and for macros (a .docm renamed) before python-docx reads it. A PDF must carry a text layer (a scan has none:
the answer says to run OCR). The text of a Word document is its paragraphs — body and table cells, in order —
joined by line breaks; `importers.docx_comments` walks the same runs to anchor comments.
"""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import charset_normalizer
import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from importers.safety import check_zip
from registry.errors import DocumentRejected, ImportRejected

TEXT_KINDS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
KINDS = {**TEXT_KINDS, ".docx": "docx", ".pdf": "pdf"}
CHINESE_ENCODINGS = {"gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "big5": "big5",
                     "big5hkscs": "big5hkscs", "cp950": "big5"}
MACRO_TYPE = "macroEnabled"
# paragraphs are joined by a blank line: a single line break between Chinese characters is read as a wrapped
# line (terms.checking.normalise), a paragraph end must not be
PARAGRAPH_BREAK = "\n\n"


@dataclass
class Document:
    """A document's text as checked, its kind, and (text files) the encoding it was read in."""

    name: str
    kind: str
    text: str
    encoding: str | None = None


def read_document(name: str, data: bytes) -> Document:
    """The text of the uploaded file `name`; raise DocumentRejected saying why it cannot be read."""
    kind = document_kind(name, data)
    if kind == "docx":
        return Document(name, kind, docx_text(open_docx(data, name=name)))
    if kind == "pdf":
        return Document(name, kind, pdf_text(data, name=name))
    text, encoding = decode_text(data, name=name)
    return Document(name, kind, text, encoding)


def document_kind(name: str, data: bytes) -> str:
    """txt, md, docx or pdf, from the file name; raise DocumentRejected for other kinds."""
    suffix = PurePath(name).suffix.lower()
    if suffix in (".docm", ".dotm"):
        raise _rejected(name, "a macro-enabled Word document (.docm); save it as a .docx without macros")
    if suffix == ".doc":
        raise _rejected(name, "a Word 97–2003 document (.doc); save it as .docx")
    kind = KINDS.get(suffix)
    if kind is None:
        raise _rejected(name, f"files of type '{suffix or 'none'}' cannot be checked; send .txt, .md, .docx "
                              "or .pdf")
    return kind


def decode_text(data: bytes, *, name: str) -> tuple[str, str]:
    """The text of a text file and its encoding; raise DocumentRejected when none we trust fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data, "utf-8-sig", name), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", name), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:1_000_000]).best()
    encoding = CHINESE_ENCODINGS.get((best.encoding if best else "").replace("_", "").lower())
    if encoding is None:
        raise _rejected(name, "the text is neither UTF-8 nor Chinese GB18030/GBK or Big5"
                              f"{f' (it looks like {best.encoding})' if best else ''}; save it as UTF-8")
    return _decode(data, encoding, name), encoding


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _rejected(name, f"the text is not valid {encoding} at byte {error.start}; the file mixes "
                              "encodings — save it as UTF-8") from None


# ---- Word --------------------------------------------------------------------------------------

def open_docx(data: bytes, *, name: str) -> DocxDocument:
    """The Word document in `data`; raise DocumentRejected for one that is not a .docx, a zip bomb or one
    carrying macros."""
    stream = io.BytesIO(data)
    try:
        check_zip(stream, source=name, kind="a Word document (.docx)")
    except ImportRejected as error:
        raise DocumentRejected(error.detail) from None
    with zipfile.ZipFile(stream) as archive:
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace") \
            if "[Content_Types].xml" in names else ""
    if "word/vbaProject.bin" in names or MACRO_TYPE in types:
        raise _rejected(name, "a macro-enabled Word document (.docm renamed to .docx); save it as a .docx "
                              "without macros")
    if "word/document.xml" not in names:
        raise _rejected(name, "not a Word document: the ZIP holds no word/document.xml")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds (KeyError, ValueError, lxml errors) on bad parts
        raise _rejected(name, f"a damaged Word document ({type(error).__name__})") from None


def paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph of the body, table cells included, in reading order."""
    yield from _paragraphs_in(document)


def _paragraphs_in(container) -> Iterator[Paragraph]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from _paragraphs_in(cell)


def runs(paragraph: Paragraph) -> Iterator[Run]:
    """The runs of a paragraph, those inside hyperlinks included, in order."""
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


def docx_text(document: DocxDocument) -> str:
    """The checked text of a Word document: each paragraph's runs, paragraphs joined by line breaks."""
    return PARAGRAPH_BREAK.join("".join(run.text for run in runs(p)) for p in paragraphs(document))


# ---- PDF ---------------------------------------------------------------------------------------

def pdf_text(data: bytes, *, name: str) -> str:
    """The text layer of a PDF, pages separated by blank lines; raise DocumentRejected for an encrypted or
    damaged PDF, or one without text (a scan)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _rejected(name, "the PDF is encrypted; send an unprotected copy")
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise _rejected(name, f"a damaged PDF ({type(error).__name__})") from None
    if not text.strip():
        raise _rejected(name, "the PDF has no text layer (a scanned image?); run OCR on it first or send "
                              "the Word file")
    return text


def _rejected(name: str, detail: str) -> DocumentRejected:
    return DocumentRejected(f"{name}: {detail}", errors=[{"pointer": "/file", "detail": detail}])
