"""The document as NISO STS XML (ANSI/NISO Z39.102): front matter in `std-meta`, chapter 3 as nested
`term-sec` elements each holding a `tbx:termEntry` with one `tbx:langSet` per language and one `tbx:tig`
per term, as ISO's own publishing does; 参考文献 as a `ref-list`. Byte-identical for the same release.
"""

import xml.etree.ElementTree as ET

from terms.document import wording
from terms.document.model import Document, Entry

TBX = "urn:iso:std:iso:30042:ed-1"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AUTHORIZATION = {"preferred": "preferredTerm", "admitted": "admittedTerm", "deprecated": "deprecatedTerm",
                 "superseded": "supersededTerm"}
TERM_TYPES = {"full_form": "fullForm", "short_form": "shortForm", "abbreviation": "abbreviation",
              "symbol": "symbol", "variant": "variant"}
STS_LANG = {"zh-CN": "zh", "en": "en"}
ET.register_namespace("tbx", TBX)
ET.register_namespace("xlink", XLINK)


def write_sts(document: Document) -> bytes:
    """The standard as one NISO STS XML document, UTF-8."""
    root = ET.Element("standard", {XML_LANG: "zh"})
    _front(ET.SubElement(root, "front"), document)
    body = ET.SubElement(root, "body")
    _sec(body, "sec_1", "scope", "1", "范围", document.scope)
    _sec(body, "sec_2", "norm-refs", "2", "规范性引用文件", wording.normative_lines(document.normative_references))
    terms = _sec(body, "sec_3", "terms", "3", "术语和定义", [wording.TERMS_LEAD])
    _term_secs(terms, document.entries)
    _back(ET.SubElement(root, "back"), document)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _front(front: ET.Element, document: Document) -> None:
    cover = document.cover
    meta = ET.SubElement(front, "std-meta")
    for lang, title in (("zh", cover.title_zh), ("en", cover.title_en)):
        wrap = ET.SubElement(meta, "title-wrap", {XML_LANG: lang})
        _text(wrap, "main", title)
    _text(meta, "std-ref", cover.code, type="dated")
    _text(meta, "release-version", cover.stage_label or "发布")
    _text(meta, "release-date", cover.date)
    if cover.ics:
        _text(meta, "ics", cover.ics)
    if cover.ccs:
        group = ET.SubElement(meta, "custom-meta-group")
        custom = ET.SubElement(group, "custom-meta")
        _text(custom, "meta-name", "CCS")
        _text(custom, "meta-value", cover.ccs)
    _sec(front, "sec_foreword", "foreword", None, "前言", document.foreword)


def _sec(parent: ET.Element, sec_id: str, kind: str, label: str | None, title: str,
         paragraphs: list[str]) -> ET.Element:
    sec = ET.SubElement(parent, "sec", {"id": sec_id, "sec-type": kind})
    if label:
        _text(sec, "label", label)
    _text(sec, "title", title)
    for paragraph in paragraphs:
        _text(sec, "p", paragraph)
    return sec


def _term_secs(terms: ET.Element, entries: list[Entry]) -> None:
    """Nest each entry's term-sec under the term-sec of the nearest entry above it in the numbering."""
    open_secs: dict[str, ET.Element] = {}
    for entry in entries:
        parent = next((open_secs[n] for n in _ancestors(entry.number) if n in open_secs), terms)
        sec = ET.SubElement(parent, "term-sec", {"id": f"sec_{entry.number}"})
        _text(sec, "label", entry.number)
        _term_entry(sec, entry)
        open_secs[entry.number] = sec


def _ancestors(number: str) -> list[str]:
    parts = number.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _term_entry(sec: ET.Element, entry: Entry) -> None:
    term_entry = ET.SubElement(sec, f"{{{TBX}}}termEntry", {"id": f"term_{entry.number}"})
    for lang in ("zh-CN", "en"):
        tigs = [d for d in entry.designations if d[1] == lang]
        if not tigs and lang != "zh-CN":
            continue
        lang_set = ET.SubElement(term_entry, f"{{{TBX}}}langSet", {XML_LANG: STS_LANG[lang]})
        if lang == "zh-CN":
            _zh_content(lang_set, entry)
        for index, (text, _, status, kind) in enumerate(tigs, 1):
            _tig(lang_set, f"term_{entry.number}-{STS_LANG[lang]}-{index}", text, status, kind)


def _zh_content(lang_set: ET.Element, entry: Entry) -> None:
    _text(lang_set, f"{{{TBX}}}definition", entry.definition)
    for example in entry.examples:
        _text(lang_set, f"{{{TBX}}}example", example)
    for note in entry.notes:
        _text(lang_set, f"{{{TBX}}}note", note)
    for ref in entry.references:
        attrs = {"target": f"term_{ref.number}"} if ref.anchor else {}
        _text(lang_set, f"{{{TBX}}}crossReference", wording.reference_text(ref), **attrs)
    if entry.source:
        _text(lang_set, f"{{{TBX}}}source", entry.source + ("，有修改" if entry.source_modified else ""))


def _tig(lang_set: ET.Element, tig_id: str, text: str, status: str, kind: str) -> None:
    tig = ET.SubElement(lang_set, f"{{{TBX}}}tig", {"id": tig_id})
    _text(tig, f"{{{TBX}}}term", text)
    ET.SubElement(tig, f"{{{TBX}}}termType", {"value": TERM_TYPES.get(kind, "fullForm")})
    ET.SubElement(tig, f"{{{TBX}}}normativeAuthorization", {"value": AUTHORIZATION.get(status, "admittedTerm")})


def _back(back: ET.Element, document: Document) -> None:
    refs = ET.SubElement(back, "ref-list", {"content-type": "bibl"})
    _text(refs, "title", "参考文献")
    for index, text in enumerate(document.bibliography, 1):
        ref = ET.SubElement(refs, "ref", {"id": f"biblref_{index}"})
        _text(ref, "label", f"[{index}]")
        _text(ref, "mixed-citation", text)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element
