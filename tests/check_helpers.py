"""Documents for the term-check tests, built here: a Word file with python-docx, PDFs by hand; and the app they
are checked by (take the fixture with `from check_helpers import checker as checker`)."""

import io
import zipfile
from collections.abc import Iterator

import docx
import pytest
from fastapi.testclient import TestClient

from importers.check_documents import docx_text, open_docx
from registry.database import transaction
from terms.seed import seed_concepts


@pytest.fixture
def checker(engine, seeded) -> Iterator[TestClient]:
    """The app over the 66 sample concepts (approved, deprecated, and some drafts)."""
    from api.app import create_app
    with transaction(engine) as session:
        seed_concepts(session)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def word_document() -> bytes:
    """A member firm's rule, as an author would write it: heading, formatted runs, a table."""
    document = docx.Document()
    document.add_heading("融资融券业务管理细则（示例）", 1)
    paragraph = document.add_paragraph("第一条 投资者参与")
    paragraph.add_run("两融业务").bold = True
    paragraph.add_run("时，公司应防范爆仓风险；期货经纪公司另有规定的除外。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "基金经理"
    table.cell(0, 1).text = "FCM 与 margin trading and securities lending"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_of(data: bytes) -> str:
    return docx_text(open_docx(data, name="x.docx"))


def comments_of(data: bytes) -> list[str]:
    return [comment.text for comment in open_docx(data, name="x.docx").comments]


def pdf(text: str | None) -> bytes:
    """A one-page PDF showing `text` (ASCII) in Helvetica, or an empty page (no text layer)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zip_bomb() -> bytes:
    """A .docx-named ZIP whose one member expands to 150 MB of zeros."""
    out = io.BytesIO()
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("word/document.xml", "w") as member:
        for _ in range(150):
            member.write(block)
    return out.getvalue()


def macro_document() -> bytes:
    """A .docm (a vbaProject part, the macro-enabled content type) that will be renamed .docx."""
    source = zipfile.ZipFile(io.BytesIO(word_document()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml",
                                    b"ms-word.document.macroEnabled.main+xml")
            archive.writestr(item, data)
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()
