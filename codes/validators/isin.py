"""ISIN (International Securities Identification Number, 国际证券识别编码), ISO 6166:2021.

Twelve characters: a two-letter prefix (an ISO 3166-1 country code, or a prefix of ISO 6166 Annex A
such as XS, EZ for OTC derivatives and ZZ), a nine-character alphanumeric national security
identifier (NSIN) and a check digit: the Luhn "double-add-double" sum over the code with letters
expanded to two digits (A=10 … Z=35). Prefixes are versioned data (``data/isin_prefixes.csv``):
``check(..., as_of=d)`` asks whether the prefix could be assigned on day `d`; without `as_of` any
prefix ever in force is accepted, because an ISIN keeps its prefix for life. National/internal
prefixes (QS, QT, QW, XF) are accepted with the warning ``national_prefix``.

>>> validate('US0378331005')
'US0378331005'
>>> validate('ｃｎｅ0000001l7')
'CNE0000001L7'
>>> validate('US0378331004')
Traceback (most recent call last):
    ...
codes.validators.base.InvalidChecksum: ISIN US0378331004: check digit should be 5, not 4
>>> is_valid('EZ0SBZPXGJ95'), is_valid('XK0000000007')
(True, False)
>>> calc_check_digit('CNE10000029')
'6'
>>> [f.code for f in check('AN8068571086', as_of=date(2024, 1, 1)).errors]
['withdrawn_prefix']
>>> check('QS0001234564').warnings[0].code
'national_prefix'
>>> check('CNE000000156').components['country_name_zh']
'中国'
"""

from __future__ import annotations

import csv
import string
from collections.abc import Iterator
from dataclasses import dataclass
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
    parse_date,
    verdict,
)

__all__ = ["calc_check_digit", "check", "compact", "format", "is_valid", "validate"]

LENGTH = 12
_LABEL = ("ISIN", "ISIN")
_ALLOWED_NAMES = ("A–Z, 0–9", "A–Z、0–9")
_ALPHABET = string.digits + string.ascii_uppercase
_ALLOWED = frozenset(_ALPHABET)
_DROP = drop_table(" -" + DASHES)
# Every character mapped (digits to themselves) keeps str.translate on its fast path.
_TO_DIGITS = str.maketrans({ch: str(value) for value, ch in enumerate(_ALPHABET)})
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")  # 2d, digits summed: 7 -> 14 -> 5
_ZERO = ord("0")


@dataclass(frozen=True, slots=True)
class Prefix:
    """One row of data/isin_prefixes.csv; `valid_to` is exclusive."""

    prefix: str
    kind: str
    name_en: str
    name_zh: str
    valid_from: date | None
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


def _load_prefixes() -> dict[str, tuple[Prefix, ...]]:
    table: dict[str, list[Prefix]] = {}
    with (DATA_DIR / "isin_prefixes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = Prefix(row["prefix"], row["kind"], row["name_en"], row["name_zh"],
                           parse_date(row["valid_from"]), parse_date(row["valid_to"]))
            table.setdefault(entry.prefix, []).append(entry)
    return {prefix: tuple(rows) for prefix, rows in table.items()}


PREFIXES = _load_prefixes()
_ANY_PREFIX = frozenset(PREFIXES)


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces or hyphens, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def _luhn_total(digits: bytes) -> int:
    """Luhn sum of ASCII digits whose last digit is the check digit."""
    return sum(digits[-1::-2]) + sum(digits[-2::-2].translate(_DOUBLED)) - _ZERO * len(digits)


def calc_check_digit(body: str) -> str:
    """Return the check digit for the 11-character (or any) alphanumeric body."""
    body = compact(body)
    bad = first_outside(body, _ALLOWED)
    if bad:
        raise error_for(character_finding(_LABEL, body, bad, _ALLOWED_NAMES))
    return str(-_luhn_total((body + "0").translate(_TO_DIGITS).encode()) % 10)


def _quick(code: str) -> bool | None:
    """Decide a compact-looking code, or None when it holds characters compact() would change."""
    if len(code) != LENGTH or not code.isascii():
        return None
    digits = code.translate(_TO_DIGITS).encode()
    if not digits.isdigit():
        return None
    return code[:2] in _ANY_PREFIX and code[11] <= "9" and _luhn_total(digits) % 10 == 0


def is_valid(number: str) -> bool:
    """Return whether `number` is a valid ISIN (any prefix ever in force); never raises."""
    if len(number) == LENGTH and number.isascii():
        answer = _quick(number.upper())
        if answer is not None:
            return answer
    return _quick(compact(number)) is True


