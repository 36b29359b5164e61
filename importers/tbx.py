"""TBX (ISO 30042) in and out.

Reading accepts TBX v3 (ISO 30042:2019, `tbx`/`conceptEntry`/`langSec`/`termSec`, namespaces `…:ed-2` and
`…:ed:3.0`) and TBX v2 (`martif`/`termEntry`/`langSet`/`tig`|`ntig`), both status vocabularies
(`administrativeStatus` *-admn-sts and `usageStatus` preferred/admitted/deprecated; v2's
`normativeAuthorization` too). The parse streams (one entry in memory at a time) through defusedxml. It
checks the TBX-Basic rules and reports every problem with its line and element path; files that declare
another dialect get the core checks only, and data categories outside TBX-Basic become warnings.
Every language is kept: Chinese tags fold to zh-CN, zh-TW or zh-HK and English ones to en (the term
base's own languages); others (es, cs, …) are kept under their BCP 47 tag as equivalents. A tag sfreg
cannot store (longer than language-script or language-region) is skipped with a warning. Transactions,
parts of speech, contexts, images, links and notes below concept level are not modelled and are counted
in one warning each.

Writing produces TBX-Basic (DCA style) that a plain TBX-Basic reader accepts, plus our fields — part,
条目编号, status, 示例, source, cross references, successor, pinyin and the symbol term type — as elements
of the sfreg namespace inside `adminGrp`, the core structure's extension point.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from importers.safety import Position, parse_xml, read_chunks
from registry.errors import ImportRejected
from terms.bulk import ConceptRow
from terms.models import LANG_TAG_PATTERN, Lang, language_tag

TBX_NAMESPACES = frozenset({"urn:iso:std:iso:30042:ed-2", "urn:iso:std:iso:30042:ed:3.0", ""})
TBX_NS = "urn:iso:std:iso:30042:ed-2"
SFREG_NS = "https://sfreg.example/ns/tbx/1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OWN_LANGS = (Lang.zh_cn, Lang.zh_tw, Lang.zh_hk, Lang.en)  # written first, in this order

ADMIN_STATUS = {"preferredTerm-admn-sts": "preferred", "admittedTerm-admn-sts": "admitted",
                "deprecatedTerm-admn-sts": "deprecated", "supersededTerm-admn-sts": "superseded"}
USAGE_STATUS = {"preferred": "preferred", "admitted": "admitted", "deprecated": "deprecated",
                "superseded": "superseded", "notRecommended": "deprecated", "obsolete": "superseded"}
STATUS_NOTES = {"administrativeStatus": ADMIN_STATUS, "normativeAuthorization": ADMIN_STATUS,
                "usageStatus": USAGE_STATUS}
TERM_TYPES = {"fullForm": "full_form", "shortForm": "short_form", "abbreviation": "abbreviation",
              "acronym": "abbreviation", "variant": "variant", "phrase": "full_form"}
TERM_TYPES_OUT = {"full_form": "fullForm", "short_form": "shortForm", "abbreviation": "abbreviation",
                  "variant": "variant"}
PICKLISTS = {"partOfSpeech": {"noun", "verb", "adjective", "adverb", "other"},
             "grammaticalGender": {"masculine", "feminine", "neuter", "other"},
             "termType": {*TERM_TYPES} - {"symbol"}}
BASIC_TERM_NOTES = {"administrativeStatus", "usageStatus", "termType", "partOfSpeech", "grammaticalGender",
                    "geographicalUsage", "termLocation"}
TRANSACTIONS = {"origination", "modification", "creation"}  # 'creation' occurs in the 2025 test set
INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---- a streamed element tree ----------------------------------------------------------------------

class Node:
    __slots__ = ("attrib", "items", "line", "name", "ns")

    def __init__(self, tag: str, attrib: dict[str, str], line: int) -> None:
        self.ns, _, self.name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        self.attrib, self.line, self.items = attrib, line, []

    def children(self) -> list["Node"]:
        return [item for item in self.items if isinstance(item, Node)]

    def text(self) -> str:
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        return "".join(item if isinstance(item, str) else item._raw() for item in self.items)

    @property
    def kind(self) -> str:
        """The element's name, prefixed with sfreg: for ours and '?' for foreign namespaces."""
        if self.ns == SFREG_NS:
            return "sfreg:" + self.name
        return self.name if self.ns in TBX_NAMESPACES else "?" + self.name

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)


