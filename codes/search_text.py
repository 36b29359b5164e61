"""The lower-case text a code list is searched by: code, names, pinyin and pinyin initials."""

from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional to simplified, lower case: how both the stored text and a query are compared."""
    return _t2s().convert(text).lower()


def search_text(code: str, name_zh: str | None, name_en: str | None) -> str:
    parts = [code, name_zh or "", name_en or ""]
    if name_zh:
        syllables = lazy_pinyin(name_zh, errors="ignore")
        parts += ["".join(syllables), "".join(s[:1] for s in syllables)]
    return fold(" ".join(p for p in parts if p))[:4000]
