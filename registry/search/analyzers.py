"""Lean analyzers: the index tokens of one name or one body of text, field by field.

Each field serves one query class, so a query is a handful of exact token look-ups; the folded name
itself is kept in a column, and exact and prefix matches are confirmed against it in memory.

| field | tokens | query class |
|---|---|---|
| ``g`` | a Chinese name's characters and character pairs | Chinese exact, prefix, substring |
| ``w`` | English words, stemmed and as written | English exact, prefix, words |
| ``i`` | pinyin initials prefixes: ``z``, ``zq`` | initials, mixed pinyin |
| ``s`` | a syllable at its position (``1quan``), ``#`` + the syllable count | full and mixed pinyin |
| ``sa`` | other readings' syllables at their positions (``1xing`` for 银行) | heteronyms read another way |
| ``f`` | the whole reading without spaces | whole pinyin, pinyin typos |
| ``tc`` ``tw`` | character pairs and English words of definitions and notes | definition text |

>>> sorted(name_tokens("证券公司", ("zheng quan gong si",))["s"])
['#4', '0zh', '0zheng', '1quan', '2gong', '3si']
>>> sorted(name_tokens(fold("Margin Trading"), ())["w"])
['margin', 'trade', 'trading']
>>> cjk_pairs("做市商")
['做市', '市商']
"""

from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

from registry.search.folding import LATIN_WORD, fold, split_runs
from registry.search.syllables import INITIALS2, reading_units

STOP_WORDS = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it",
                        "of", "on", "or", "that", "the", "their", "this", "to", "which", "with"})


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _porter_stem(word)


def cjk_pairs(run: str) -> list[str]:
    """Overlapping character pairs of a run of Chinese characters (the run itself if shorter)."""
    return [run[i:i + 2] for i in range(len(run) - 1)] or [run]


def word_tokens(words: list[str]) -> list[str]:
    """Stems and, where different, the words as written (so that a typed prefix still matches)."""
    found: list[str] = []
    for word in words:
        if word in STOP_WORDS:
            continue
        stemmed = stem(word) if word.isalpha() else word
        found.append(stemmed)
        if stemmed != word:
            found.append(word)
    return found


def name_tokens(key: str, readings: tuple[str, ...]) -> dict[str, list[str]]:
    """Tokens of one folded name per field; `readings` = its reading first, then other plausible ones."""
    runs = split_runs(key)
    tokens: dict[str, list[str]] = {}
    if any(is_cjk for _, is_cjk in runs):
        compact = key.replace(" ", "")
        tokens["g"] = list({*compact, *(compact[i:i + 2] for i in range(len(compact) - 1))})
    words = [run for run, is_cjk in runs if not is_cjk]
    if words:
        tokens["w"] = list(set(word_tokens(words)))
    if readings:
        tokens.update(reading_tokens(readings[0]))
        main = set(tokens["s"])
        tokens["sa"] = list({f"{i}{u}" for r in readings[1:] for i, u in enumerate(reading_units(r))} - main)
    return {field: found for field, found in tokens.items() if found}


def reading_choices(readings: tuple[str, ...]) -> str:
    """The syllables each position may be read as, main reading first: ``yin hang/xing/heng jian``.

    >>> reading_choices(("yin hang", "yin xing", "yin"))
    'yin hang/xing'
    """
    if not readings:
        return ""
    positions = [[unit] for unit in reading_units(readings[0])]
    for other in readings[1:]:
        units = reading_units(other)
        if len(units) == len(positions):
            for options, unit in zip(positions, units, strict=True):
                if unit not in options:
                    options.append(unit)
    return " ".join("/".join(options) for options in positions)


def reading_tokens(reading: str) -> dict[str, list[str]]:
    """Pinyin tokens of one reading: initials prefixes, positioned syllables, the whole reading."""
    units = reading_units(reading)
    initials = "".join(u[0] for u in units)
    positioned = [f"{i}{u}" for i, u in enumerate(units)]
    positioned += [f"{i}{u[:2]}" for i, u in enumerate(units) if u[:2] in INITIALS2 and len(u) > 2]
    return {
        "i": [initials[:end] for end in range(1, len(initials) + 1)],
        "s": [*positioned, f"#{len(units)}"],
        "f": ["".join(units)],
    }


def text_tokens(texts: list[str]) -> dict[str, list[str]]:
    """Tokens of definitions and notes: Chinese character pairs and English words."""
    pairs: set[str] = set()
    words: list[str] = []
    for text in texts:
        for run, is_cjk in split_runs(fold(text)):
            if is_cjk:
                pairs.update(cjk_pairs(run) if len(run) > 1 else ())
            else:
                words.append(run)
    tokens = {"tc": list(pairs), "tw": list(set(word_tokens(words)))}
    return {field: found for field, found in tokens.items() if found}


def query_words(folded: str) -> list[str]:
    """The latin words of a folded query, stop words dropped unless nothing else is left."""
    words = LATIN_WORD.findall(folded)
    kept = [w for w in words if w not in STOP_WORDS]
    return kept or words
