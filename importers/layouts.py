"""The tabular layout of a concept (CSV/XLSX): one row per concept, the GB/T column names in Chinese or
English, multi-valued cells holding one value per line (Excel Alt+Enter).

Columns and what they hold:
  ID · 部分 part · 条目编号 entry number · 专业领域 subject field · 状态 status (draft, proposed, approved,
  deprecated, retired, or 草案/征求意见/已批准/已废弃/已撤销) · 首选术语 / 许用术语 / 拒用术语 / 被取代术语
  zh-CN terms by status · 缩略语 abbreviations · 符号 symbols (zh-CN or en, by their stored language, else
  by script) · 英文对应词 English terms, the preferred one first · 定义 / 英文定义 definitions · 注 notes ·
  示例 examples · 来源 source ("…，有修改" marks a modified source) · 相关条目 cross references, one per
  line as "type entry" (type: see, see_also, broader, narrower, replaced_by or 参见/另见/上位/下位/替代;
  entry: 3.1.2 in the same part or 2/2.1 in another) · 取代条目 the successor of a deprecated concept.
A column left out of the file leaves that field as stored; zh-TW/zh-HK terms and term attributes that have
no column (pinyin, type, geographical usage, term source) are kept from the stored concept.
"""

from collections.abc import Iterator
from typing import Any

from importers.csv_io import Table, normalise_header, split_lines
from terms.bulk import ConceptRow, parse_reference, reference_text
from terms.models import ConceptStatus, Lang, XrefType

CONCEPT_COLUMNS = [
    ("id", "ID", "id"), ("part", "部分", "part"), ("entry_number", "条目编号", "entry_number"),
    ("subject_field", "专业领域", "subject_field"), ("status", "状态", "status"),
    ("preferred", "首选术语", "preferred_terms"), ("admitted", "许用术语", "admitted_terms"),
    ("deprecated", "拒用术语", "deprecated_terms"), ("superseded", "被取代术语", "superseded_terms"),
    ("abbreviation", "缩略语", "abbreviations"), ("symbol", "符号", "symbols"),
    ("en", "英文对应词", "english_equivalents"), ("definition_zh", "定义", "definition"),
    ("definition_en", "英文定义", "definition_en"), ("notes", "注", "notes"),
    ("examples", "示例", "examples"),
    ("source", "来源", "source"), ("cross_references", "相关条目", "cross_references"),
    ("superseded_by", "取代条目", "superseded_by"),
]
EXTRA_ALIASES = {
    "preferred": "preferred", "preferredterm": "preferred", "admitted": "admitted",
    "admittedterm": "admitted",
    "deprecatedterm": "deprecated", "supersededterm": "superseded", "abbreviation": "abbreviation",
    "symbol": "symbol", "english": "en", "englishequivalent": "en", "englishterms": "en", "英文": "en",
    "definitionzh": "definition_zh", "中文定义": "definition_zh", "note": "notes", "example": "examples",
    "crossreference": "cross_references", "参见": "cross_references",
    "supersededby": "superseded_by",
    "条目号": "entry_number", "编号": "entry_number", "领域": "subject_field", "术语": "preferred",
}
CONCEPT_ALIASES = {normalise_header(label): name for name, zh, en in CONCEPT_COLUMNS
                   for label in (name, zh, en)}
CONCEPT_ALIASES.update({normalise_header(k): v for k, v in EXTRA_ALIASES.items()})
CONCEPT_HEADER = [zh for _, zh, _ in CONCEPT_COLUMNS]

ZH_COLUMNS = {"preferred": "preferred", "admitted": "admitted", "deprecated": "deprecated",
              "superseded": "superseded"}
STATUS_WORDS = {"草案": "draft", "草稿": "draft", "征求意见": "proposed", "提议": "proposed",
                "已提议": "proposed", "已批准": "approved", "批准": "approved", "已废弃": "deprecated",
                "废弃": "deprecated", "已撤销": "retired", "撤销": "retired"}
XREF_WORDS = {"参见": "see", "另见": "see_also", "上位": "broader", "上位概念": "broader", "下位": "narrower",
              "下位概念": "narrower", "替代": "replaced_by", "被替代为": "replaced_by"}
MODIFIED_MARKS = ("，有修改", ",有修改", ", 有修改", "，有改动", "(modified)", ", modified")


# ---- reading ---------------------------------------------------------------------------------------

def concept_rows(table: Table) -> Iterator[ConceptRow]:
    """ConceptRows of a table whose header was mapped with CONCEPT_ALIASES."""
    labels = table.labels
    present = set(labels)
    for line, cells in table.rows:
        yield concept_row(line, cells, labels, present)


def concept_row(line: int, cells: dict[str, str], labels: dict[str, str], present: set[str]) -> ConceptRow:
    row = ConceptRow(line=line, fields={}, labels={**labels, "terms": labels.get("preferred", "terms")})
    if cells.get(""):
        row.error("row", f"cells beyond the last column: {cells[''][:60]}")
    for name in ("id", "part"):
        if cells.get(name, "").strip():
            _integer(row, name, cells[name])
    _plain(row, cells, present)
    if present & {*ZH_COLUMNS, "abbreviation", "symbol", "en"}:
        row.fields["terms"] = _terms(cells, present)
        row.term_langs = _term_langs(present)
    _references(row, cells, present)
    return row


def _integer(row: ConceptRow, name: str, text: str) -> None:
    try:
        row.fields[name] = int(text.strip())
    except ValueError:
        row.error(name, f"'{text.strip()[:40]}' is not a whole number")


