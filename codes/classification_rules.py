"""The rules of a classification scheme (分类编码): its levels, and what a code of each level looks like.

A classification is a tree of codes; each level fixes its codes' length and characters, and (from level 2
on, by default) that a code begins with its parent's code — the "1-2-2" structure of many Chinese
classification standards: level 1 is one digit, level 2 three digits whose first is the parent's, level 3
five digits whose first three are the parent's. Findings name the position, what was expected and what was
found, in Chinese and English.

>>> levels = levels_from_structure("1-2-2")
>>> [lv.length for lv in levels]
[1, 3, 5]
>>> level_of(levels, "102")
2
>>> [f["code"] for f in check_code(levels, "1A2")]
['invalid_character']
>>> check_code(levels, "10203", parent="102")
[]
>>> check_code(levels, "20203", parent="102")[0]["position"]
1
"""

import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.errors import InvalidInput

MAX_LEVELS = 9
CHARSETS = {"digit": ("0-9", "a digit 0–9", "数字 0–9", str.isdigit),
            "upper": ("A-Z", "a letter A–Z", "大写字母 A–Z", lambda c: "A" <= c <= "Z"),
            "alnum": ("0-9A-Z", "a digit or letter", "数字或大写字母", lambda c: c.isdigit() or "A" <= c <= "Z")}


class Level(BaseModel):
    """One level of a classification: its codes' length and characters, an optional further pattern."""

    model_config = ConfigDict(extra="forbid")

    length: int = Field(ge=1, le=40)
    charset: Literal["digit", "upper", "alnum"] = "digit"
    pattern: str | None = Field(default=None, max_length=200, description="a regular expression the whole "
                                                                          "code must also match")
    extends_parent: bool = Field(default=True, description="the code begins with its parent's code")
    name_zh: str | None = Field(default=None, max_length=100)
    name_en: str | None = Field(default=None, max_length=200)


def fold(raw: str) -> str:
    """Full-width to half-width (NFKC), spaces trimmed, upper case.

    >>> fold(" １０２ａ ")
    '102A'
    """
    return unicodedata.normalize("NFKC", raw).strip().upper()


def levels_from_structure(structure: str, charset: str = "digit") -> list[Level]:
    """Levels from a segment structure such as "1-2-2" (segment lengths, each level adding one)."""
    parts = structure.strip().split("-")
    if not all(p.isdigit() and 0 < int(p) <= 20 for p in parts) or len(parts) > MAX_LEVELS:
        raise InvalidInput(f"structure {structure[:40]!r} should be segment lengths like 1-2-2 "
                           f"(at most {MAX_LEVELS} levels)",
                           errors=[{"pointer": "/structure", "detail": structure[:40]}])
    lengths = [sum(int(p) for p in parts[:i + 1]) for i in range(len(parts))]
    return [Level(length=n, charset=charset) for n in lengths]  # type: ignore[arg-type]


def parse_levels(raw: list[dict[str, Any]] | list[Level]) -> list[Level]:
    """Checked levels: 1 to 9, lengths strictly increasing, patterns that compile; raise InvalidInput."""
    levels = [lv if isinstance(lv, Level) else Level.model_validate(lv) for lv in raw]
    if not 1 <= len(levels) <= MAX_LEVELS:
        raise InvalidInput(f"a classification has 1 to {MAX_LEVELS} levels, not {len(levels)}",
                           errors=[{"pointer": "/levels"}])
    for index, level in enumerate(levels):
        if index and level.length <= levels[index - 1].length:
            raise InvalidInput(f"level {index + 1} must have longer codes than level {index} "
                               f"({level.length} ≤ {levels[index - 1].length})",
                               errors=[{"pointer": f"/levels/{index}/length"}])
        if level.pattern is not None:
            _compile(level.pattern, f"/levels/{index}/pattern")
    return levels


