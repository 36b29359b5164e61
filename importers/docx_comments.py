"""The Word round trip: the same .docx back, with each deprecated, superseded or admitted term found in it
carried as a Word comment anchored at the term's own run(s) — what a compliance reviewer hands an author.

The text is never changed. A run holding more than the term is split at the term's edges into runs with the
same formatting (only runs made of plain text and tabs are split; a comment on any other run covers it
whole). Comments are added from the end of the document backwards, so splitting never moves a later one.
"""

import bisect
import copy
import io
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.run import Run

from importers.check_documents import PARAGRAPH_BREAK, open_docx, paragraphs, runs
from terms.checking.messages import say

COMMENTED_LEVELS = ("error", "info")
AUTHOR, INITIALS = "sfreg 术语检查", "SF"
_SPLITTABLE = {qn("w:rPr"), qn("w:t"), qn("w:tab")}


@dataclass
class _Paragraph:
    start: int
    spans: list[tuple[int, Run]]  # (start offset in the document text, run), in order
    end: int


class Layout:
    """Where each run of a document sits in its checked text (importers.check_documents.docx_text)."""

    def __init__(self, document: DocxDocument) -> None:
        self.paragraphs: list[_Paragraph] = []
        at = 0
        for paragraph in paragraphs(document):
            spans, start = [], at
            for run in runs(paragraph):
                spans.append((at, run))
                at += len(run.text)
            self.paragraphs.append(_Paragraph(start, spans, at))
            at += len(PARAGRAPH_BREAK)
        self.starts = [p.start for p in self.paragraphs]

    def anchor(self, start: int, end: int) -> tuple[Run, Run] | None:
        """The first and last run of text [start, end), split to fit where possible."""
        first_p, last_p = self._paragraph(start), self._paragraph(end - 1)
        if first_p is None or last_p is None:
            return None
        first = self._cut(first_p, start, keep_right=True)
        last = self._cut(last_p, end, keep_right=False)
        return (first, last) if first is not None and last is not None else None

    def _paragraph(self, offset: int) -> _Paragraph | None:
        at = bisect.bisect_right(self.starts, offset) - 1
        paragraph = self.paragraphs[at] if at >= 0 else None
        return paragraph if paragraph is not None and offset < paragraph.end else None

    def _cut(self, paragraph: _Paragraph, offset: int, *, keep_right: bool) -> Run | None:
        """The run starting (keep_right) or ending at `offset`, splitting the run across it if it can."""
        spans = paragraph.spans
        at = bisect.bisect_right([s for s, _ in spans], offset if keep_right else offset - 1) - 1
        if at < 0:
            return None
        run_start, run = spans[at]
        cut = offset - run_start
        if 0 < cut < len(run.text) and _splittable(run):
            right = _split(run, cut)
            spans.insert(at + 1, (offset, right))
            return right if keep_right else run
        return run


def _splittable(run: Run) -> bool:
    return all(child.tag in _SPLITTABLE for child in run._r)


def _split(run: Run, cut: int) -> Run:
    """Split `run` after `cut` characters; return the new run holding the rest (same formatting)."""
    text = run.text
    right = Run(copy.deepcopy(run._r), run._parent)
    run._r.addnext(right._r)
    run.text, right.text = text[:cut], text[cut:]
    return right


def comment_docx(data: bytes, findings: list[dict[str, Any]], *, name: str) -> tuple[bytes, int]:
    """The document in `data` with a comment on each error- and info-level term finding (offsets in its
    checked text), and how many comments were added; raise DocumentRejected as open_docx."""
    document = open_docx(data, name=name)
    layout = Layout(document)
    chosen = [f for f in findings if f["kind"] == "term" and f["level"] in COMMENTED_LEVELS]
    added = 0
    for finding in sorted(chosen, key=lambda f: f["start"], reverse=True):
        anchor = layout.anchor(finding["start"], finding["end"])
        if anchor is not None:
            document.add_comment(list(anchor), text=say(finding), author=AUTHOR, initials=INITIALS)
            added += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), added
