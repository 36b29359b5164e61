"""One canonical form for document text and term forms, with a map back to the original offsets.

Folding (the same as search's, registry.search.folding): compatibility forms and full-width characters to
their plain form (ＩＳＩＮ → isin, １ → 1), OpenCC ``t2s`` (證券 → 证券), lower case. It keeps one character
for one character, so most offsets map to themselves; whitespace is where lengths change: a run of
whitespace becomes one space, and a single line break between two Chinese characters (a line wrapped in a
PDF) disappears.

>>> n = normalise("融資融券\\n業務　ＱＦＩＩ  額度")
>>> n.text
'融资融券业务 qfii 额度'
>>> n.original(6), n.original(7), n.original_end(4), n.original_end(len(n.text))
(7, 8, 4, 16)
>>> fold_term(" Margin　Trading ")
'margin trading'
"""

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from registry.search.folding import _t2s

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = re.compile(r"\s+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern]:
    """Single non-ASCII characters whose NFKC lower-case form is one other character (full-width ASCII, the
    ideographic space, compatibility ideographs, circled digits…) and a pattern finding them; others are
    kept as they are, so lengths never change. (A dict-driven str.translate walks every character through
    Python: ~7x slower on Chinese text than finding the few that change.)"""
    table = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        if len(folded) == 1 and folded != char:
            table[char] = folded
    return table, re.compile("[" + "".join(re.escape(c) for c in sorted(table)) + "]")


def _fold_chars(text: str) -> str:
    """Fold `text` character for character (the result has the same length)."""
    if text.isascii():
        return text.lower()
    table, pattern = _table()
    text = _lower(pattern.sub(lambda found: table[found.group()], text))
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # t2s rewrote a phrase to another length: convert character by character instead
    return "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in text)


def _lower(text: str) -> str:
    """Lower case, one character for one (a few letters lower-case to two characters, like İ: kept)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def fold_many(texts: list[str]) -> list[str]:
    """fold_term of each text, folded in one pass (building the term base folds some 300,000 forms)."""
    if not texts:
        return []
    joined = _fold_chars("\0".join(texts))
    return [" ".join(part.split()) for part in joined.split("\0")]


@dataclass
class Normalised:
    """A folded text and the anchors mapping its offsets back to the original's."""

    text: str
    length: int  # of the original text
    anchors: list[int] = field(default_factory=list)  # offsets in `text` where a shift starts
    shifts: list[int] = field(default_factory=list)   # original offset minus folded offset from there on

    def original(self, offset: int) -> int:
        """The original offset of the character at folded offset `offset` (a start offset)."""
        at = bisect.bisect_right(self.anchors, offset) - 1
        return offset + (self.shifts[at] if at >= 0 else 0)

    def original_end(self, offset: int) -> int:
        """The original offset just after the character before folded offset `offset` (an end offset)."""
        return self.original(offset - 1) + 1 if offset > 0 else 0


def normalise(text: str) -> Normalised:
    """Fold `text` once for matching; see the module docstring."""
    folded = _fold_chars(text)
    pieces: list[str] = []
    anchors: list[int] = []
    shifts: list[int] = []
    taken = out = 0
    for run in _SPACE.finditer(folded):
        start, end = run.span()
        keep = "" if _wrapped_line(folded, start, end) else " "
        if keep == " " and end - start == 1 and folded[start] == " ":
            continue
        pieces.append(folded[taken:start] + keep)
        out += start - taken + len(keep)
        anchors.append(out)
        shifts.append(end - out)
        taken = end
    pieces.append(folded[taken:])
    return Normalised("".join(pieces), len(text), anchors, shifts)


def _wrapped_line(text: str, start: int, end: int) -> bool:
    """A whitespace run holding one line break between two Chinese characters: a wrapped line, not a space
    (a blank line — a paragraph end — stays a space)."""
    return text.count("\n", start, end) == 1 and start > 0 and end < len(text) \
        and bool(_CJK_CHAR.match(text[start - 1])) and bool(_CJK_CHAR.match(text[end]))


def fold_term(text: str) -> str:
    """The key of a term form: folded like document text, outer whitespace dropped."""
    return normalise(text.strip()).text.strip()


def utf16_offsets(text: str) -> list[int] | None:
    """Per code-point offset, the UTF-16 offset (None when the text has no characters outside the BMP, where
    both are the same)."""
    if text.isascii() or max(text) <= "\uffff":
        return None
    out, at = [], 0
    for char in text:
        out.append(at)
        at += 2 if ord(char) > 0xFFFF else 1
    out.append(at)
    return out
