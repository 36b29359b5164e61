"""Pinyin syllables: tone stripping, reading units, and the segmentation of a typed pinyin query.

A reading is tone-less lowercase syllables separated by spaces, ü written v ("lv se zhai quan"). A user
types it whole (``zhengquan``), spaced (``zheng quan``), as initials (``zq``), or mixed (``zhengq``): a
query is cut into *units*, each a full syllable, an initial (one letter, or zh/ch/sh), or — last only —
the start of a syllable. Segmentations with the fewest units come first, and there are at most
`MAX_SEGMENTATIONS` of them.

>>> strip_tones("lǜ sè zhài quàn")
'lv se zhai quan'
>>> reading_units("etf ji jin")
['e', 't', 'f', 'ji', 'jin']
>>> [str(s) for s in segment("zhengqdj")][:2]
['zheng|q|d|j', 'zhen|g|q|d|j']
>>> str(segment("zheng quan")[0])
'zheng|quan'
>>> segment("margin")
[]
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_SEGMENTATIONS = 8
MAX_UNITS = 16
INITIALS2 = ("zh", "ch", "sh")
_NOT_INITIAL = frozenset("iuv")
_SEPARATORS = re.compile(r"[\s'’]+")


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every tone-less syllable pypinyin knows (about 420), ü written v."""
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(strip_tones(r) for value in pinyin_dict.values() for r in value.split(","))


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for syl in sorted(syllables()):
        for end in range(1, len(syl) + 1):
            table.setdefault(syl[:end], []).append(syl)
    return {prefix: tuple(found) for prefix, found in table.items()}


def completions(prefix: str) -> tuple[str, ...]:
    """Syllables that start with `prefix` (empty when none does)."""
    return _prefixes().get(prefix, ())


@lru_cache(maxsize=4096)
def strip_tones(text: str) -> str:
    """Drop tone marks, write ü (or u:) as v, lowercase."""
    text = unicodedata.normalize("NFD", text.lower().replace("u:", "v"))
    text = text.replace("u\u0308", "v")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def reading_units(reading: str) -> list[str]:
    """The units of a reading: syllables as they are, other tokens (ETF, A) one letter each."""
    units: list[str] = []
    for token in reading.split():
        if token in syllables() or not token.isalpha():
            units.append(token)
        else:
            units.extend(token)
    return units[:MAX_UNITS]


@dataclass(frozen=True)
class Unit:
    text: str
    kind: str  # "syl" (full syllable), "ini" (initial), "part" (start of a syllable, last unit only)

    @property
    def initial(self) -> str:
        return self.text[0]


@dataclass(frozen=True)
class Segmentation:
    units: tuple[Unit, ...]

    def __str__(self) -> str:
        return "|".join(u.text for u in self.units)

    @property
    def initials(self) -> str:
        return "".join(u.initial for u in self.units)

    @property
    def can_be_whole(self) -> bool:
        """False when the last unit is only the start of a syllable (it can then only be a prefix)."""
        return self.units[-1].kind != "part"


def _units_at(chunk: str, i: int, last_chunk: bool) -> list[Unit]:
    # A one-letter syllable (a, e, o) is covered by the initial of the same letter.
    found = [Unit(chunk[i:j], "syl") for j in range(min(len(chunk), i + 6), i + 1, -1)
             if chunk[i:j] in syllables()]
    if chunk[i:i + 2] in INITIALS2:
        found.append(Unit(chunk[i:i + 2], "ini"))
    if chunk[i] not in _NOT_INITIAL and chunk[i].isalpha():
        found.append(Unit(chunk[i], "ini"))
    rest = chunk[i:]
    whole = rest in syllables() or rest in INITIALS2
    if last_chunk and len(rest) > 1 and not whole and completions(rest):
        found.append(Unit(rest, "part"))
    return found


def _chunk_segmentations(chunk: str, last_chunk: bool, cap: int) -> list[tuple[Unit, ...]]:
    n = len(chunk)
    options = [_units_at(chunk, i, last_chunk) for i in range(n)]
    fewest = [0] * (n + 1)  # fewest units covering chunk[i:], or a big number when impossible
    for i in range(n - 1, -1, -1):
        fewest[i] = min((1 + fewest[i + len(u.text)] for u in options[i]), default=10**6)
    if fewest[0] > MAX_UNITS:
        return []
    budget = min(fewest[0] + 2, MAX_UNITS)
    found: list[tuple[Unit, ...]] = []

    def walk(i: int, acc: tuple[Unit, ...]) -> None:
        if len(found) >= cap * 4:
            return
        if i == n:
            found.append(acc)
            return
        for unit in options[i]:
            j = i + len(unit.text)
            if len(acc) + 1 + fewest[j] <= budget:
                walk(j, (*acc, unit))

    walk(0, ())
    return sorted(found, key=len)[:cap]


def segment(query: str, cap: int = MAX_SEGMENTATIONS) -> list[Segmentation]:
    """Segmentations of a folded ASCII query into pinyin units, fewest units first ([] if none)."""
    chunks = [c for c in _SEPARATORS.split(query) if c]
    if not chunks or sum(map(len, chunks)) > 6 * MAX_UNITS:
        return []
    if not all(c.isascii() and c.isalpha() for c in chunks):
        return []
    combined: list[tuple[Unit, ...]] = [()]
    for index, chunk in enumerate(chunks):
        options = _chunk_segmentations(chunk, index == len(chunks) - 1, cap)
        if not options:
            return []
        combined = sorted((a + b for a in combined for b in options), key=len)[:cap]
    return [Segmentation(units) for units in combined if len(units) <= MAX_UNITS]
