"""Search execution: match classes per segment, the best class per revision, filters, rank, page.

Match classes, best first (a revision counts once, in its best class):

0 the query is a primary name · 1 it is another name · 2 a name starts with it · 3 it is a name's
whole pinyin (full, initials or mixed) · 4 a Chinese name contains it / an English name has its words
(the last one as a typed prefix) · 5 a name's pinyin starts with it · 6 its syllables match a name
whose heteronyms are read another way · 7 definitions and notes contain it · 8 one typo away from an
English word · 9 one typo away from a whole pinyin reading.

Inside a class the domain's rank key decides (approved before draft, then entry number). Work is
done per segment on document numbers; only the page's hits are read back.
"""

import heapq
from dataclasses import dataclass, field
from typing import Any

from registry.search.analyzers import stem
from registry.search.fuzzy import one_edit
from registry.search.highlight import excerpt, mark
from registry.search.plan import Plan, constraints, is_fuzzy_candidate, reads_as, whole_token
from registry.search.postings import doc_ids, with_prefix
from registry.search.segments import SegmentView, Snapshot

(T_EXACT, T_EXACT_OTHER, T_PREFIX, T_PINYIN, T_SUBSTRING, T_PINYIN_PREFIX, T_PINYIN_ALT, T_TEXT,
 T_FUZZY, T_FUZZY_PINYIN) = range(10)
ALL_TIERS = tuple(range(10))
SUGGEST_TIERS = (T_EXACT, T_EXACT_OTHER, T_PREFIX, T_PINYIN, T_PINYIN_PREFIX)
PINYIN_TIERS = frozenset({T_PINYIN, T_PINYIN_PREFIX, T_PINYIN_ALT, T_FUZZY_PINYIN})
PREFIX_CAP = 64  # tokens a typed English prefix may expand to in one segment
VERIFY_LIMIT = 512  # pinyin candidates checked against in-memory readings rather than posting lists


@dataclass(frozen=True)
class Filters:
    facets: tuple[tuple[str, str], ...] = ()  # (("status", "approved"), ("part", "3"))
    lang: str | None = None  # names in this language only; texts: "en" English only, other: Chinese only
    release: int | None = None  # revisions held by this release instead of live ones
    hidden: tuple[tuple[str, frozenset[str]], ...] = ()  # facet values left out unless asked for


@dataclass
class Hit:
    key: int
    group: int
    tier: int
    payload: dict[str, Any]
    matched_name: str | None
    matched_lang: str | None
    matched_field: str
    snippet: str


@dataclass
class Result:
    total: int
    hits: list[Hit] = field(default_factory=list)


class _Segment:
    """One segment's matches for one query, computed class by class on demand."""

    def __init__(self, view: SegmentView, plan: Plan, filters: Filters) -> None:
        self.view, self.plan, self.lang = view, plan, filters.lang
        self.excluded = view.excluded(filters.release, filters.facets, filters.hidden)
        self.cache: dict[tuple[str, str], set[int]] = {}
        self.names: dict[int, set[int]] = {}  # class → matching name documents
        self.seen: set[int] = set()  # text documents already in a better class

    def ids(self, field_name: str, token: str) -> set[int]:
        key = (field_name, token)
        if key not in self.cache:
            self.cache[key] = set(doc_ids(self.view.reader, field_name, token))
        return self.cache[key]

    def all_of(self, field_name: str, tokens: list[str]) -> set[int]:
        found: set[int] | None = None
        for token in tokens:
            found = set(self.ids(field_name, token)) if found is None else found & self.ids(field_name, token)
            if not found:
                return set()
        return found or set()

    def prefixed(self, field_name: str, prefix: str) -> set[int]:
        found: set[int] = set()
        for _, ids in with_prefix(self.view.reader, field_name, prefix, PREFIX_CAP):
            found.update(ids)
        return found

    def within_one(self, field_name: str, word: str) -> set[int]:
        found: set[int] = set()
        for token in self.view.vocabulary(field_name) & one_edit(word):
            found |= self.ids(field_name, token)
        return found

    def tier(self, tier: int) -> set[int]:
        """Text documents whose best match is `tier`, filtered; remembers them as seen."""
        if tier == T_TEXT:
            docs = _text(self, self.plan, self.lang)
        else:
            names = self._names(tier)
            if self.lang is not None:
                names = {d for d in names if self.view.langs[d] == self.lang}
            self.names[tier] = names
            docs = set(map(self.view.text_of.__getitem__, names))
        docs = _minus(_minus(docs, self.seen), self.excluded)
        self.seen |= docs
        return docs

    def _names(self, tier: int) -> set[int]:
        plan = self.plan
        if tier in (T_EXACT, T_EXACT_OTHER, T_PREFIX):
            return self._starting(tier)
        if tier == T_SUBSTRING:
            return _contains(self, plan) if plan.has_cjk else _words(self, plan.words)
        if tier in (T_PINYIN, T_PINYIN_PREFIX):
            return _pinyin(self, plan)[tier == T_PINYIN_PREFIX] if plan.letters else set()
        if tier == T_PINYIN_ALT:
            return _pinyin_other(self, plan)
        if tier == T_FUZZY:
            return _fuzzy_words(self, plan)
        return self.within_one("f", plan.letters) if is_fuzzy_candidate(plan.letters) else set()

    def _starting(self, tier: int) -> set[int]:
        if "starting" not in self.__dict__:
            plan = self.plan
            equal, longer = self.view.names_starting(plan.compact if plan.has_cjk else plan.folded)
            primary = {d for d in equal if self.view.is_primary(d)}
            self.starting = (primary, set(equal) - primary, set(longer))
        return set(self.starting[tier])