def _compile(pattern: str, pointer: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise InvalidInput(f"{pattern[:60]!r} is not a regular expression: {error}",
                           errors=[{"pointer": pointer, "detail": str(error)}]) from None


def code_pattern(levels: list[Level]) -> str:
    """The regular expression any code of the scheme matches (the scheme's `code_pattern`)."""
    parts = sorted({f"[{CHARSETS[lv.charset][0]}]{{{lv.length}}}" for lv in levels})
    return f"^(?:{'|'.join(parts)})$"


def stored_levels(levels: list[Level]) -> list[dict[str, Any]]:
    return [lv.model_dump(exclude_none=True) for lv in levels]


def level_of(levels: list[Level], code: str) -> int | None:
    """The level (1-based) whose codes have `code`'s length, or None."""
    return next((i + 1 for i, lv in enumerate(levels) if lv.length == len(code)), None)


def finding(kind: str, en: str, zh: str, *, position: int | None = None, expected: str | None = None,
            found: str | None = None) -> dict[str, Any]:
    return {"code": kind, "message": en, "message_zh": zh, "position": position, "expected": expected,
            "found": found}


def check_code(levels: list[Level], code: str, *, level: int | None = None,
               parent: str | None = None) -> list[dict[str, Any]]:
    """Findings on a folded `code` taken at `level` (default: the level of its length) under `parent`."""
    if not code:
        return [finding("empty", "the code is empty", "代码为空", position=1, expected="a code", found="")]
    level = level or level_of(levels, code)
    if level is None or level > len(levels):
        return [_length_finding(levels, code, level)]
    spec = levels[level - 1]
    if len(code) != spec.length:
        return [_length_finding(levels, code, level)]
    found = _character_findings(spec, code, level)
    if spec.pattern and not found and not re.fullmatch(spec.pattern, code):
        found.append(finding("pattern_mismatch", f"level {level} code {code} does not match {spec.pattern}",
                             f"第{level}级代码 {code} 不符合格式 {spec.pattern}", position=1,
                             expected=spec.pattern, found=code))
    if parent is not None and level > 1 and spec.extends_parent and not code.startswith(parent):
        found.append(_parent_finding(code, parent, level))
    return found


def _length_finding(levels: list[Level], code: str, level: int | None) -> dict[str, Any]:
    if level is not None and level > len(levels):
        return finding("too_deep", f"the scheme has {len(levels)} levels; {code} would be at level {level}",
                       f"本分类共 {len(levels)} 级，{code} 将位于第 {level} 级", position=None,
                       expected=f"≤ {len(levels)} levels", found=str(level))
    lengths = [lv.length for lv in (levels if level is None else [levels[level - 1]])]
    expected = " or ".join(str(n) for n in lengths)
    position = len(code) + 1 if len(code) < max(lengths) else max(n for n in lengths) + 1
    where = f"level {level} codes have" if level else "codes have"
    where_zh = f"第{level}级代码" if level else "代码"
    return finding("invalid_length", f"{where} {expected} characters; {code} has {len(code)}",
                   f"{where_zh}应为 {expected} 位，{code} 为 {len(code)} 位", position=position,
                   expected=f"{expected} characters", found=f"{len(code)} characters")


def _character_findings(spec: Level, code: str, level: int) -> list[dict[str, Any]]:
    _, en, zh, allowed = CHARSETS[spec.charset]
    return [finding("invalid_character", f"position {i + 1} of level {level} code {code}: expected {en}, "
                                         f"found {char!r}",
                    f"第{level}级代码 {code} 第 {i + 1} 位应为{zh}，实为“{char}”", position=i + 1, expected=en,
                    found=char)
            for i, char in enumerate(code) if not allowed(char)]


def _parent_finding(code: str, parent: str, level: int) -> dict[str, Any]:
    at = next((i for i, (a, b) in enumerate(zip(code, parent, strict=False)) if a != b), len(parent))
    return finding("parent_mismatch", f"level {level} code {code} must begin with its parent's code {parent}",
                   f"第{level}级代码 {code} 应以上级代码 {parent} 开头", position=at + 1, expected=parent,
                   found=code[:len(parent)])


def expected_ancestors(levels: list[Level], code: str) -> list[str]:
    """The ancestor codes the structure implies for `code` (prefixes of the upper levels' lengths), while
    every level extends its parent."""
    level = level_of(levels, code)
    if level is None:
        return []
    out = []
    for index in range(level - 1, 0, -1):
        if not levels[index].extends_parent:
            break
        out.insert(0, code[:levels[index - 1].length])
    return out
