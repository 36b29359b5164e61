"""Snippets: the matched text, HTML-escaped, with the match wrapped in ``<mark>``.

Matching runs on folded text and the marks land on the original characters, so a traditional or
full-width original is marked where its simplified, half-width fold matched.

>>> mark("證券登記結算機構", "登记结算")
'證券<mark>登記結算</mark>機構'
>>> excerpt("Margin <b>trading</b> and lending", "", ["lend"], width=40)
'Margin &lt;b&gt;trading&lt;/b&gt; and <mark>lending</mark>'
"""

import re
from html import escape

from registry.search.folding import fold_with_map


def mark(text: str, needle: str, *, whole: bool = False) -> str:
    """`text` with the first occurrence of folded `needle` marked (all of it when `whole`)."""
    if whole:
        return f"<mark>{escape(text)}</mark>"
    span = _find(text, needle, [])
    if span is None:
        return escape(text)
    start, end = span
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def excerpt(text: str, needle: str, words: list[str], *, width: int = 80) -> str | None:
    """A window of about `width` characters around the first match in `text` (None if none)."""
    span = _find(text, needle, words)
    if span is None:
        return None
    start, end = span
    left = max(0, min(start - (width - (end - start)) // 2, len(text) - width))
    right = min(len(text), max(end, left + width))
    head = "…" if left else ""
    tail = "…" if right < len(text) else ""
    return (f"{head}{escape(text[left:start])}<mark>{escape(text[start:end])}</mark>"
            f"{escape(text[end:right])}{tail}")


def _find(text: str, needle: str, words: list[str]) -> tuple[int, int] | None:
    folded, origin = fold_with_map(text)
    if not origin:
        return None
    at = folded.find(needle) if needle else -1
    length = len(needle)
    if at < 0:
        for word in words:
            found = re.search(rf"\b{re.escape(word)}\w*", folded)
            if found:
                at, length = found.start(), found.end() - found.start()
                break
    if at < 0:
        return None
    return origin[at], origin[at + length - 1] + 1