def _minus(docs: set[int], other: set[int] | frozenset[int]) -> set[int]:
    """`docs` without `other`, in time proportional to the smaller of the two."""
    if len(other) < len(docs):
        docs.difference_update(other)
        return docs
    return docs - other


def _contains(seg: _Segment, plan: Plan) -> set[int]:
    """Chinese names holding every character pair of the query; checked in full beyond two characters."""
    found = seg.all_of("g", plan.name_grams)
    if len(plan.compact) > 2:
        folded = seg.view.folded
        found = {d for d in found if folded[d] is not None and plan.compact in folded[d].replace(" ", "")}
    return found


def _words(seg: _Segment, words: list[str]) -> set[int]:
    """Names with every word (stemmed), the last also as a typed prefix."""
    if not words:
        return set()
    found = seg.ids("w", stem(words[-1])) | seg.prefixed("w", words[-1])
    for word in words[:-1]:
        if not found:
            break
        found = found & seg.ids("w", stem(word))
    return found


def _syllables(seg: _Segment, unit_seg, fields: tuple[str, ...], start: set[int] | None) -> set[int]:
    """`start` (or everything) narrowed by the segmentation's syllable constraints."""
    found = start
    for options in constraints(unit_seg):
        if found is not None and not found:
            break
        ids: set[int] = set()
        for token in options:
            for field_name in fields:
                ids |= seg.ids(field_name, token)
        found = ids if found is None else found & ids
    return found or set()


def _verified(seg: _Segment, unit_seg, candidates: set[int], *, other: bool, whole: bool) -> set[int]:
    choices = seg.view.choices
    return {d for d in candidates if reads_as(unit_seg, choices[d], other=other, whole=whole)}


def _pinyin(seg: _Segment, plan: Plan) -> tuple[set[int], set[int]]:
    """(whole-reading matches, reading-prefix matches) on names' main readings, computed once.

    Few candidates (a long run of initials) are checked against the readings held in memory; many
    are narrowed by the positioned-syllable posting lists."""
    if "pinyin" not in seg.__dict__:
        whole = set(seg.ids("f", plan.letters))
        prefix: set[int] = set()
        for unit_seg in plan.segmentations:
            candidates = set(seg.ids("i", unit_seg.initials))
            if len(candidates) <= VERIFY_LIMIT:
                found = _verified(seg, unit_seg, candidates, other=False, whole=False)
                prefix |= found
                if unit_seg.can_be_whole:
                    whole |= _verified(seg, unit_seg, found, other=False, whole=True)
                continue
            found = _syllables(seg, unit_seg, ("s",), candidates)
            prefix |= found
            if found and unit_seg.can_be_whole:
                exact = whole_token(unit_seg)
                whole_found = found & seg.ids("s", f"#{len(unit_seg.units)}")
                whole |= whole_found & seg.ids("s", exact) if exact else whole_found
        seg.pinyin = (whole, prefix)
    return seg.pinyin


def _pinyin_other(seg: _Segment, plan: Plan) -> set[int]:
    """Names whose syllables match when heteronyms may be read another way: candidates from the
    rarest typed syllable, checked in memory when few."""
    found: set[int] = set()
    for unit_seg in plan.segmentations:
        if not any(u.kind == "syl" for u in unit_seg.units):
            continue
        rarest = min(constraints(unit_seg), key=lambda options: _frequency(seg, options))
        candidates: set[int] = set()
        for token in rarest:
            candidates |= seg.ids("s", token) | seg.ids("sa", token)
        if len(candidates) <= VERIFY_LIMIT:
            found |= _verified(seg, unit_seg, candidates, other=True, whole=False)
        else:
            found |= _syllables(seg, unit_seg, ("s", "sa"), candidates)
    return found


