"""The document as DOCX (python-docx): every paragraph carries a named style (封面…, 章标题, 条目编号,
首选术语, 定义, 注, 来源, 索引条目 …) so the secretariat's template can restyle it; headers carry the
standard code, footers the page number. Core properties and zip entries carry the release time.
"""

import io
import zipfile
from datetime import UTC, datetime

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from terms.document import diagrams, wording
from terms.document.model import Document, Entry

SONG, HEI = "宋体", "黑体"
PPR, PSTYLE, VAL, R, RPR, B, BR, T = (qn(tag) for tag in ("w:pPr", "w:pStyle", "w:val", "w:r", "w:rPr", "w:b",
                                                          "w:br", "w:t"))
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# name: (base style, east-Asian font, size pt, bold, centred)
STYLES = {
    "封面标准编号": ("Normal", HEI, 14, True, False), "封面标题": ("Title", HEI, 22, False, True),
    "封面英文标题": ("Normal", "Times New Roman", 14, False, True), "封面阶段": ("Normal", SONG, 14, False, True),
    "封面日期": ("Normal", HEI, 14, False, True), "封面分类号": ("Normal", HEI, 10.5, False, False),
    "目次标题": ("Normal", HEI, 16, False, True), "目次条目": ("Normal", SONG, 10.5, False, False),
    "章标题": ("Heading 1", HEI, 10.5, False, False), "前言标题": ("Heading 1", HEI, 16, False, True),
    "正文": ("Normal", SONG, 10.5, False, False),
    "术语组标题1": ("Heading 2", HEI, 10.5, False, False), "术语组标题2": ("Heading 3", HEI, 10.5, False, False),
    "术语组标题3": ("Heading 4", HEI, 10.5, False, False), "术语组标题4": ("Heading 5", HEI, 10.5, False, False),
    "条目编号": ("Normal", HEI, 10.5, True, False), "首选术语": ("Normal", HEI, 10.5, True, False),
    "许用术语": ("Normal", SONG, 10.5, False, False), "符号": ("Normal", SONG, 10.5, False, False),
    "拒用术语": ("Normal", SONG, 10.5, False, False), "定义": ("Normal", SONG, 10.5, False, False),
    "示例": ("Normal", SONG, 9, False, False), "注": ("Normal", SONG, 9, False, False),
    "见": ("Normal", SONG, 10.5, False, False), "来源": ("Normal", SONG, 10.5, False, False),
    "图": ("Normal", SONG, 10.5, False, True), "图题": ("Caption", HEI, 10.5, False, True),
    "附录标题": ("Heading 1", HEI, 10.5, False, True), "参考文献条目": ("Normal", SONG, 10.5, False, False),
    "索引字母": ("Normal", HEI, 10.5, True, True), "索引条目": ("Normal", SONG, 9, False, False),
}
MAX_FIGURE_CM = 15.0
MAX_FIGURE_HEIGHT_CM = 22.0
FIGURE_DPI = 150
FIRST_SHAPE_ID = 1000  # python-docx's template has no drawings: any ids above its few element ids are free


def write_docx(document: Document) -> bytes:
    """The standard as a .docx file; identical text and timestamps for the same release."""
    doc = new_docx()
    styles = _styles(doc)
    writer = _Writer(doc, styles)
    writer.cover(document)
    _body_section(doc, document.cover.code)
    writer.toc(document)
    writer.front_matter(document)
    writer.terms(document)
    writer.annex(document)
    writer.back_matter(document)
    _properties(doc, document)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stamped(buffer.getvalue(), document.timestamp)