class _Builder:
    """defusedxml target keeping only the current entry; each finished entry goes to `on_entry`."""

    def __init__(self, position: Position, on_root, on_entry) -> None:
        self.position, self.on_root, self.on_entry, self.stack = position, on_root, on_entry, []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        node = Node(tag, attrib, self.position.line())
        if not self.stack:
            self.on_root(node)
        else:
            self.stack[-1].items.append(node)
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if node.name in ("conceptEntry", "termEntry") and node.ns in TBX_NAMESPACES:
            self.on_entry(node)
            self.stack[-1].items.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].items.append(text)

    def close(self) -> None:
        return None


# ---- reading --------------------------------------------------------------------------------------

@dataclass
class TbxResult:
    rows: list[ConceptRow]
    problems: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    counts: Counter
    version: str = ""
    dialect: str = ""


def read_tbx(stream: IO[bytes], *, source: str) -> TbxResult:
    """Parse a TBX file into ConceptRows; `problems` lists every rule the file breaks (with location)."""
    reader = _Reader(source)
    position = Position()
    parse_xml(read_chunks(stream), _Builder(position, reader.root, reader.entry), position, source=source)
    if not reader.version:
        raise ImportRejected(f"{source}: not a TBX file", errors=[{"line": 1, "column": None,
                                                                    "detail": "no root element"}])
    return reader.result()


@dataclass
class _Concept:
    line: int
    path: str
    subject: str | None = None
    notes: list[str] = field(default_factory=list)
    definitions: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    terms: list[dict[str, Any]] = field(default_factory=list)
    langs: set[str] = field(default_factory=set)
    skipped_langs: set[str] = field(default_factory=set)
    ours: dict[str, Any] = field(default_factory=dict)
    ident: str | None = None  # the entry's id in the file: the external key of a concept without 条目编号


