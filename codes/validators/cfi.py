"""CFI (Classification of Financial Instruments, 金融工具分类编码), ISO 10962:2021.

Six letters: category (position 1), group (2) and four attributes (3–6) whose meaning depends on
the group. ``X`` in an attribute always means "not applicable / undefined"; a position the group
does not use accepts only ``X``. There is no check digit. Every category, group and attribute
letter of the 2021 edition is data (``data/cfi_2021.json``, derived from the maintenance agency's
published table; Chinese names are the sfreg project's own translation), and ``components``
decodes every position in English and Chinese. The 2001 edition's fund group EU no longer exists
(funds are category C since 2015) and is an undefined group.

>>> validate('esvufr')
'ESVUFR'
>>> c = components('ESVUFR')
>>> c['category_name'], c['group_name_zh'], c['attributes'][0]['value']
('Equities', '普通股', 'Voting')
>>> validate('ESVUFQ')  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
codes.validators.base.InvalidComponent: CFI ESVUFQ: letter Q at position 6 (Form) ... (expected one of B, M, N, R, X)
>>> is_valid('CIOGEU'), is_valid('EUOISU')
(True, False)
>>> check('CIOGEU').components['attributes'][3]['value_zh']
'单位份额'
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from datetime import date

from codes.validators.base import (
    DASHES,
    DATA_DIR,
    Finding,
    Verdict,
    character_finding,
    drop_table,
    error_for,
    first_outside,
    fold,
    length_finding,
    verdict,
)

__all__ = ["check", "compact", "components", "format", "is_valid", "validate"]

LENGTH = 6
_LABEL = ("CFI", "CFI")
NOT_APPLICABLE = "X"
_ALLOWED = frozenset(string.ascii_uppercase)
_DROP = drop_table(" -" + DASHES)
_NOT_APPLICABLE_NAMES = ("Not applicable/undefined", "不适用/未定义")


def _load() -> dict:
    with (DATA_DIR / "cfi_2021.json").open(encoding="utf-8") as handle:
        return json.load(handle)


TABLE = _load()
CATEGORIES: dict = TABLE["categories"]
# "ES" -> the group's four attribute tables
GROUPS: dict[str, dict] = {c + g: group for c, category in CATEGORIES.items()
                           for g, group in category["groups"].items()}
# "ES" -> the letters allowed at positions 3-6 (X always among them)
_LETTERS: dict[str, tuple[frozenset[str], ...]] = {
    key: tuple(frozenset(a["values"]) | {NOT_APPLICABLE} for a in group["attributes"])
    for key, group in GROUPS.items()
}


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces or hyphens, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def _quick(code: str) -> bool:
    letters = _LETTERS.get(code[:2]) if len(code) == LENGTH else None
    return letters is not None and code[2] in letters[0] and code[3] in letters[1] and \
        code[4] in letters[2] and code[5] in letters[3]


def is_valid(number: str) -> bool:
    """Return whether `number` is a valid CFI code; never raises."""
    if len(number) == LENGTH and number.isascii() and _quick(number.upper()):
        return True
    return _quick(compact(number))


def validate(number: str) -> str:
    """Return the compact CFI code or raise the ValidationError of its first problem."""
    code = compact(number)
    for finding in _errors(code):
        raise error_for(finding)
    return code


def components(number: str) -> dict:
    """Return the decoded category, group and four attributes (zh and en) of a valid CFI code."""
    return _components(validate(number))


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error about `number` with its category, group and attributes decoded.

    `as_of` is accepted for a uniform signature; the table holds one edition.
    """
    code = compact(number)
    return verdict(number, code, _errors(code), (), _components(code))


def _errors(code: str) -> Iterator[Finding]:
    bad = first_outside(code, _ALLOWED)
    if bad:
        yield character_finding(_LABEL, code, bad, ("letters A–Z", "字母 A–Z"))
    if len(code) != LENGTH:
        yield length_finding(_LABEL, code, LENGTH)
    if bad or len(code) != LENGTH:
        return
    category = CATEGORIES.get(code[0])
    if category is None:
        yield _undefined(code, 1, ("category", "类别"), ("ISO 10962:2021", "ISO 10962:2021"), CATEGORIES)
    elif code[1] not in category["groups"]:
        yield _undefined(code, 2, ("group", "组别"), (f"category {code[0]}", f"类别 {code[0]}"),
                         category["groups"])
    else:
        yield from _attribute_errors(code)


def _undefined(code: str, position: int, what: tuple[str, str], scope: tuple[str, str],
               defined: dict) -> Finding:
    letter, expected = code[position - 1], ", ".join(sorted(defined))
    return Finding(
        "invalid_component",
        f"CFI {code}: {what[0]} letter {letter} at position {position} is not defined in {scope[0]} "
        f"(expected one of {expected})",
        f"CFI {code}：第 {position} 位{what[1]}字母 {letter} 未在{scope[1]}中定义（应为 {expected} 之一）",
    )


def _attribute_errors(code: str) -> Iterator[Finding]:
    group = GROUPS[code[:2]]
    for index, allowed in enumerate(_LETTERS[code[:2]]):
        letter, position = code[2 + index], 3 + index
        if letter in allowed:
            continue
        attribute = group["attributes"][index]
        name_en = attribute["en"] or _NOT_APPLICABLE_NAMES[0]
        name_zh = attribute["zh"] or _NOT_APPLICABLE_NAMES[1]
        expected = ", ".join(sorted(allowed))
        yield Finding(
            "invalid_component",
            f"CFI {code}: letter {letter} at position {position} ({name_en}) is not defined for group "
            f"{code[:2]} (expected one of {expected})",
            f"CFI {code}：第 {position} 位（{name_zh}）字母 {letter} 未对组别 {code[:2]} 定义（应为 {expected} 之一）",
        )


def _components(code: str) -> dict:
    if len(code) != LENGTH or first_outside(code, _ALLOWED):
        return {}
    category = CATEGORIES.get(code[0]) or {}
    group = category.get("groups", {}).get(code[1])
    return {
        "category": code[0],
        "category_name": category.get("en"),
        "category_name_zh": category.get("zh"),
        "group": code[1],
        "group_name": group["en"] if group else None,
        "group_name_zh": group["zh"] if group else None,
        "attributes": [_attribute(code, i, group) for i in range(4)],
    }


def _attribute(code: str, index: int, group: dict | None) -> dict:
    letter = code[2 + index]
    entry = {"position": 3 + index, "code": letter, "name": None, "name_zh": None,
             "value": None, "value_zh": None}
    attribute = group["attributes"][index] if group else None
    if attribute is not None:
        entry["name"], entry["name_zh"] = attribute["en"], attribute["zh"]
        value = attribute["values"].get(letter)
        if value is not None:
            entry["value"], entry["value_zh"] = value["en"], value["zh"]
    if letter == NOT_APPLICABLE and entry["value"] is None:
        entry["value"], entry["value_zh"] = _NOT_APPLICABLE_NAMES
    return entry