class _Writer:
    def __init__(self, doc, styles) -> None:
        self.doc = doc
        self.style_ids = {name: style.style_id for name, style in styles.items()}
        self.end = doc.element.body.sectPr  # the body's last sectPr stays the same element through add_section

    def para(self, text: str, style: str) -> Paragraph:
        """A paragraph of `style` at the end of the body, built with lxml directly: python-docx's
        add_paragraph scans every style and the whole body per paragraph (minutes for 12,000 paragraphs),
        and its element helpers take seconds more."""
        element = OxmlElement("w:p")
        properties = etree.SubElement(element, PPR)
        etree.SubElement(properties, PSTYLE).set(VAL, self.style_ids[style])
        if text:
            add_text(element, text)
        self.end.addprevious(element)
        return Paragraph(element, self.doc._body)

    def page_break(self) -> None:
        self.para("", "正文").add_run().add_break(WD_BREAK.PAGE)

    def cover(self, d: Document) -> None:
        c = d.cover
        self.para(f"ICS {c.ics or '——'}", "封面分类号")
        self.para(f"CCS {c.ccs or '——'}", "封面分类号")
        self.para(c.code, "封面标准编号").alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for text, style in ((c.title_zh, "封面标题"), (c.title_en, "封面英文标题"),
                            (wording.cover_stage(c.stage_label), "封面阶段"),
                            (c.date + ("" if c.stage_label else " 发布"), "封面日期")):
            if text:
                self.para(text, style)

    def toc(self, d: Document) -> None:
        self.para(wording.HEADINGS["toc"], "目次标题")
        lines = [wording.HEADINGS[k] for k in ("foreword", "scope", "normative", "terms")]
        lines += [f"{'　' * (e.level - 1)}{e.number}　{e.preferred}" for e in d.entries if e.heads_group]
        if d.diagrams:
            lines.append(wording.HEADINGS["annex"] + wording.HEADINGS["annex_kind"] + wording.HEADINGS["annex_title"])
        lines += [wording.HEADINGS[k] for k in ("bibliography", "index_pinyin", "index_english")]
        for line in lines:
            self.para(line, "目次条目")
        self.page_break()

    def front_matter(self, d: Document) -> None:
        self.para(wording.HEADINGS["foreword"], "前言标题")
        for text in d.foreword:
            self.para(text, "正文")
        self.page_break()
        self.para(d.cover.title_zh, "封面标题")
        for key, lines in (("scope", d.scope), ("normative", wording.normative_lines(d.normative_references))):
            self.para(wording.HEADINGS[key], "章标题")
            for text in lines:
                self.para(text, "正文")

    def terms(self, d: Document) -> None:
        self.para(wording.HEADINGS["terms"], "章标题")
        self.para(wording.TERMS_LEAD, "正文")
        for entry in d.entries:
            self.entry(entry)

    def entry(self, e: Entry) -> None:
        if e.heads_group:
            heading = self.para(f"{e.number}　", f"术语组标题{min(max(e.level - 1, 1), 4)}")
            add_text(heading._p, e.preferred, bold=True)
        else:
            self.para(e.number, "条目编号")
            heading = self.para("", "首选术语")
            add_text(heading._p, e.preferred, bold=True)
        if e.english:
            add_text(heading._p, " " + "; ".join(e.english), bold=True)
        for text in e.admitted:
            self.para(text, "许用术语")
        for text in e.symbols:
            self.para(text, "符号")
        for term, label in e.rejected:
            self.para(wording.rejected_text(term, label), "拒用术语")
        self.para(e.definition, "定义")
        for i, text in enumerate(e.examples, 1):
            self.para(wording.example_label(i, len(e.examples)) + text, "示例")
        for i, text in enumerate(e.notes, 1):
            self.para(wording.note_label(i, len(e.notes)) + text, "注")
        for ref in e.references:
            self.para(wording.reference_text(ref), "见")
        if e.source:
            self.para(wording.source_line(e), "来源")

    def annex(self, d: Document) -> None:
        try:
            images = diagrams.pngs(d.diagrams, lambda node: f"#{node.anchor}", dpi=FIGURE_DPI)
        except diagrams.DiagramsUnavailable:
            images = []
        if not images:
            return
        self.page_break()
        self.para(f"{wording.HEADINGS['annex']}\n{wording.HEADINGS['annex_kind']}\n{wording.HEADINGS['annex_title']}",
                  "附录标题")
        for index, (diagram, png) in enumerate(zip(d.diagrams, images, strict=True), 1):
            self.picture(self.para("", "图").add_run(), png, index)
            self.para(wording.figure_caption(index, diagram.number, diagram.title), "图题")

    def picture(self, run, png: bytes, index: int) -> None:
        """Add `png` as its own image part. python-docx's add_picture hashes every image already added
        and searches the whole document for the next shape id: quadratic for a few hundred figures."""
        image = Image.from_blob(png)
        part = ImagePart(PackURI(f"/word/media/figure{index}.png"), image.content_type, png, image)
        rid = self.doc.part.relate_to(part, RT.IMAGE)
        cx = Cm(_figure_width_cm(png))
        inline = CT_Inline.new_pic_inline(FIRST_SHAPE_ID + index, rid, f"figure{index}.png", cx,
                                          int(cx * image.px_height / image.px_width))
        run._r.add_drawing(inline)

    def back_matter(self, d: Document) -> None:
        self.page_break()
        self.para(wording.HEADINGS["bibliography"], "前言标题")
        for index, text in enumerate(d.bibliography, 1):
            self.para(f"[{index}]　{text}", "参考文献条目")
        for key, groups in (("index_pinyin", d.pinyin_index), ("index_english", d.english_index)):
            self.page_break()
            self.para(wording.HEADINGS[key], "前言标题")
            for group in groups:
                self.para(group.letter, "索引字母")
                for item in group.items:
                    reading = f"　{item.reading}" if item.reading else ""
                    self.para(f"{item.term}{reading}　{item.number}", "索引条目")


def add_text(paragraph, text: str, *, bold: bool = False) -> None:
    """Append a run holding `text` (line breaks as <w:br/>) to a <w:p> element."""
    run = etree.SubElement(paragraph, R)
    if bold:
        etree.SubElement(etree.SubElement(run, RPR), B)
    for index, line in enumerate(text.split("\n")):
        if index:
            etree.SubElement(run, BR)
        node = etree.SubElement(run, T)
        node.text = line
        node.set(XML_SPACE, "preserve")


def _styles(doc) -> dict:
    found = {}
    for name, (base, font, size, bold, centred) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.font.size, style.font.bold = Pt(size), bold
        style.font.name = "Times New Roman"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if name.startswith(("章标题", "术语组标题", "前言标题", "附录标题")):
            style.font.color.rgb = None
        if centred:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        found[name] = style
    return found


def _body_section(doc, code: str) -> None:
    """A new section after the cover: header with the standard code, footer with the page number."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = code
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer.add_run())


def _page_field(run) -> None:
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = "1"
        run._r.append(element)


def _properties(doc, document: Document) -> None:
    props = doc.core_properties
    moment = _naive_utc(document.timestamp)
    props.author = props.last_modified_by = "sfreg"
    props.title = f"{document.cover.code} {document.cover.title_zh}"
    props.subject = document.cover.stage_label or "发布"
    props.created = props.modified = props.last_printed = moment
    props.revision = 1


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _stamped(data: bytes, moment: datetime) -> bytes:
    """The same zip with every entry dated `moment` (zip times are local; the release time in UTC)."""
    stamp = _naive_utc(moment).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _figure_width_cm(png: bytes) -> float:
    """The drawing's own size (from the PNG header), shrunk to fit the text block's width and height."""
    width, height = (int.from_bytes(png[at:at + 4], "big") / FIGURE_DPI * 2.54 for at in (16, 20))
    return width * min(1.0, MAX_FIGURE_CM / width, MAX_FIGURE_HEIGHT_CM / height)