class _Reader:
    def __init__(self, source: str) -> None:
        self.source, self.version, self.dialect, self.lang, self.entries = source, "", "", "en", 0
        self.rows: list[ConceptRow] = []
        self.problems: list[dict[str, Any]] = []
        self.counts: Counter = Counter()
        self.skipped: dict[str, tuple[int, int, str]] = {}  # what -> (count, first line, why)

    @property
    def basic(self) -> bool:
        return self.dialect.startswith("TBX-Basic")

    def root(self, node: Node) -> None:
        if node.name not in ("tbx", "martif") or node.ns not in TBX_NAMESPACES:
            raise ImportRejected(f"{self.source}: not a TBX file (root element <{node.name}>)",
                                 errors=[{"line": node.line, "column": node.name, "detail": "root must be "
                                          "<tbx> (TBX v3) or <martif> (TBX v2)"}])
        self.version = "2019" if node.name == "tbx" else "2008"
        self.dialect = node.get("type", "") or ""
        self.lang = node.get(XML_LANG) or "en"

    def result(self) -> TbxResult:
        warnings = [{"line": line, "column": None, "detail": f"skipped {count} × {what}: {why}"}
                    for what, (count, line, why) in self.skipped.items()]
        return TbxResult(self.rows, self.problems, warnings, self.counts, self.version, self.dialect)

    def problem(self, node: Node, path: str, detail: str) -> None:
        self.problems.append({"line": node.line, "column": path, "detail": detail})

    def skip(self, what: str, node: Node, why: str) -> None:
        count, line, _ = self.skipped.get(what, (0, node.line, why))
        self.skipped[what] = (count + 1, line, why)

    def unexpected(self, node: Node, path: str, where: str) -> None:
        detail = f"<{node.kind}> is not allowed {where}"
        if self.basic or node.kind.startswith("sfreg:"):
            self.problem(node, f"{path}/{node.kind}", detail)
        else:
            self.skip(f"<{node.kind}> {where}", node, "not a data category sfreg models")

    # -- entries --------------------------------------------------------------------------------
    def entry(self, node: Node) -> None:
        self.entries += 1
        self.counts[node.name] += 1
        ident = node.get("id")
        path = f"{node.name}[@id='{ident}']" if ident else f"{node.name}[{self.entries}]"
        if node.name == "conceptEntry" and not ident:
            self.problem(node, path, "a conceptEntry needs an id attribute")
        concept = _Concept(node.line, path, ident=" ".join((ident or "").split())[:300] or None)
        for child in node.children():
            self.concept_child(child, concept)
        self.rows.append(_row(concept))

    def concept_child(self, child: Node, concept: _Concept) -> None:
        kind, path = child.kind, concept.path
        if kind in ("langSec", "langSet"):
            self.lang_sec(child, concept)
        elif kind in ("descrip", "descripGrp"):
            self.descrip(child, path, "concept", concept, None)
        elif kind == "note":
            self.counts["note"] += 1
            concept.notes.append(child.text())
        elif kind in ("adminGrp", "admin"):
            self.admin(child, path, "concept", concept.ours, concept=True)
        elif kind.startswith("sfreg:"):
            self.ours(child, path, concept.ours, concept=True)
        else:
            self.other(child, path, "concept")

    def lang_sec(self, node: Node, concept: _Concept) -> None:
        raw = node.get(XML_LANG)
        lang = map_lang(raw or "")
        path = f"{concept.path}/{node.name}[@xml:lang='{raw}']"
        self.counts[f"langSec:{raw}"] += 1
        if not raw:
            self.problem(node, path, f"a {node.name} needs xml:lang")
        if lang is None:
            concept.skipped_langs.add(raw or "?")
            self.skip(f"{node.name} xml:lang='{raw}'", node, "not a language tag sfreg can store (BCP 47, "
                                                              "language with at most a script or region)")
        terms: list[dict[str, Any]] = []
        for child in node.children():
            if child.kind in ("termSec", "tig", "ntig"):
                terms.append(self.term_sec(child, f"{path}/{child.name}[{len(terms) + 1}]", lang or "", raw))
            elif child.kind in ("descrip", "descripGrp"):
                self.descrip(child, path, "lang", concept, lang)
            elif child.kind in ("adminGrp", "admin"):
                self.admin(child, path, "lang", {}, concept=False)
            else:
                self.other(child, path, "lang")
        if not terms:
            self.problem(node, path, f"a {node.name} needs at least one termSec")
        if lang is not None:
            concept.langs.add(lang)
            concept.terms += _default_statuses([t for t in terms if t.get("text")])

    def term_sec(self, node: Node, path: str, lang: str, raw: str | None) -> dict[str, Any]:
        self.counts[f"termSec:{raw}"] += 1
        term: dict[str, Any] = {"lang": lang, "_column": path}
        children = node.children()
        if node.kind == "ntig":
            children = [c for child in children
                        for c in (child.children() if child.kind == "termGrp" else [child])]
        for child in children:
            self.term_child(child, path, term)
        if not term.get("text"):
            self.problem(node, path, "a termSec needs a non-empty <term>")
        return term

    def term_child(self, child: Node, path: str, term: dict[str, Any]) -> None:
        if child.kind == "term":
            term["text"] = child.text()
        elif child.kind in ("termNote", "termNoteGrp"):
            for note in [child] if child.kind == "termNote" else child.children()[:1]:
                self.term_note(note, path, term)
        elif child.kind in ("descrip", "descripGrp"):
            self.descrip(child, path, "term", None, None)
        elif child.kind in ("adminGrp", "admin"):
            self.admin(child, path, "term", term, concept=False)
        else:
            self.other(child, path, "term")

    # -- data categories ------------------------------------------------------------------------
    def term_note(self, node: Node, path: str, term: dict[str, Any]) -> None:
        kind, value = node.get("type", ""), node.text()
        where = f"{path}/termNote[@type='{kind}']"
        self.counts[f"{kind}:{value}"] += 1
        if kind in STATUS_NOTES:
            status = STATUS_NOTES[kind].get(value)
            if status is None:
                self.problem(node, where, f"{kind} '{value}' is not one of {', '.join(STATUS_NOTES[kind])}")
            term["status"] = status
        elif kind in PICKLISTS and value not in PICKLISTS[kind] and (self.basic or kind == "termType"):
            self.problem(node, where, f"{kind} '{value}' is not in the picklist "
                                      f"({', '.join(sorted(PICKLISTS[kind]))})")
        elif kind == "termType":
            term["type"] = TERM_TYPES[value]
        elif kind == "geographicalUsage":
            term["geographical_usage"] = value or None
        elif kind in ("partOfSpeech", "grammaticalGender", "termLocation"):
            self.skip(f"termNote {kind}", node, "not modelled")
        elif self.basic and kind not in BASIC_TERM_NOTES:
            self.problem(node, where, f"termNote type '{kind}' is not a TBX-Basic data category")
        else:
            self.skip(f"termNote {kind}", node, "not modelled")

    def descrip(self, node: Node, path: str, level: str, concept: _Concept | None, lang: str | None) -> None:
        group = node if node.kind == "descripGrp" else None
        descrip = (node.children() or [node])[0] if group else node
        kind, where = descrip.get("type", ""), f"{path}/{node.kind}"
        self.counts[f"descrip:{kind}"] += 1
        source = self.group_source(group, where) if group else None
        allowed = {"subjectField": ("concept",), "definition": ("concept", "lang"), "context": ("term",)}
        if descrip.kind != "descrip":
            self.problem(node, where, "a descripGrp must start with a <descrip>")
        elif kind not in allowed:
            self.unexpected_type(descrip, where, "descrip", kind)
        elif level not in allowed[kind]:
            levels = " or ".join({"concept": "conceptEntry", "lang": "langSec", "term": "termSec"}[x]
                                 for x in allowed[kind])
            self.problem(descrip, f"{where}[@type='{kind}']", f"a {kind} may appear only at {levels} level, "
                                                              f"not at {_level_name(level)} level")
        elif kind == "subjectField" and concept is not None:
            concept.subject = descrip.text() or None
        elif kind == "definition" and concept is not None:
            self.definition(descrip, concept, lang, source)
        elif kind == "context":
            self.skip("descrip context", descrip, "contexts are not modelled (sfreg keeps concept examples)")

    def definition(self, node: Node, concept: _Concept, lang: str | None, source: str | None) -> None:
        raw = node.get(XML_LANG) if lang is None else None
        lang = lang if lang is not None else map_lang(raw or self.lang)
        if lang and node.text():
            concept.definitions[lang] = (node.text(), source)
        elif not lang:
            self.skip(f"definition xml:lang='{raw or self.lang}'", node, "language not kept")

    def group_source(self, group: Node, where: str) -> str | None:
        source = None
        for child in group.children()[1:]:
            if child.kind == "admin" and child.get("type") == "source":
                self.counts["admin:source"] += 1
                source = source or child.text()
            elif child.kind == "transacGrp":
                self.transac(child, where)
            elif child.kind not in ("note", "ref", "xref", "admin", "adminGrp", "descripNote"):
                self.unexpected(child, where, "in a descripGrp")
        return source

    def admin(self, node: Node, path: str, level: str, ours: dict[str, Any], *, concept: bool) -> None:
        if node.kind == "adminGrp":
            for child in node.children():
                if child.kind.startswith("sfreg:"):
                    self.ours(child, path, ours, concept=concept)
                elif child.kind == "admin" and child.get("type") != "source":
                    self.admin(child, path, level, ours, concept=concept)
                elif child.kind not in ("admin", "adminNote", "note", "ref", "xref"):
                    self.unexpected(child, f"{path}/adminGrp", "in an adminGrp")
            return
        kind, where = node.get("type", ""), f"{path}/admin[@type='{node.get('type', '')}']"
        if kind == "source":
            self.problem(node, where, f"a source at {_level_name(level)} level must be grouped with the "
                                      "definition or context it documents in a <descripGrp>")
        elif kind in ("customerSubset", "projectSubset") and level != "term" and self.basic:
            self.problem(node, where, f"{kind} may appear only at termSec level")
        elif kind not in ("customerSubset", "projectSubset") and self.basic:
            self.unexpected_type(node, where, "admin", kind)
        else:
            self.skip(f"admin {kind}", node, "not modelled")

    def transac(self, node: Node, path: str) -> None:
        self.counts["transacGrp"] += 1
        where = f"{path}/transacGrp"
        for child in node.children():
            kind = child.get("type", "")
            if child.kind == "transac" and kind != "transactionType":
                self.problem(child, f"{where}/transac[@type='{kind}']",
                             f"<transac type='{kind}'>: only type 'transactionType' is allowed")
            elif child.kind == "transac" and self.basic and child.text() not in TRANSACTIONS:
                self.problem(child, f"{where}/transac", f"transaction type '{child.text()}' is not one of "
                                                        f"{', '.join(sorted(TRANSACTIONS))}")
            elif child.kind == "transacNote" and kind != "responsibility":
                self.problem(child, f"{where}/transacNote[@type='{kind}']",
                             f"<transacNote type='{kind}'>: only type 'responsibility' is allowed")
        self.skip("transacGrp", node, "transaction history is not modelled (sfreg keeps its own revisions)")

    def other(self, node: Node, path: str, level: str) -> None:
        kind = node.kind
        if kind == "transacGrp":
            self.transac(node, path)
        elif kind == "note":
            self.counts["note"] += 1
            self.skip(f"note at {_level_name(level)} level", node, "sfreg keeps concept-level notes only")
        elif kind == "xref":
            self.link(node, path, level, {"xGraphic": ("concept",),
                                          "externalCrossReference": ("concept", "term")})
        elif kind == "ref":
            self.link(node, path, level, {"crossReference": ("concept", "term")})
        elif kind == "termNote":
            self.problem(node, f"{path}/termNote", "a termNote may appear only in a termSec")
        else:
            self.unexpected(node, path, f"at {_level_name(level)} level")

    def link(self, node: Node, path: str, level: str, allowed: dict[str, tuple[str, ...]]) -> None:
        kind, where = node.get("type", ""), f"{path}/{node.kind}[@type='{node.get('type', '')}']"
        self.counts[f"{node.kind}:{kind}"] += 1
        if kind in allowed and level not in allowed[kind]:
            self.problem(node, where, f"{node.kind} {kind} may not appear at {_level_name(level)} level")
        elif kind not in allowed and self.basic:
            self.unexpected_type(node, where, node.kind, kind)
        else:
            self.skip(f"{node.kind} {kind}", node, "links and images are not modelled")

    def unexpected_type(self, node: Node, where: str, element: str, kind: str) -> None:
        if self.basic:
            self.problem(node, where, f"{element} type '{kind}' is not a TBX-Basic data category")
        else:
            self.skip(f"{element} {kind}", node, "not a data category sfreg models")

    def ours(self, node: Node, path: str, into: dict[str, Any], *, concept: bool) -> None:
        try:
            _read_ours(node, into, concept=concept)
        except (ValueError, KeyError) as error:
            self.problem(node, f"{path}/{node.kind}", f"malformed sfreg field: {error}")


