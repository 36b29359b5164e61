"""The document as PDF, typeset by Typst (the `typst` wheel) with Debian's Noto CJK fonts embedded.

Python prepares every line of text (the wording, the numbering of notes and examples, the index lines)
as JSON; templates/standard.typ only lays it out, so no user text is ever parsed as Typst markup.
The PDF's dates are the release time; the text is the same for the same release.
"""

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC
from functools import lru_cache
from pathlib import Path
from typing import Any

from registry.errors import InternalError
from terms.document import diagrams, wording
from terms.document.html_writer import in_document
from terms.document.model import Document, Entry

ROOT = Path(__file__).resolve().parents[2]  # the child imports terms.document from the same tree
TYPST_TIMEOUT = 120
FONT_ROOTS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"),
              Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts"))
MAX_FIGURE_PT = 440.0       # the text width of an A4 page with GB/T 1.1 margins
MAX_FIGURE_HEIGHT_PT = 620.0


class FontsMissing(RuntimeError):
    """Debian's fonts-noto-cjk is not installed: the PDF cannot embed CJK fonts."""


@lru_cache
def font_dirs() -> list[str]:
    """Folders holding the Noto CJK fonts (Debian's fonts-noto-cjk)."""
    for root in FONT_ROOTS:
        found = sorted({str(p.parent) for p in root.rglob("NotoSerifCJK*")} if root.exists() else set())
        if found:
            return found
    raise FontsMissing("Noto CJK fonts not found; install Debian's fonts-noto-cjk")


def write_pdf(document: Document) -> bytes:
    """The standard as a PDF with embedded, searchable CJK text, typeset in a child process
    (terms/document/typst_process.py says why); raise InternalError when Typst fails or times out."""
    data = json.dumps(typst_data(document), ensure_ascii=False).encode("utf-8")
    command = [sys.executable, "-m", "terms.document.typst_process", str(int(document.timestamp.timestamp())),
               *font_dirs()]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TYPST_TIMEOUT, check=False,  # noqa: S603
                              cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        raise InternalError(f"typesetting the PDF took longer than {TYPST_TIMEOUT} s") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise InternalError(f"typesetting the PDF failed: {done.stderr.decode('utf-8', 'replace')[-500:]}")
    return done.stdout


def typst_data(document: Document) -> dict[str, Any]:
    c = document.cover
    stamp = document.timestamp.astimezone(UTC) if document.timestamp.tzinfo else document.timestamp
    # A label must be unique in Typst: duplicated numbers (a check problem) get no label and no links.
    counts = Counter(e.anchor for e in document.entries)
    targets = {r.anchor for e in document.entries for r in e.references if r.anchor and counts[r.anchor] == 1}
    return {
        "title": f"{c.code} {c.title_zh}", "timestamp": list(stamp.timetuple()[:6]),
        "cover": {"code": c.code, "title_zh": c.title_zh, "title_en": c.title_en, "ics": c.ics or "——",
                  "ccs": c.ccs or "——", "stage": wording.cover_stage(c.stage_label),
                  "date": c.date + ("" if c.stage_label else " 发布")},
        "foreword": document.foreword,
        "chapters": [{"title": wording.HEADINGS["scope"], "paragraphs": document.scope},
                     {"title": wording.HEADINGS["normative"],
                      "paragraphs": wording.normative_lines(document.normative_references)},
                     {"title": wording.HEADINGS["terms"], "paragraphs": [wording.TERMS_LEAD]}],
        "entries": [{"anchor": e.anchor, "target": e.anchor in targets, "blocks": blocks(e, targets)}
                    for e in document.entries],
        "annex": f"{wording.HEADINGS['annex']}{wording.HEADINGS['annex_kind']}{wording.HEADINGS['annex_title']}",
        "figures": _figures(document),
        "bibliography": [f"[{i}]　{text}" for i, text in enumerate(document.bibliography, 1)],
        "indexes": [_index(wording.HEADINGS["index_pinyin"], document.pinyin_index),
                    _index(wording.HEADINGS["index_english"], document.english_index)],
    }


def blocks(e: Entry, targets: set[str]) -> list[dict[str, Any]]:
    """The entry's lines in GB/T 20001.1 order, each with its kind (the template's style)."""
    en = "; ".join(e.english)
    out: list[dict[str, Any]] = []
    if e.heads_group:
        out.append({"kind": "head", "level": min(e.level, 5), "text": f"{e.number}　{e.preferred}", "en": en})
    else:
        out += [{"kind": "num", "text": e.number}, {"kind": "term", "text": e.preferred, "en": en}]
    out += [{"kind": "admitted", "text": t} for t in e.admitted + e.symbols]
    out += [{"kind": "rejected", "text": wording.rejected_text(t, label)} for t, label in e.rejected]
    out.append({"kind": "definition", "text": e.definition})
    out += [{"kind": "example", "text": wording.example_label(i, len(e.examples)) + x}
            for i, x in enumerate(e.examples, 1)]
    out += [{"kind": "note", "text": wording.note_label(i, len(e.notes)) + n} for i, n in enumerate(e.notes, 1)]
    out += [{"kind": "xref", "text": wording.reference_text(r), "target": r.anchor if r.anchor in targets else None}
            for r in e.references]
    if e.source:
        out.append({"kind": "source", "text": wording.source_line(e)})
    return out


def _figures(document: Document) -> list[dict[str, Any]]:
    try:
        svgs = diagrams.svgs(document.diagrams, in_document)
    except diagrams.DiagramsUnavailable:
        return []
    return [{"svg": svg, "width": _figure_width(svg),
             "caption": wording.figure_caption(i, d.number, d.title)}
            for i, (d, svg) in enumerate(zip(document.diagrams, svgs, strict=True), 1)]


def _figure_width(svg: str) -> float:
    """The printed width: the drawing's own size, shrunk to fit the text block's width and height."""
    width, height = (float(m.group(1)) if m else MAX_FIGURE_PT for m in (
        re.search(r'width="([\d.]+)pt"', svg), re.search(r'height="([\d.]+)pt"', svg)))
    return width * min(1.0, MAX_FIGURE_PT / width, MAX_FIGURE_HEIGHT_PT / height)


def _index(title: str, groups) -> dict[str, Any]:
    return {"title": title, "groups": [{"letter": g.letter, "items": [
        {"term": i.term, "reading": i.reading, "number": i.number, "anchor": i.anchor} for i in g.items]}
        for g in groups]}