def validate(number: str) -> str:
    """Return the compact ISIN or raise the ValidationError of its first problem."""
    code = compact(number)
    for finding in _errors(code, None):
        raise error_for(finding)
    return code


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error and warning about `number`, with its prefix, NSIN and check digit."""
    code = compact(number)
    # Fast path (batches are mostly valid codes): one the table-driven check accepts has no errors when no
    # date narrows the prefixes, and its prefix row is known.
    if as_of is None and _quick(code):
        parts = {**_PREFIX_PARTS[code[:2]], "nsin": code[2:11], "check_digit": code[11]}
        return Verdict(number, code, True, [], _warnings(code), parts)
    return verdict(number, code, _errors(code, as_of), _warnings(code), _components(code))


def _errors(code: str, as_of: date | None) -> Iterator[Finding]:
    bad = first_outside(code, _ALLOWED)
    if bad:
        yield character_finding(_LABEL, code, bad, _ALLOWED_NAMES)
    if len(code) != LENGTH:
        yield length_finding(_LABEL, code, LENGTH)
    if bad or len(code) != LENGTH:
        return
    yield from _layout_errors(code)
    yield from _prefix_errors(code, as_of)
    if code[:2].isalpha() and code[11].isdigit():
        yield from _checksum_errors(code)


def _layout_errors(code: str) -> Iterator[Finding]:
    if not code[:2].isalpha():
        yield Finding(
            "invalid_format",
            f"ISIN {code}: must start with a two-letter prefix, not {code[:2]}",
            f"ISIN {code}：应以两位字母前缀开头，而不是 {code[:2]}",
        )
    if not code[11].isdigit():
        yield Finding(
            "invalid_format",
            f"ISIN {code}: the check digit (position 12) must be a digit, not {code[11]}",
            f"ISIN {code}：第 12 位校验码应为数字，而不是 {code[11]}",
        )


def _prefix_errors(code: str, as_of: date | None) -> Iterator[Finding]:
    prefix = code[:2]
    rows = PREFIXES.get(prefix)
    if not prefix.isalpha():
        return
    if rows is None:
        yield Finding(
            "unknown_prefix",
            f"ISIN {code}: prefix {prefix} is neither an ISO 3166 country code nor an ISO 6166 prefix",
            f"ISIN {code}：前缀 {prefix} 既不是 ISO 3166 国家代码，也不是 ISO 6166 规定的 ISIN 前缀",
        )
    elif as_of is not None and not any(row.in_force(as_of) for row in rows):
        yield _not_in_force(code, rows, as_of)


def _not_in_force(code: str, rows: tuple[Prefix, ...], as_of: date) -> Finding:
    prefix = code[:2]
    ended = [row.valid_to for row in rows if row.valid_to is not None and row.valid_to <= as_of]
    if ended:
        return Finding(
            "withdrawn_prefix",
            f"ISIN {code}: prefix {prefix} was withdrawn on {max(ended)} and is not in force on {as_of}",
            f"ISIN {code}：前缀 {prefix} 已于 {max(ended)} 撤销，在 {as_of} 不可使用",
        )
    start = min(row.valid_from for row in rows if row.valid_from is not None)
    return Finding(
        "unknown_prefix",
        f"ISIN {code}: prefix {prefix} was not assigned before {start} and is not in force on {as_of}",
        f"ISIN {code}：前缀 {prefix} 自 {start} 起才启用，在 {as_of} 不可使用",
    )


def _checksum_errors(code: str) -> Iterator[Finding]:
    expected = calc_check_digit(code[:11])
    if expected != code[11]:
        yield Finding(
            "invalid_checksum",
            f"ISIN {code}: check digit should be {expected}, not {code[11]}",
            f"ISIN {code}：校验码应为 {expected}，而不是 {code[11]}",
        )


def _warnings(code: str) -> list[Finding]:
    row = _row(code)
    if row is None or row.kind != "national":
        return []
    return [Finding(
        "national_prefix",
        f"ISIN {code}: prefix {row.prefix} is a national or internal prefix ({row.name_en}); "
        "the code may not be globally unique",
        f"ISIN {code}：前缀 {row.prefix} 为国内或内部前缀（{row.name_zh}），该代码可能不具全球唯一性",
    )]


def _row(code: str) -> Prefix | None:
    """The prefix row a valid-length code refers to (the latest, when a code was reused)."""
    rows = PREFIXES.get(code[:2]) if len(code) == LENGTH else None
    return rows[-1] if rows else None


def _components(code: str) -> dict:
    if len(code) != LENGTH or first_outside(code, _ALLOWED):
        return {}
    return {**_prefix_parts(code[:2], _row(code)), "nsin": code[2:11], "check_digit": code[11]}


def _prefix_parts(prefix: str, row: Prefix | None) -> dict:
    return {
        "prefix": prefix,
        "prefix_kind": row.kind if row else None,
        "country_name": row.name_en if row else None,
        "country_name_zh": row.name_zh if row else None,
    }


_PREFIX_PARTS = {prefix: _prefix_parts(prefix, rows[-1]) for prefix, rows in PREFIXES.items()}
