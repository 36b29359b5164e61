"""The two indexes of a term standard: 汉语拼音索引 (by the same pinyin readings search uses, shown with
tone marks) and 英文对应词索引 (ignoring case and leading articles), each grouped by initial letter.

>>> display_reading("银行", "yin hang")
'yínháng'
>>> display_reading("长期", "chang qi")
'chángqī'
>>> display_reading("ETF联接基金", "etf lian jie ji jin")
'ETF liánjiējījīn'
>>> english_key("The Repo Rate")
'repo rate'
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from registry.search.folding import fold, split_runs
from registry.search.syllables import strip_tones
from terms.document.model import IndexGroup, IndexItem
from terms.pinyin import default_pinyin, load_phrases

ARTICLES = re.compile(r"^(the|an|a)\s+", re.IGNORECASE)
ASCII_RUN = re.compile(r"[A-Za-z0-9]+")
OTHER = "#"


def reading_of(text: str, stored: str | None) -> str:
    """The reading search indexes the term under: the stored (curated or derived) pinyin, else the default."""
    return stored or default_pinyin(text)


def pinyin_index(items: Iterable[tuple[str, str, str, str]]) -> list[IndexGroup]:
    """(term, tone-less reading, entry number, anchor) → groups A–Z, sorted by reading, then term."""
    keyed = sorted({(tuple(reading.split()), term, number, anchor) for term, reading, number, anchor in items})
    rows = [(_letter(" ".join(syl)), IndexItem(term, _shown(term, " ".join(syl)), number, anchor))
            for syl, term, number, anchor in keyed]
    return _grouped(rows)


def _shown(term: str, reading: str) -> str:
    shown = display_reading(term, reading)
    return "" if shown == term else shown


def english_index(items: Iterable[tuple[str, str, str]]) -> list[IndexGroup]:
    """(term, entry number, anchor) → groups A–Z, sorted ignoring case and a leading a/an/the."""
    keyed = sorted({(english_key(term), term, number, anchor) for term, number, anchor in items})
    return _grouped([(_letter(key), IndexItem(term, "", number, anchor)) for key, term, number, anchor in keyed])


def english_key(term: str) -> str:
    return ARTICLES.sub("", term.strip()).casefold()


def display_reading(text: str, reading: str) -> str:
    """`reading` (tone-less syllables) with tone marks, syllables of a word joined (yínháng, xī'ān)."""
    units = _units(text)
    syllables = reading.split()
    if len(units) != len(syllables):
        return reading
    out = ""
    for (char, toned), syllable in zip(units, syllables, strict=True):
        if char is None:
            out += (" " if out else "") + toned + " "
            continue
        shown = toned if strip_tones(toned) == syllable else _toned_syllable(char, syllable)
        out += ("'" if out and not out.endswith(" ") and shown[:1] in "aoeāáǎàōóǒòēéěè" else "") + shown
    return out.strip()


def _units(text: str) -> list[tuple[str | None, str]]:
    """(character, toned syllable) per Chinese character; (None, original ASCII run) per other token."""
    ascii_runs = iter(ASCII_RUN.findall(text))
    units: list[tuple[str | None, str]] = []
    for run, is_cjk in split_runs(fold(text)):
        if is_cjk:
            units.extend(zip(run, _toned_run(run), strict=True))
        else:
            units.append((None, next(ascii_runs, run)))
    return units


@lru_cache(maxsize=65536)
def _toned_run(run: str) -> tuple[str, ...]:
    load_phrases()  # the finance phrases (data/pinyin_phrases.txt) carry tone marks
    syllables = lazy_pinyin(run, style=Style.TONE, errors=lambda chars: [""] * len(chars))
    return tuple(syllables) if len(syllables) == len(run) else tuple("" for _ in run)


@lru_cache(maxsize=65536)
def _toned_syllable(char: str, syllable: str) -> str:
    """The reading of `char` whose tone-less form is `syllable` (a curated reading), else `syllable`."""
    for candidate in pinyin_dict.get(ord(char), "").split(","):
        if candidate and strip_tones(candidate) == syllable:
            return candidate
    return syllable


def _letter(key: str) -> str:
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else OTHER


def _grouped(rows: list[tuple[str, IndexItem]]) -> list[IndexGroup]:
    groups: dict[str, list[IndexItem]] = {}
    for letter, item in sorted(rows, key=lambda row: row[0] != OTHER):
        groups.setdefault(letter, []).append(item)
    return [IndexGroup(letter, items) for letter, items in groups.items()]