def _read_ours(node: Node, into: dict[str, Any], *, concept: bool) -> None:
    name = node.name
    if concept and name == "entry":
        into.update(part=int(node.attrib["part"]), entry_number=node.attrib["number"],
                    status=node.attrib.get("status") or None)
    elif concept and name == "example":
        into.setdefault("examples", []).append(node.text())
    elif name == "source":
        text = node.text() or None
        into["source"] = ({"text": text, "modified": node.get("modified") == "true"} if text else None) \
            if concept else text
    elif concept and name == "crossReference":
        into.setdefault("cross_references", []).append(
            {"type": node.attrib["type"], "part": int(node.attrib["part"]), "entry": node.attrib["entry"]})
    elif concept and name == "supersededBy":
        into["superseded_by"] = {"part": int(node.attrib["part"]), "entry": node.attrib["entry"]}
    elif not concept and name == "pinyin":
        into.update(pinyin=node.text() or None, pinyin_curated=node.get("curated") == "true")
    elif not concept and name == "termType":
        into["type"] = {"symbol": "symbol", **TERM_TYPES}[node.text()]
    else:
        raise ValueError(f"unknown element sfreg:{name} at {'concept' if concept else 'term'} level")


def _level_name(level: str) -> str:
    return {"concept": "conceptEntry", "lang": "langSec", "term": "termSec"}[level]