def _plain(row: ConceptRow, cells: dict[str, str], present: set[str]) -> None:
    if "entry_number" in present:
        row.fields["entry_number"] = cells.get("entry_number", "").strip() or None
    if "subject_field" in present:
        row.fields["subject_field"] = cells.get("subject_field", "").strip() or None
    if cells.get("status", "").strip():
        _status(row, cells["status"].strip())
    definition = {lang: cells.get(name, "").strip() or None
                  for name, lang in (("definition_zh", "zh-CN"), ("definition_en", "en")) if name in present}
    if definition:
        row.fields["definition"] = definition
    for name in ("notes", "examples"):
        if name in present:
            row.fields[name] = split_lines(cells.get(name, ""))
    if "source" in present:
        row.fields["source"] = parse_source(cells.get("source", ""))


def _status(row: ConceptRow, text: str) -> None:
    status = STATUS_WORDS.get(text, text.lower())
    if status in set(ConceptStatus):
        row.fields["status"] = status
    else:
        row.error("status", f"unknown status '{text[:40]}'; use one of {', '.join(ConceptStatus)}")


def parse_source(text: str) -> dict[str, Any] | None:
    """'GB/T 1.1—2020，3.2，有修改' -> {"text": "GB/T 1.1—2020，3.2", "modified": True}."""
    text = " ".join(text.split())
    modified = text.endswith(MODIFIED_MARKS)
    for mark in MODIFIED_MARKS:
        text = text.removesuffix(mark)
    return {"text": text, "modified": modified} if text else None


def _terms(cells: dict[str, str], present: set[str]) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = []
    for name, status in ZH_COLUMNS.items():
        terms += [{"text": t, "lang": Lang.zh_cn, "status": status, "_column": name}
                  for t in split_lines(cells.get(name, ""))]
    for name in ("abbreviation", "symbol"):
        terms += [{"text": t, "_column": name} for t in split_lines(cells.get(name, ""))]
    for index, text in enumerate(split_lines(cells.get("en", ""))):
        first = {"status": "preferred"} if index == 0 else {}
        terms.append({"text": text, "lang": Lang.en, "_column": "en", **first})
    return terms


def _term_langs(present: set[str]) -> frozenset[str]:
    both = bool(present & {"abbreviation", "symbol"})
    langs = {Lang.zh_cn} if both or present & set(ZH_COLUMNS) else set()
    return frozenset(langs | ({Lang.en} if both or "en" in present else set()))


def _references(row: ConceptRow, cells: dict[str, str], present: set[str]) -> None:
    if "cross_references" in present:
        refs = []
        for text in split_lines(cells.get("cross_references", "")):
            kind, _, target = text.partition(" ")
            kind = XREF_WORDS.get(kind, kind.lower())
            try:
                if kind not in set(XrefType):
                    raise ValueError(f"unknown reference type '{kind}'; use one of {', '.join(XrefType)}")
                refs.append({"type": kind, **parse_reference(target)})
            except ValueError as error:
                row.error("cross_references", f"'{text[:60]}': {error}")
        row.fields["cross_references"] = refs
    if "superseded_by" in present:
        text = cells.get("superseded_by", "").strip()
        try:
            row.fields["superseded_by"] = parse_reference(text) if text else None
        except ValueError as error:
            row.error("superseded_by", str(error))


# ---- writing ---------------------------------------------------------------------------------------

def concept_cells(concept_id: int, snapshot: dict[str, Any],
                  numbers: dict[int, tuple[int, str]]) -> list[str]:
    """One table row (CONCEPT_HEADER order) for a concept snapshot; references written as entry numbers."""
    part = snapshot["part"]
    terms = snapshot["terms"]
    cells = {"id": str(concept_id), "part": str(part), "entry_number": snapshot["entry_number"],
             "subject_field": snapshot.get("subject_field") or "", "status": snapshot["status"]}
    for name, status in ZH_COLUMNS.items():
        cells[name] = _lines(t for t in terms if t["lang"] == Lang.zh_cn and t["status"] == status
                             and t["type"] not in ("abbreviation", "symbol"))
    for name in ("abbreviation", "symbol"):
        cells[name] = _lines(t for t in terms if t["type"] == name and t["lang"] in (Lang.zh_cn, Lang.en))
    english = [t for t in terms if t["lang"] == Lang.en and t["type"] not in ("abbreviation", "symbol")]
    cells["en"] = _lines(sorted(english, key=lambda t: t["status"] != "preferred"))
    definition = snapshot.get("definition") or {}
    cells["definition_zh"], cells["definition_en"] = definition.get("zh-CN", ""), definition.get("en", "")
    for name in ("notes", "examples"):
        cells[name] = "\n".join(snapshot.get(name) or [])
    source = snapshot.get("source")
    cells["source"] = (source["text"] + ("，有修改" if source.get("modified") else "")) if source else ""
    cells["cross_references"] = "\n".join(f"{x['type']} {_ref(x['target'], numbers, part)}"
                                          for x in snapshot.get("cross_references") or [])
    successor = snapshot.get("superseded_by")
    cells["superseded_by"] = _ref(successor, numbers, part) if successor else ""
    return [cells[name] for name, _, _ in CONCEPT_COLUMNS]


def _lines(terms) -> str:
    return "\n".join(t["text"] for t in terms)


def _ref(target: int, numbers: dict[int, tuple[int, str]], own_part: int) -> str:
    part, entry = numbers.get(target, (own_part, f"?{target}"))
    return reference_text(part, entry, own_part)
