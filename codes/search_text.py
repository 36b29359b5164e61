"""The folded text a code list is searched by: code, names, pinyin and pinyin initials."""

from pypinyin import lazy_pinyin

from registry.search.folding import fold


def search_text(code: str, name_zh: str | None, name_en: str | None) -> str:
    parts = [code, name_zh or "", name_en or ""]
    if name_zh:
        syllables = lazy_pinyin(fold(name_zh), errors="ignore")
        parts += ["".join(syllables), "".join(s[:1] for s in syllables)]
    return fold(" ".join(p for p in parts if p))[:4000]
