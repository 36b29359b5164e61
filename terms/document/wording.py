"""The fixed wording of a term standard (GB/T 1.1-2020, GB/T 20001.1), shared by every writer.

>>> [note_label(i, 2) for i in (1, 2)], note_label(1, 1)
(['注 1：', '注 2：'], '注：')
>>> example_label(1, 1), example_label(2, 3)
('示例：', '示例 2：')
"""

from terms.document.model import Entry, Reference

TERMS_LEAD = "下列术语和定义适用于本文件。"
NORMATIVE_LEAD = ("下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，"
                  "仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。")
HEADINGS = {"toc": "目次", "foreword": "前言", "scope": "1　范围", "normative": "2　规范性引用文件",
            "terms": "3　术语和定义", "annex": "附录A", "annex_kind": "（资料性）", "annex_title": "概念体系图",
            "bibliography": "参考文献", "index_pinyin": "汉语拼音索引", "index_english": "英文对应词索引"}


def note_label(index: int, count: int) -> str:
    return "注：" if count == 1 else f"注 {index}："


def example_label(index: int, count: int) -> str:
    return "示例：" if count == 1 else f"示例 {index}："


def source_line(entry: Entry) -> str:
    return f"[来源：{entry.source}{'，有修改' if entry.source_modified else ''}]" if entry.source else ""


def reference_text(ref: Reference) -> str:
    return f"见 {ref.prefix}，{ref.number}" if ref.prefix else f"见 {ref.number}"


def rejected_text(term: str, label: str) -> str:
    return f"{term}（{label}）"


def figure_caption(index: int, number: str, title: str) -> str:
    return f"图A.{index}　{number} {title}概念体系图"


def normative_lines(references: list[str]) -> list[str]:
    return [NORMATIVE_LEAD, *references] if references else ["本文件没有规范性引用文件。"]


def cover_stage(stage_label: str) -> str:
    return f"（{stage_label}）" if stage_label else ""
