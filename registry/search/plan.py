"""A user's query, folded once and cut into what each match class looks up.

Query text is only ever text: quotes, ``*``, ``:``, brackets and ``AND`` are folded like any other
characters (punctuation separates words, ``and`` is a stop word), never parsed as syntax.

>>> p = plan("證券登記")
>>> p.folded, p.name_grams, p.text_pairs
('证券登记', ['证券', '券登', '登记'], ['证券', '券登', '登记'])
>>> p = plan("Zheng Quan")
>>> p.words, p.letters, [str(s) for s in p.segmentations][:2]
(['zheng', 'quan'], 'zhengquan', ['zheng|quan', 'zheng|qu|an'])
>>> plan("margin AND (trading*)").words, plan("margin").segmentations
(['margin', 'trading'], [])
"""

from dataclasses import dataclass, field

from registry.search.analyzers import cjk_pairs, query_words
from registry.search.folding import fold, split_runs
from registry.search.syllables import INITIALS2, Segmentation, completions, segment

MAX_QUERY = 1000
FUZZY_MIN = 5


@dataclass(frozen=True)
class Plan:
    folded: str
    has_cjk: bool
    compact: str = ""  # a Chinese query without spaces, as names are compared
    name_grams: list[str] = field(default_factory=list)  # AND over field g (Chinese substring)
    text_pairs: list[str] = field(default_factory=list)  # AND over field tc (Chinese definition words)
    words: list[str] = field(default_factory=list)  # latin words, stop words dropped
    letters: str = ""  # the query's letters (spaces dropped) when it has letters only: maybe pinyin
    segmentations: list[Segmentation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.folded and (self.has_cjk or self.words))


def plan(query: str) -> Plan:
    folded = fold(query[:MAX_QUERY])
    runs = split_runs(folded)
    has_cjk = any(is_cjk for _, is_cjk in runs)
    words = query_words(folded) if not has_cjk else [run for run, is_cjk in runs if not is_cjk]
    if has_cjk:
        compact = "".join(run for run, _ in runs)
        pairs = [p for run, is_cjk in runs if is_cjk and len(run) > 1 for p in cjk_pairs(run)]
        grams = [compact] if len(compact) == 1 else [compact[i:i + 2] for i in range(len(compact) - 1)]
        return Plan(folded, True, compact, _cover(grams), _cover(pairs), words)
    alpha = bool(runs) and all(run.isalpha() for run, _ in runs)
    letters = "".join(run for run, _ in runs) if alpha else ""
    segmentations = segment(" ".join(run for run, _ in runs)) if alpha else []
    return Plan(folded, False, "", [], [], words, letters, segmentations)


def _cover(grams: list[str]) -> list[str]:
    """Unique grams, in order: AND over them is the same as over all, with fewer look-ups."""
    return list(dict.fromkeys(grams))


def constraints(seg: Segmentation) -> list[list[str]]:
    """Per constrained unit, the ``s``-field tokens of which one must be present. The last unit may
    be the start of a longer syllable (``zhengqu`` → zheng quan)."""
    found = []
    last = len(seg.units) - 1
    for position, unit in enumerate(seg.units):
        if unit.kind == "part" or (unit.kind == "syl" and position == last):
            found.append([f"{position}{s}" for s in completions(unit.text)])
        elif unit.kind == "syl" or unit.text in INITIALS2:
            found.append([f"{position}{unit.text}"])
    return found


def whole_token(seg: Segmentation) -> str | None:
    """The ``s``-field token the last unit needs to be a whole syllable (None when any will do)."""
    unit = seg.units[-1]
    return f"{len(seg.units) - 1}{unit.text}" if unit.kind == "syl" else None


def is_fuzzy_candidate(word: str) -> bool:
    return len(word) >= FUZZY_MIN and word.isalpha()


def reads_as(seg: Segmentation, choices: str, *, other: bool, whole: bool) -> bool:
    """Whether a name with reading `choices` (analyzers.reading_choices) matches the segmentation: on
    its main reading, or with `other` on any reading of each position; all of it when `whole`.

    >>> seg = segment("yinxingj")[0]
    >>> reads_as(seg, "yin hang/xing jian", other=False, whole=False)
    False
    >>> reads_as(seg, "yin hang/xing jian", other=True, whole=False)
    True
    """
    positions = choices.split(" ") if choices else []
    count = len(seg.units)
    if len(positions) < count or (whole and len(positions) != count):
        return False
    for index, unit in enumerate(seg.units):
        options = positions[index].split("/")
        pool = options if other else options[:1]
        exact = unit.kind == "syl" and (index < count - 1 or whole)
        if not any(o == unit.text if exact else o.startswith(unit.text) for o in pool):
            return False
    return True
