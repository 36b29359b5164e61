"""The folded text a code list is searched by: code, names, pinyin and pinyin initials.

Pinyin is pypinyin's `lazy_pinyin`, taken one segment at a time: its own segmenter cuts a name into the
phrases and single characters it reads independently, and the reading of each segment is kept, so a
million names cost one segmentation each instead of one full conversion each.

>>> search_text("CNE000001R84", "浦发银行", "SPD Bank")
'cne000001r84 浦发银行 spd bank pufayinhang pfyh'
"""

from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from pypinyin.seg.simpleseg import seg

from registry.search.folding import fold

READINGS_KEPT = 100_000
_readings: dict[str, tuple[object, list[str]]] = {}


def search_text(code: str, name_zh: str | None, name_en: str | None) -> str:
    zh = fold(name_zh) if name_zh else ""  # each part folded once (OpenCC is the costly step)
    parts = [fold(code), zh, fold(name_en or "")]
    if zh:
        syllables = pinyin(zh)
        parts += ["".join(syllables), "".join(s[:1] for s in syllables)]
    return " ".join(p for p in parts if p)[:4000]


def pinyin(text: str) -> list[str]:
    """`lazy_pinyin(text, errors="ignore")`, segment by segment, each segment's reading remembered."""
    out: list[str] = []
    for word in seg(text):
        out += _reading(word)
    return out


def _reading(word: str) -> list[str]:
    # The dictionary entries a reading came from are kept with it: load_phrases_dict (terms.pinyin loads
    # finance phrases) may replace them later, and then the reading is taken again.
    source = (PHRASES_DICT.get(word), PINYIN_DICT.get(ord(word)) if len(word) == 1 else None)
    kept = _readings.get(word)
    if kept is None or kept[0] != source:
        if len(_readings) >= READINGS_KEPT:
            _readings.clear()
        kept = _readings[word] = (source, lazy_pinyin(word, errors="ignore"))
    return kept[1]
