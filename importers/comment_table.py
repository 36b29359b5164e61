"""The disposition table (意见汇总处理表) as XLSX and DOCX files, in the committee's layout.

A title (《标准名称》征求意见汇总处理表, the standard's code and the release), the summary line (organisations
that replied, comments, counts per disposition), then the seven columns. Cells that a spreadsheet would
read as formulas are neutralised; commenters' text is written as text, never as markup.
"""

import io
import tempfile
from copy import deepcopy
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from importers.safety import neutralise_cell
from importers.xlsx_io import ILLEGAL
from terms.comments.table import HEADER, cells, summary_line

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WIDTHS_CM = (1.2, 2.0, 7.5, 6.0, 3.5, 2.5, 5.0)
XLSX_WIDTHS = (6, 10, 48, 38, 22, 14, 32)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def title(data: dict[str, Any]) -> str:
    return f"《{data['standard']['title_zh']}》征求意见汇总处理表"


def subtitle(data: dict[str, Any]) -> str:
    period = data["period"]
    return (f"标准编号：{data['standard']['code']}　征求意见稿：{data['release']}　"
            f"征求意见期：{period['opens_on']} 至 {period['closes_on']}")


def filename(data: dict[str, Any], ext: str) -> str:
    return f"disposition-{data['standard']['key']}-{data['release']}.{ext}"


def _text(value: str) -> str:
    return neutralise_cell(ILLEGAL.sub("", value)) if value else ""


# ---- XLSX -----------------------------------------------------------------------------------------

def write_xlsx(data: dict[str, Any]) -> bytes:
    """The table as one sheet: title, subtitle, summary, a blank row, the header, the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("意见汇总处理表")
    for column, width in zip("ABCDEFG", XLSX_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    for line in (title(data), subtitle(data), summary_line(data)):
        sheet.append([_styled(sheet, _text(line), BOLD if line == title(data) else None)])
    sheet.append([])
    sheet.append([_styled(sheet, h, BOLD) for h in HEADER])
    for row in data["rows"]:
        sheet.append([_styled(sheet, _text(value)) if "\n" in value else _text(value) for value in cells(row)])
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        book.save(spool)
        spool.seek(0)
        return spool.read()


def _styled(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = WRAP
    if font is not None:
        cell.font = font
    return cell


# ---- DOCX -----------------------------------------------------------------------------------------

def write_docx(data: dict[str, Any]) -> bytes:
    """The table in a landscape A4 document; body rows are cloned from one template row (python-docx's
    add_row re-reads the grid per row, which is slow for thousands of rows)."""
    document = Document()
    _page(document)
    _font(document)
    heading = document.add_paragraph()
    heading.add_run(title(data)).bold = True
    document.add_paragraph(subtitle(data))
    document.add_paragraph(summary_line(data))
    table = document.add_table(rows=2, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text, width in zip(table.rows[0].cells, HEADER, WIDTHS_CM, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].add_run(text).bold = True
    _fill(table, data["rows"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill(table, rows: list[dict[str, Any]]) -> None:
    """Append one row per table row: a copy of a template row whose cells each hold one empty text run."""
    template = table.rows[1]._tr
    parent = template.getparent()
    parent.remove(template)
    for tc in template.findall(qn("w:tc")):
        _set_text(tc, "")
    text_tag = qn("w:t")
    for row in rows:
        tr = deepcopy(template)
        for tc, value in zip(tr.findall(qn("w:tc")), cells(row), strict=True):
            value = ILLEGAL.sub("", value)
            if "\n" in value:
                tc.find(qn("w:p")).clear()
                _set_text(tc, value)
            else:
                next(tc.iter(text_tag)).text = value
        parent.append(tr)


def _set_text(tc, value: str) -> None:
    paragraph = tc.find(qn("w:p"))
    for index, line in enumerate(value.split("\n")):
        run = paragraph.makeelement(qn("w:r"), {})
        if index:
            run.append(run.makeelement(qn("w:br"), {}))
        text = run.makeelement(qn("w:t"), {qn("xml:space"): "preserve"})
        text.text = line
        run.append(text)
        paragraph.append(run)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
