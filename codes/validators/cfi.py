"""CFI (Classification of Financial Instruments, 金融工具分类编码), ISO 10962:2021.

Six letters: category (position 1), group (2) and four attributes (3–6) whose meaning depends on
the group. ``X`` in an attribute means "not applicable / undefined". There is no check digit.
The letters and names come from ``data/cfi_codes.json``: every category and group of the 2021
edition, and attribute tables for the common groups (ES, EP, CI, DB, DT, OC, OP, FF, FC). Groups
without an encoded attribute table accept any letter and say so with
``components["attributes_decoded"] = False``. The 2001 edition's fund group EU no longer exists
(funds are category C since 2015) and is reported as an undefined group.

>>> validate('esvufr')
'ESVUFR'
>>> c = check('ESVUFR').components
>>> c['category_name'], c['group_name_zh'], c['attributes'][0]['value']
('Equities', '普通股', 'Voting')
>>> validate('ESVUFQ')
Traceback (most recent call last):
    ...
codes.validators.base.InvalidComponent: CFI ESVUFQ: letter Q at position 6 (Form) is not defined for group ES
>>> check('EUOISU').errors[0].code
'invalid_component'
>>> check('SRCCSP').components['attributes_decoded']
False
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from datetime import date

from codes.validators.base import (
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

__all__ = ["check", "compact", "format", "is_valid", "validate"]

LENGTH = 6
_LABEL = ("CFI", "CFI")
NOT_APPLICABLE = "X"
_ALLOWED = frozenset(string.ascii_uppercase)
_DROP = drop_table(" ")
_NOT_APPLICABLE_NAMES = ("Not applicable/undefined", "不适用/未定义")


def _load() -> dict:
    with (DATA_DIR / "cfi_codes.json").open(encoding="utf-8") as handle:
        return json.load(handle)


_TABLE = _load()
CATEGORIES: dict = _TABLE["categories"]
ATTRIBUTES: dict = _TABLE["attributes"]


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def is_valid(number: str) -> bool:
    """Return whether `number` is a valid CFI code; never raises."""
    return next(_errors(compact(number)), None) is None


def validate(number: str) -> str:
    """Return the compact CFI code or raise the ValidationError of its first problem."""
    code = compact(number)
    for finding in _errors(code):
        raise error_for(finding)
    return code


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
        yield _undefined(code, 1, ("category", "类别"), ("ISO 10962:2021", "ISO 10962:2021"))
    elif code[1] not in category["groups"]:
        yield _undefined(code, 2, ("group", "组别"), (f"category {code[0]}", f"类别 {code[0]}"))
    else:
        yield from _attribute_errors(code)


def _undefined(code: str, position: int, what: tuple[str, str], scope: tuple[str, str]) -> Finding:
    letter = code[position - 1]
    return Finding(
        "invalid_component",
        f"CFI {code}: {what[0]} letter {letter} at position {position} is not defined in {scope[0]}",
        f"CFI {code}：第 {position} 位{what[1]}字母 {letter} 未在{scope[1]}中定义",
    )


def _attribute_errors(code: str) -> Iterator[Finding]:
    table = ATTRIBUTES.get(code[:2])
    if table is None:
        return
    for position, (letter, attribute) in enumerate(zip(code[2:], table, strict=True), 3):
        if letter != NOT_APPLICABLE and letter not in attribute["values"]:
            yield Finding(
                "invalid_component",
                f"CFI {code}: letter {letter} at position {position} ({attribute['en']}) is not defined "
                f"for group {code[:2]}",
                f"CFI {code}：第 {position} 位（{attribute['zh']}）字母 {letter} 未对组别 {code[:2]} 定义",
            )


def _components(code: str) -> dict:
    if len(code) != LENGTH or first_outside(code, _ALLOWED):
        return {}
    category = CATEGORIES.get(code[0]) or {}
    group = category.get("groups", {}).get(code[1]) or {}
    table = ATTRIBUTES.get(code[:2]) if group else None
    return {
        "category": code[0],
        "category_name": category.get("en"),
        "category_name_zh": category.get("zh"),
        "group": code[1],
        "group_name": group.get("en"),
        "group_name_zh": group.get("zh"),
        "attributes": [_attribute(code, i, table) for i in range(4)],
        "attributes_decoded": table is not None,
    }


def _attribute(code: str, index: int, table: list | None) -> dict:
    letter = code[2 + index]
    entry = {"position": 3 + index, "code": letter, "name": None, "name_zh": None,
             "value": None, "value_zh": None}
    if letter == NOT_APPLICABLE:
        entry["value"], entry["value_zh"] = _NOT_APPLICABLE_NAMES
    if table is None:
        return entry
    attribute = table[index]
    entry["name"], entry["name_zh"] = attribute["en"], attribute["zh"]
    if letter in attribute["values"]:
        entry["value"], entry["value_zh"] = attribute["values"][letter]
    return entry
