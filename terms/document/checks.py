"""The checks before printing: what would make the term standard non-conforming.

Each problem names the entry and says what is wrong; `--strict` (CLI) and `strict=true` (API) turn a
non-empty list into an error instead of a document.
"""

from collections import Counter, defaultdict
from typing import Any

from terms.document.model import Entry, Problem

CODES = ("no_preferred", "no_definition", "dangling_reference", "duplicate_number", "number_gap", "no_pinyin",
         "no_english", "no_graphviz")
NO_GRAPHVIZ = Problem("no_graphviz", "", "the concept diagrams cannot be drawn: Graphviz 'dot' is not installed "
                                         "(Debian package graphviz) (概念体系图无法生成)")


def run(items: list[tuple[int, dict[str, Any]]], entries: list[Entry], numbers: dict[int, str],
        outside: dict[int, Any], *, bilingual: bool) -> list[Problem]:
    """Every problem of the document, in entry order, then numbering problems."""
    problems: list[Problem] = []
    for (_, data), entry in zip(items, entries, strict=True):
        problems.extend(_entry_problems(data, entry, numbers, outside, bilingual=bilingual))
    return problems + _numbering(entries)


def _entry_problems(data: dict[str, Any], entry: Entry, numbers: dict[int, str], outside: dict[int, Any], *,
                    bilingual: bool) -> list[Problem]:
    n = entry.number
    found = []
    if not entry.preferred:
        found.append(Problem("no_preferred", n, f"{n}: no Chinese preferred term (缺少首选术语)"))
    elif not entry.preferred_pinyin:
        found.append(Problem("no_pinyin", n, f"{n}: preferred term {entry.preferred} has no pinyin (缺少拼音)"))
    if not entry.definition:
        found.append(Problem("no_definition", n, f"{n}: no definition (缺少定义)"))
    if bilingual and not entry.english:
        found.append(Problem("no_english", n, f"{n}: no English equivalent in a bilingual standard (缺少英文对应词)"))
    targets = [x["target"] for x in data.get("cross_references") or []]
    targets += [data["superseded_by"]] if data.get("superseded_by") else []
    for target in targets:
        if target not in numbers and target not in outside:
            detail = f"{n}: refers to concept {target}, which the document does not show (引用的条目不在本版本中)"
            found.append(Problem("dangling_reference", n, detail))
    return found


def _numbering(entries: list[Entry]) -> list[Problem]:
    """Duplicate numbers; gaps among siblings (1.1.1, 1.1.3) and groups without a heading entry."""
    counts = Counter(e.number for e in entries)
    found = [Problem("duplicate_number", n, f"{n}: numbered {c} times (条目编号重复)")
             for n, c in counts.items() if c > 1]
    children: dict[str, set[int]] = defaultdict(set)
    for number in counts:
        parent, _, last = number.rpartition(".")
        children[parent].add(int(last))
    for parent, seen in sorted(children.items()):
        missing = sorted(set(range(1, max(seen) + 1)) - seen)
        if missing:
            shown = ", ".join(f"{parent}.{m}" for m in missing[:10])
            found.append(Problem("number_gap", parent, f"{parent}: numbers {shown} are missing (条目编号不连续)"))
        if "." in parent and parent not in counts:
            found.append(Problem("number_gap", parent, f"{parent}: group has no heading entry (缺少上位条目)"))
    return found