def _frequency(seg: _Segment, tokens: list[str]) -> int:
    reader = seg.view.reader
    return sum(reader.doc_frequency(f, t) for t in tokens for f in ("s", "sa"))


def _text(seg: _Segment, plan: Plan, lang: str | None) -> set[int]:
    if plan.has_cjk:
        return seg.all_of("tc", plan.text_pairs) if plan.text_pairs and lang != "en" else set()
    if lang not in (None, "en") or not plan.words:
        return set()
    return seg.all_of("tw", [stem(w) for w in plan.words])


def _fuzzy_words(seg: _Segment, plan: Plan) -> set[int]:
    """Names whose words match with one typo in each word of five letters or more."""
    if plan.has_cjk or not any(is_fuzzy_candidate(w) for w in plan.words):
        return set()
    found: set[int] | None = None
    for word in plan.words:
        ids = seg.within_one("w", word) if is_fuzzy_candidate(word) else set()
        if len(plan.words) > 1:
            ids = ids | seg.ids("w", stem(word))
        found = ids if found is None else found & ids
        if not found:
            return set()
    return found or set()


def search(snapshot: Snapshot, plan: Plan, filters: Filters, *, limit: int, offset: int = 0,
           tiers: tuple[int, ...] = ALL_TIERS, count: bool = True) -> Result:
    """Hits `offset` .. `offset + limit` of the query, best class first, and the total (when `count`)."""
    if plan.empty:
        return Result(0)
    wanted = offset + limit
    segments = [_Segment(view, plan, filters) for view in snapshot.views]
    ranked: list[tuple[int, _Segment, int]] = []
    total = 0
    for tier in tiers:
        if not count and len(ranked) >= wanted:
            break
        found = [(seg, seg.tier(tier)) for seg in segments]
        total += sum(len(docs) for _, docs in found)
        if len(ranked) < wanted:
            ranked += [(tier, seg, d) for seg, d in _best(found, wanted - len(ranked))]
    return Result(total, [_hit(plan, tier, seg, d) for tier, seg, d in ranked[offset:wanted]])


def _best(found: list[tuple[_Segment, set[int]]], count: int) -> list[tuple[_Segment, int]]:
    """The `count` best-ranked text documents over all segments."""
    candidates = [(seg.view.tables.revisions[d].rank, i, d, seg)
                  for i, (seg, docs) in enumerate(found) if docs for d in seg.view.best(docs, count)]
    return [(seg, d) for _, _, d, seg in heapq.nsmallest(count, candidates, key=lambda c: c[:3])]


def _hit(plan: Plan, tier: int, seg: _Segment, docnum: int) -> Hit:
    view = seg.view
    rev = view.tables.revisions[docnum]
    stored = view.payload(docnum)
    payload = {k: v for k, v in stored.items() if not k.startswith("_")}
    if tier == T_TEXT:
        label, snippet = _text_snippet(plan, stored.get("_texts") or [])
        return Hit(rev.key, rev.group, tier, payload, None, None, label, snippet)
    docs = [d for d in view.names_of.get(docnum, ()) if d in seg.names.get(tier, ())]
    best = min(docs, key=lambda d: (not view.is_primary(d), view.name_index(d)))
    name, lang = stored["_names"][view.name_index(best)]
    pinyin = tier in PINYIN_TIERS
    snippet = mark(name, "", whole=True) if pinyin else (
        excerpt(name, plan.folded, _marks(plan), width=len(name)) or mark(name, plan.folded))
    return Hit(rev.key, rev.group, tier, payload, name, lang, "pinyin" if pinyin else "term", snippet)


def _text_snippet(plan: Plan, texts: list) -> tuple[str, str]:
    needle = plan.folded if plan.has_cjk else ""
    for label, text in texts:
        found = excerpt(text, needle, _marks(plan))
        if found is not None:
            return label, found
    return (texts[0][0], mark(texts[0][1][:80], "")) if texts else ("definition", "")


def _marks(plan: Plan) -> list[str]:
    """What to highlight for latin words: the part a word shares with its stem (trad for trading)."""
    found = []
    for word in plan.words:
        stemmed = stem(word)
        common = next((i for i, (a, b) in enumerate(zip(word, stemmed, strict=False)) if a != b),
                      min(len(word), len(stemmed)))
        found.append(word[:max(common, 1)])
    return found
