"""Findings: what each match means, at which offsets of the submitted text, and the document's summary.

Levels: a deprecated or superseded term, or any term of a deprecated concept, is an `error` naming the term to
use instead; an admitted term is `info` naming the preferred term; a preferred term is `recognised`, with its
entry number and short definition. A concept written in two or more forms (in one language) gets one
`consistency` finding listing the forms and their counts.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from terms.checking.matcher import TermBase
from terms.checking.normalise import Normalised, fold_term, utf16_offsets

LEVELS = ("error", "info", "recognised", "consistency")


@dataclass
class Ignore:
    """What the user marked as ignored for the rest of the document: whole concepts, or single forms."""

    concepts: set[int] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)  # folded

    @classmethod
    def of(cls, items: list[dict[str, Any]]) -> "Ignore":
        return cls({i["concept_id"] for i in items if i.get("concept_id") is not None},
                   {fold_term(i["form"]) for i in items if i.get("form")})


class Collector:
    """Turns (start, end, form) matches into findings; keeps what a concept's findings share."""

    def __init__(self, base: TermBase, text: str, norm: Normalised, *, parts: set[int] | None,
                 ignore: Ignore) -> None:
        self.base, self.text, self.norm, self.parts, self.ignore = base, text, norm, parts, ignore
        self.utf16 = utf16_offsets(text)
        self.shared: dict[int, dict[str, Any]] = {}  # by form
        self.english: set[int] = set()
        self.findings: list[dict[str, Any]] = []
        self.forms: dict[tuple[int, bool], dict[str, int]] = {}  # (concept id, English?) -> folded form counts
        self.first: dict[str, str] = {}
        self.ignored = 0

    def add(self, start: int, end: int, form: int) -> None:
        shared = self.shared.get(form) or self._share(form)
        key = self.norm.text[start:end]
        if shared["concept_id"] in self.ignore.concepts or key in self.ignore.forms:
            self.ignored += 1
            return
        lo, hi = self.norm.original(start), self.norm.original_end(end)
        u16 = self.utf16
        self.findings.append({**shared, "start": lo, "end": hi, "start_utf16": u16[lo] if u16 else lo,
                              "end_utf16": u16[hi] if u16 else hi, "form": self.text[lo:hi]})
        counts = self.forms.get(group := (shared["concept_id"], form in self.english))
        if counts is None:
            counts = self.forms[group] = {}
        if key in counts:
            counts[key] += 1
        else:
            counts[key] = 1
            self.first.setdefault(key, self.findings[-1]["form"])

    def _share(self, form: int) -> dict[str, Any]:
        """What every finding of `form` shares: its concept (the best use of the form the filters allow)."""
        refs = [r for r in self.base.form_refs(form) if self.parts is None or self.base.parts[r[0]] in self.parts]
        (idx, status, english), others = refs[0], refs[1:]
        if english:
            self.english.add(form)
        concept = self.base.concept(idx)
        preferred = (concept.preferred_en if english else None) or concept.preferred_zh
        use = None
        if concept.deprecated:
            level = "error"
            successor = self.base.concept_by_id(concept.superseded_by) if concept.superseded_by else None
            if successor is not None:
                use = {"term": (successor.preferred_en if english else None) or successor.preferred_zh,
                       "concept_id": successor.concept_id, "entry_number": successor.entry_number,
                       "part": successor.part}
        elif status in ("deprecated", "superseded"):
            level = "error"
            use = {"term": preferred, "concept_id": concept.concept_id, "entry_number": concept.entry_number,
                   "part": concept.part}
        else:
            level = "info" if status == "admitted" else "recognised"
        shared = {"kind": "term", "level": level, "concept_id": concept.concept_id, "part": concept.part,
                  "entry_number": concept.entry_number, "status": status,
                  "concept_status": "deprecated" if concept.deprecated else "approved",
                  "preferred": preferred, "definition": concept.definition, "use": use,
                  "other_concepts": sorted({self.base.ids[r[0]] for r in others} - {concept.concept_id}),
                  "release": self.base.label}
        self.shared[form] = shared
        return shared

    def consistency(self) -> list[dict[str, Any]]:
        """One finding per concept written in more than one form (per language)."""
        out = []
        for (concept_id, english), counts in self.forms.items():
            if len(counts) < 2:
                continue
            concept = self.base.concept(self.base.index[concept_id])
            out.append({"kind": "consistency", "level": "consistency", "concept_id": concept.concept_id,
                        "part": concept.part, "entry_number": concept.entry_number,
                        "preferred": (concept.preferred_en if english else None) or concept.preferred_zh,
                        "forms": [{"form": self.first[key], "count": n} for key, n in Counter(counts).most_common()],
                        "release": self.base.label})
        return out

    def answer(self) -> dict[str, Any]:
        consistency = self.consistency()
        levels = Counter(f["level"] for f in self.findings)
        summary = {**{level: levels.get(level, 0) for level in LEVELS[:3]}, "consistency": len(consistency),
                   "concepts": len({f["concept_id"] for f in self.findings}), "ignored": self.ignored,
                   "characters": len(self.text), "release": self.base.label,
                   "term_base": {"concepts": self.base.concepts, "forms": self.base.forms,
                                 "built_at": self.base.built_at.isoformat()}}
        return {"findings": self.findings + consistency, "summary": summary}