def _default_statuses(terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Terms without a status: the first of a language section preferred (unless another is), the rest
    admitted — what translation tools' TBX (no statuses at all) means."""
    has_preferred = any(t.get("status") == "preferred" for t in terms)
    for index, term in enumerate(terms):
        if not term.get("status"):
            term["status"] = "preferred" if index == 0 and not has_preferred else "admitted"
    return terms


LABELLED = ("part", "entry_number", "status", "terms", "definition_zh", "definition_en", "notes", "examples",
            "source", "subject_field", "cross_references", "superseded_by", "row")


def _row(concept: _Concept) -> ConceptRow:
    fields: dict[str, Any] = {"subject_field": concept.subject, "notes": concept.notes,
                              "terms": concept.terms}
    langs = concept.langs | set(concept.definitions)
    fields["definition"] = {lang: concept.definitions.get(lang, (None, None))[0] for lang in langs}
    if "entry_number" in concept.ours:
        _our_fields(fields, concept)
    else:
        source = next((concept.definitions[lang][1] for lang in ordered_langs(concept.definitions)
                       if concept.definitions[lang][1]), None)
        if source:
            fields["source"] = {"text": source, "modified": False}
    row = ConceptRow(line=concept.line, fields=fields, labels=dict.fromkeys(LABELLED, concept.path),
                     term_langs=frozenset(concept.langs),
                     external_key=None if "entry_number" in concept.ours else concept.ident)
    if not concept.terms:
        others = ", ".join(sorted(concept.skipped_langs)) or "none"
        row.error("terms", f"no term in a language sfreg can store (languages in the entry: {others})")
    return row


def _our_fields(fields: dict[str, Any], concept: _Concept) -> None:
    """An entry sfreg wrote says everything about itself: what it leaves out is empty, not 'keep'."""
    ours = concept.ours
    fields.update({k: ours[k] for k in ("part", "entry_number") if ours.get(k) is not None})
    if ours.get("status"):
        fields["status"] = ours["status"]
    fields.update(examples=ours.get("examples", []), source=ours.get("source"),
                  cross_references=ours.get("cross_references", []), superseded_by=ours.get("superseded_by"))
    for term in concept.terms:
        term.setdefault("type", "full_form")
        term.setdefault("geographical_usage", None)
        term.setdefault("source", None)


def map_lang(tag: str) -> str | None:
    """The term base language of an xml:lang value: Chinese and English variants folded to the term base's
    own four, other languages as their canonical tag; None for a tag it cannot store.

    >>> [map_lang(t) for t in ("zh", "zh-Hans-CN", "zh-Hant", "ZH_hk", "en-GB", "zu", "es-419", "x-klingon")]
    ['zh-CN', 'zh-CN', 'zh-TW', 'zh-HK', 'en', 'zu', 'es-419', None]
    """
    tag = tag.strip().replace("_", "-")
    parts = tag.lower().split("-")
    if parts[0] == "en":
        return Lang.en.value
    if parts[0] not in ("zh", "cmn"):
        return language_tag(tag) if re.fullmatch(LANG_TAG_PATTERN, tag) else None
    rest = set(parts[1:])
    if rest & {"hk", "mo"}:
        return Lang.zh_hk.value
    if rest & {"tw", "hant"}:
        return Lang.zh_tw.value
    return Lang.zh_cn.value


def ordered_langs(langs: Iterable[str]) -> list[str]:
    """The term base's own languages first (zh-CN, zh-TW, zh-HK, en), then the others alphabetically."""
    present = set(langs)
    return [lang for lang in OWN_LANGS if lang in present] + sorted(present - set(OWN_LANGS))


# ---- writing --------------------------------------------------------------------------------------

def write_tbx(items: Iterable[tuple[int, dict[str, Any]]], numbers: dict[int, tuple[int, str]], *,
              title: str = "sfreg term base") -> Iterator[str]:
    """TBX-Basic text in chunks, one conceptEntry per concept snapshot."""
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/'
           'TBXcoreStructV03.rng" '
           'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
           '<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
           'TBX-Basic_DCA.sch" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
           f'<tbx type="TBX-Basic" style="dca" xml:lang="zh-CN" xmlns="{TBX_NS}" xmlns:sfreg="{SFREG_NS}">\n'
           f"<tbxHeader><fileDesc><titleStmt><title>{_x(title)}</title></titleStmt>"
           "<publicationStmt><p>sfreg export</p></publicationStmt>"
           "<sourceDesc><p>sfreg — 证券期货业术语库 (TBX-Basic with sfreg fields in the namespace "
           f"{SFREG_NS})</p></sourceDesc></fileDesc></tbxHeader>\n<text><body>\n")
    for concept_id, snapshot in items:
        yield concept_entry(concept_id, snapshot, numbers)
    yield "</body></text></tbx>\n"


