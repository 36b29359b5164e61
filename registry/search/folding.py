"""Search-key folding: one canonical form for index and query text.

NFKC turns full-width letters and digits into ASCII (ＲＺＲＱ → RZRQ), OpenCC ``t2s`` turns traditional
characters into simplified ones (證券登記 → 证券登记), then the text is lowercased and its whitespace runs
collapsed to one space.

>>> fold("  證券登記結算機構 ")
'证券登记结算机构'
>>> fold("ＲＺＲＱ  Margin\\tTrading")
'rzrq margin trading'
>>> split_runs("etf基金 a股")
[('etf', False), ('基金', True), ('a', False), ('股', True)]
"""

import re
import unicodedata
from functools import lru_cache

import opencc

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_RUN = re.compile(f"[{_CJK}]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
_RUNS = re.compile(f"([{_CJK}]+)|([a-z0-9]+)")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Return the search key of `text`: NFKC, traditional → simplified, lowercase, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _t2s().convert(text)
    return " ".join(text.lower().split())


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def split_runs(folded: str) -> list[tuple[str, bool]]:
    """Split folded text into CJK runs (True) and ASCII word runs (False); everything else separates."""
    return [(cjk or word, bool(cjk)) for cjk, word in _RUNS.findall(folded)]


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold `text` one character at a time; return the folded text and, per folded character, the
    index of the original character it came from (for highlighting the original)."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        if not folded.isascii():
            folded = _t2s().convert(folded)
        folded = folded.lower()
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin
