"""LEI (Legal Entity Identifier, 法人机构识别编码), ISO 17442.

Twenty characters: four characters naming the issuing LOU (Local Operating Unit; Chinese LOUs use
3003 and 8368), fourteen entity-specific alphanumeric characters and two check digits. The check
is ISO 7064 MOD 97-10: with letters expanded (A=10 … Z=35) the whole code read as an integer leaves
remainder 1 when divided by 97; the check digits are ``98 - (body × 100 mod 97)``. Unlike
python-stdnum 2.2, the length (20) and the digit-only check positions are enforced.

>>> validate('30030072NOVE6XE20095')  # China Financial Futures Exchange
'30030072NOVE6XE20095'
>>> validate('3003 0072 nove 6xe2 0095')
'30030072NOVE6XE20095'
>>> validate('30030072NOVE6XE20096')
Traceback (most recent call last):
    ...
codes.validators.base.InvalidChecksum: LEI 30030072NOVE6XE20096: check digits should be 95, not 96
>>> is_valid('1')
False
>>> calc_check_digit('30030072NOVE6XE200')
'95'
>>> check('30030072NOVE6XE20095').components
{'lou_prefix': '3003', 'entity': '0072NOVE6XE200', 'check_digits': '95'}
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date

from codes.validators.base import (
    DASHES,
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

__all__ = ["calc_check_digit", "check", "compact", "format", "is_valid", "validate"]

LENGTH = 20
_LABEL = ("LEI", "LEI")
_ALLOWED_NAMES = ("A–Z, 0–9", "A–Z、0–9")
_ALPHABET = string.digits + string.ascii_uppercase
_ALLOWED = frozenset(_ALPHABET)
_DROP = drop_table(" -" + DASHES)
_TO_DIGITS = str.maketrans({ch: str(value) for value, ch in enumerate(_ALPHABET)})


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces or hyphens, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def calc_check_digit(body: str) -> str:
    """Return the two check digits for an 18-character (or any) alphanumeric body."""
    body = compact(body)
    bad = first_outside(body, _ALLOWED)
    if bad:
        raise error_for(character_finding(_LABEL, body, bad, _ALLOWED_NAMES))
    return f"{98 - int((body + '00').translate(_TO_DIGITS)) % 97:02d}"


def _quick(code: str) -> bool | None:
    """Decide a compact-looking code, or None when it holds characters compact() would change."""
    if len(code) != LENGTH or not code.isascii():
        return None
    digits = code.translate(_TO_DIGITS)
    if not digits.isdigit():
        return None
    return code[18:].isdigit() and int(digits) % 97 == 1


def is_valid(number: str) -> bool:
    """Return whether `number` is a valid LEI; never raises."""
    if len(number) == LENGTH and number.isascii():
        answer = _quick(number.upper())
        if answer is not None:
            return answer
    return _quick(compact(number)) is True


def validate(number: str) -> str:
    """Return the compact LEI or raise the ValidationError of its first problem."""
    code = compact(number)
    for finding in _errors(code):
        raise error_for(finding)
    return code


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error about `number` with its LOU prefix, entity part and check digits.

    `as_of` is accepted for a uniform signature; LEI validity does not depend on the date.
    """
    code = compact(number)
    return verdict(number, code, _errors(code), (), _components(code))


def _errors(code: str) -> Iterator[Finding]:
    bad = first_outside(code, _ALLOWED)
    if bad:
        yield character_finding(_LABEL, code, bad, _ALLOWED_NAMES)
    if len(code) != LENGTH:
        yield length_finding(_LABEL, code, LENGTH)
    if bad or len(code) != LENGTH:
        return
    if not code[18:].isdigit():
        yield Finding(
            "invalid_format",
            f"LEI {code}: the check digits (positions 19–20) must be digits, not {code[18:]}",
            f"LEI {code}：第 19–20 位校验码应为数字，而不是 {code[18:]}",
        )
        return
    expected = calc_check_digit(code[:18])
    if expected != code[18:]:
        yield Finding(
            "invalid_checksum",
            f"LEI {code}: check digits should be {expected}, not {code[18:]}",
            f"LEI {code}：校验码应为 {expected}，而不是 {code[18:]}",
        )


def _components(code: str) -> dict:
    if len(code) != LENGTH or first_outside(code, _ALLOWED):
        return {}
    return {"lou_prefix": code[:4], "entity": code[4:18], "check_digits": code[18:]}
