"""拼音 (pinyin) readings of Chinese terms: the phrase-aware default, other plausible readings, initials.

A reading is lowercase tone-less syllables separated by single spaces, ü written v (pypinyin's
convention); letters and digits in a term stay as lowercase ASCII tokens. Traditional characters and
full-width forms are folded first (registry.search.folding), so 銀行 reads like 银行.

pypinyin's phrase dictionary reads most heteronyms right (银行 yín háng, 长期 cháng qī); the finance
phrases it still gets wrong are corrected by data/pinyin_phrases.txt, loaded once by `load_phrases`.

>>> default_pinyin("银行间")
'yin hang jian'
>>> default_pinyin("還款")
'huan kuan'
>>> default_pinyin("ETF联接基金")
'etf lian jie ji jin'
>>> "yin xing jian" in alternative_readings("银行间")
True
>>> initials("zheng quan deng ji")
'zqdj'
"""

import threading
from functools import lru_cache
from itertools import combinations, product
from pathlib import Path

from pypinyin import Style, lazy_pinyin, load_phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from registry.datafiles import data_path
from registry.search.folding import fold, split_runs
from registry.search.syllables import reading_units, strip_tones

PHRASES_FILE = data_path("pinyin_phrases.txt")
_loaded: set[Path] = set()
_lock = threading.Lock()


def load_phrases(path: Path = PHRASES_FILE) -> int:
    """Load a phrase file (``词语: pīn yīn``, ``#`` comments) into pypinyin, once; return its size."""
    with _lock:
        if path in _loaded:
            return 0
        phrases = parse_phrases(path.read_text(encoding="utf-8")) if path.exists() else {}
        load_phrases_dict(phrases)
        _loaded.add(path)
        _han_reading.cache_clear()
        return len(phrases)


def parse_phrases(text: str) -> dict[str, list[list[str]]]:
    """Parse phrase-file text into pypinyin's ``{phrase: [[syllable], ...]}`` form."""
    phrases: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        phrase, reading = (part.strip() for part in line.split(":", 1))
        syllables = reading.split()
        if phrase and len(syllables) == len(phrase):
            phrases[phrase] = [[s] for s in syllables]
    return phrases


def default_pinyin(text: str) -> str:
    """The phrase-aware reading of `text` (see the module docstring for the form)."""
    return " ".join(_default_units(text))


def alternative_readings(text: str, limit: int = 8, *, reading: str | None = None) -> list[str]:
    """Other plausible readings of `text`: each heteronym read another way, fewest changes first.

    `reading` is the reading to vary (the curated one, say); the default reading is used when it is
    absent or does not have one syllable per character. At most `limit` readings, never `reading`.
    """
    choices = _choices(text, reading)
    base = [options[0] for options in choices]
    varying = [i for i, options in enumerate(choices) if len(options) > 1]
    found: list[str] = []
    for count in range(1, len(varying) + 1):
        for positions in combinations(varying, count):
            for picks in product(*(choices[i][1:] for i in positions)):
                variant = list(base)
                for i, pick in zip(positions, picks, strict=True):
                    variant[i] = pick
                found.append(" ".join(variant))
                if len(found) >= limit:
                    return found
    return found


def initials(reading: str) -> str:
    """First letters of a reading's syllables; other tokens (ETF) contribute every letter."""
    return "".join(unit[0] for unit in reading_units(reading))


def _default_units(text: str) -> list[str]:
    units: list[str] = []
    for run, is_cjk in split_runs(fold(text)):
        units.extend(_han_reading(run) if is_cjk else (run,))
    return [u for u in units if u]


@lru_cache(maxsize=65536)
def _han_reading(run: str) -> tuple[str, ...]:
    load_phrases()
    syllables = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: [""] * len(chars))
    if len(syllables) != len(run):  # pypinyin keeps one syllable per character; guard anyway
        syllables = [(lazy_pinyin(ch, style=Style.NORMAL) or [""])[0] for ch in run]
    return tuple(strip_tones(s) if s.isascii() and s.isalpha() else "" for s in syllables)


def _choices(text: str, reading: str | None) -> list[tuple[str, ...]]:
    """Per reading unit: the unit first, then the other readings of its character."""
    units: list[tuple[str, str | None]] = []
    for run, is_cjk in split_runs(fold(text)):
        if is_cjk:
            units.extend(zip(_han_reading(run), run, strict=True))
        else:
            units.append((run, None))
    units = [(u, ch) for u, ch in units if u]
    given = reading.split() if reading else []
    if len(given) == len(units):
        units = [(g, ch) for g, (_, ch) in zip(given, units, strict=True)]
    return [(u, *_other_readings(ch, u)) if ch else (u,) for u, ch in units]


@lru_cache(maxsize=65536)
def _other_readings(char: str, current: str) -> tuple[str, ...]:
    found: list[str] = []
    for raw in pinyin_dict.get(ord(char), "").split(","):
        syllable = strip_tones(raw) if raw else ""
        if syllable and syllable != current and syllable not in found:
            found.append(syllable)
    return tuple(found)