def concept_entry(concept_id: int, snap: dict[str, Any], numbers: dict[int, tuple[int, str]]) -> str:
    out = [f'<conceptEntry id="c{concept_id}">']
    if snap.get("subject_field"):
        out.append(f'<descrip type="subjectField">{_x(snap["subject_field"])}</descrip>')
    definitions = snap.get("definition") or {}
    langs = ordered_langs({t["lang"] for t in snap["terms"]})
    for lang, text in definitions.items():
        if lang not in langs:
            out.append(f'<descripGrp><descrip type="definition" xml:lang="{lang}">{_x(text)}</descrip>'
                       "</descripGrp>")
    out += [f"<note>{_x(note)}</note>" for note in snap.get("notes") or []]
    out.append(_our_concept_fields(snap, numbers))
    cited = next((lang for lang in langs if definitions.get(lang)), None)  # the source goes with one definition
    for lang in langs:
        out.append(_lang_sec(lang, snap, definitions.get(lang), cite=lang == cited))
    out.append("</conceptEntry>\n")
    return "".join(out)


def _our_concept_fields(snap: dict[str, Any], numbers: dict[int, tuple[int, str]]) -> str:
    out = [f'<adminGrp><sfreg:entry part="{snap["part"]}" number={quoteattr(snap["entry_number"])} '
           f'status="{snap["status"]}"/>']
    source = snap.get("source")
    if source:
        modified = str(bool(source.get("modified"))).lower()
        out.append(f'<sfreg:source modified="{modified}">{_x(source["text"])}</sfreg:source>')
    out += [f"<sfreg:example>{_x(example)}</sfreg:example>" for example in snap.get("examples") or []]
    for xref in snap.get("cross_references") or []:
        part, entry = numbers.get(xref["target"], (snap["part"], f"?{xref['target']}"))
        out.append(f'<sfreg:crossReference type="{xref["type"]}" part="{part}" entry={quoteattr(entry)}/>')
    if snap.get("superseded_by"):
        part, entry = numbers.get(snap["superseded_by"], (snap["part"], f"?{snap['superseded_by']}"))
        out.append(f'<sfreg:supersededBy part="{part}" entry={quoteattr(entry)}/>')
    out.append("</adminGrp>")
    return "".join(out)


