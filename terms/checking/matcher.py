"""The term base as one multi-pattern automaton (pyahocorasick), scanned leftmost-longest.

Each folded term form is one pattern whose value is a form number; per form, `refs` holds who uses it —
(concept index, term status, English or not) packed into one integer — since one form may name several
concepts (a deprecated term of one concept may be the preferred term of another). Concept facts are kept
compactly (arrays and one joined string per concept): the automaton and its tables for 100,000 concepts
stay within the memory the issue allows per worker.

English forms and abbreviations (ISIN, QFII) match on word boundaries only; a longest match that breaks a
boundary, or whose concepts are all filtered out, gives way to the longest shorter form starting at the same
place, and the scan resumes after it.

>>> base = build([ConceptFacts(7, 3, "3.1.2", "approved", None, "融资融券", "margin trading", "借钱买券。",
...               [("融资融券", "preferred", "zh-CN"), ("两融", "admitted", "zh-CN"),
...                ("Margin Trading", "preferred", "en")])], label=None)
>>> [(s, e, base.form_refs(f)[0][1]) for s, e, f in base.scan("两融即融资融券 (margin trading)")]
[(0, 2, 'admitted'), (3, 7, 'preferred'), (9, 23, 'preferred')]
>>> list(base.scan("remargin trading"))
[]
"""

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import ahocorasick

from terms.checking.normalise import WORD_CHARS, fold_many

STATUSES = ("preferred", "admitted", "superseded", "deprecated")  # ranked: the first applicable ref wins
_RANK = {s: i for i, s in enumerate(STATUSES)}
LANGS = ("zh-CN", "zh-TW", "zh-HK", "en")
MIN_FORM = 2  # shorter forms (one character) are not matched: they would flood a document
SHORT_DEFINITION = 80
BATCH = 4096  # term texts folded at a time
_SEP = "\x1f"


@dataclass
class ConceptFacts:
    """What the checker needs of one concept (from its snapshot)."""

    concept_id: int
    part: int
    entry_number: str
    status: str
    superseded_by: int | None
    preferred_zh: str | None
    preferred_en: str | None
    definition: str | None
    terms: list[tuple[str, str, str]]  # (text, status, lang)


@dataclass
class Concept:
    concept_id: int
    part: int
    entry_number: str
    deprecated: bool
    superseded_by: int | None
    preferred_zh: str | None
    preferred_en: str | None
    definition: str | None


@dataclass
class TermBase:
    """One state of the term base (the live state or a release), ready to scan."""

    label: str | None  # the release name; None for the live state
    automaton: ahocorasick.Automaton
    lengths: array
    refs: array
    more: dict[int, tuple[int, ...]]
    ids: array
    parts: array
    successors: array
    facts: list[str]
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    index: dict[int, int] = field(default_factory=dict)  # concept id -> concept index

    @property
    def concepts(self) -> int:
        return len(self.ids)

    @property
    def forms(self) -> int:
        return len(self.lengths)

    def concept(self, idx: int) -> Concept:
        entry, zh, en, definition, deprecated = self.facts[idx].split(_SEP)
        successor = self.successors[idx]
        return Concept(self.ids[idx], self.parts[idx], entry, deprecated == "1", successor or None,
                       zh or None, en or None, definition or None)

    def concept_by_id(self, concept_id: int) -> Concept | None:
        idx = self.index.get(concept_id)
        return None if idx is None else self.concept(idx)

    def form_refs(self, form: int) -> list[tuple[int, str, bool]]:
        """(concept index, term status, English?) of every use of `form`, best first."""
        return [(ref >> 3, STATUSES[(ref >> 1) & 3], bool(ref & 1))
                for ref in (self.refs[form], *self.more.get(form, ()))]

    def form_parts(self, form: int) -> set[int]:
        return {self.parts[ref >> 3] for ref in (self.refs[form], *self.more.get(form, ()))}

    def scan(self, text: str, accept: Callable[[int], bool] | None = None) -> Iterator[tuple[int, int, int]]:
        """(start, end, form) of the leftmost-longest matches in folded `text` that keep word boundaries and
        that `accept` takes."""
        if not self.lengths:
            return
        pos, size = 0, len(text)
        while pos < size:
            for last, form in self.automaton.iter_long(text, pos):
                end = last + 1
                start = end - self.lengths[form]
                if self._fits(text, start, end, form) and (accept is None or accept(form)):
                    yield start, end, form
                    continue
                shorter = self._shorter(text, start, end, accept)
                if shorter is not None:
                    yield start, shorter[0], shorter[1]
                pos = shorter[0] if shorter else start + 1
                break
            else:
                return

    def _fits(self, text: str, start: int, end: int, form: int) -> bool:
        """An English form (or abbreviation) must not continue a word on either side."""
        if start > 0 and text[start] in WORD_CHARS and text[start - 1] in WORD_CHARS:
            return False
        return not (end < len(text) and text[end - 1] in WORD_CHARS and text[end] in WORD_CHARS)

    def _shorter(self, text: str, start: int, end: int,
                 accept: Callable[[int], bool] | None) -> tuple[int, int] | None:
        """The longest acceptable form starting at `start` and ending before `end`, as (end, form)."""
        best = None
        for last, form in self.automaton.iter(text, start, end - 1):
            stop = last + 1
            if stop - self.lengths[form] == start and self._fits(text, start, stop, form) \
                    and (accept is None or accept(form)) and (best is None or stop > best[0]):
                best = (stop, form)
        return best


def build(concepts: Iterable[ConceptFacts], *, label: str | None) -> TermBase:
    """The TermBase of `concepts` (a release's or the live state's). Forms go into the automaton as they are
    folded, a batch at a time: no table of every form is ever held beside it (memory per worker)."""
    base = TermBase(label, ahocorasick.Automaton(ahocorasick.STORE_INTS), array("H"), array("q"), {},
                    array("i"), array("H"), array("i"), [])
    texts: list[str] = []
    uses: list[int] = []
    for idx, concept in enumerate(concepts):
        base.ids.append(concept.concept_id)
        base.parts.append(concept.part)
        base.successors.append(concept.superseded_by or 0)
        base.facts.append(_joined(concept))
        base.index[concept.concept_id] = idx
        for text, status, lang in concept.terms:
            if lang in LANGS and status in _RANK:
                texts.append(text)
                uses.append(idx << 3 | _RANK[status] << 1 | (lang == "en"))
        if len(texts) >= BATCH:
            _add_forms(base, texts, uses)
            texts, uses = [], []
    _add_forms(base, texts, uses)
    if base.lengths:
        base.automaton.make_automaton()
    return base


def _add_forms(base: TermBase, texts: list[str], uses: list[int]) -> None:
    for key, use in zip(fold_many(texts), uses, strict=True):
        if len(key) < MIN_FORM:
            continue
        form = base.automaton.get(key, -1)
        if form < 0:
            base.automaton.add_word(key, len(base.lengths))
            base.lengths.append(len(key))
            base.refs.append(use)
            continue
        known = {base.refs[form], *base.more.get(form, ()), use}
        ranked = sorted(known, key=lambda ref: ((ref >> 1) & 3, ref >> 3))  # by status rank, then concept
        base.refs[form] = ranked[0]
        if len(ranked) > 1:
            base.more[form] = tuple(ranked[1:])


def _joined(concept: ConceptFacts) -> str:
    definition = (concept.definition or "")[:SHORT_DEFINITION]
    fields = (concept.entry_number, concept.preferred_zh or "", concept.preferred_en or "", definition,
              "1" if concept.status == "deprecated" else "0")
    return _SEP.join(f.replace(_SEP, " ") for f in fields)