def _lang_sec(lang: str, snap: dict[str, Any], definition: str | None, *, cite: bool) -> str:
    out = [f'<langSec xml:lang="{lang}">']
    if definition:
        source = snap.get("source") if cite else None
        admin = f'<admin type="source">{_x(source["text"])}</admin>' if source else ""
        out.append(f'<descripGrp><descrip type="definition">{_x(definition)}</descrip>{admin}</descripGrp>')
    out += [_term_sec(term) for term in snap["terms"] if term["lang"] == lang]
    out.append("</langSec>")
    return "".join(out)


def _term_sec(term: dict[str, Any]) -> str:
    status = {v: k for k, v in ADMIN_STATUS.items()}[term["status"]]
    out = [f"<termSec><term>{_x(term['text'])}</term>",
           f'<termNote type="administrativeStatus">{status}</termNote>']
    if term["type"] in TERM_TYPES_OUT:
        out.append(f'<termNote type="termType">{TERM_TYPES_OUT[term["type"]]}</termNote>')
    if term.get("geographical_usage"):
        out.append(f'<termNote type="geographicalUsage">{_x(term["geographical_usage"])}</termNote>')
    ours = []
    if term.get("pinyin"):
        curated = str(bool(term.get("pinyin_curated"))).lower()
        ours.append(f'<sfreg:pinyin curated="{curated}">{_x(term["pinyin"])}</sfreg:pinyin>')
    if term["type"] not in TERM_TYPES_OUT:
        ours.append(f"<sfreg:termType>{term['type']}</sfreg:termType>")
    if term.get("source"):
        ours.append(f"<sfreg:source>{_x(term['source'])}</sfreg:source>")
    if ours:
        out.append("<adminGrp>" + "".join(ours) + "</adminGrp>")
    out.append("</termSec>")
    return "".join(out)


def _x(text: str) -> str:
    return escape(INVALID_XML.sub("", str(text)))
