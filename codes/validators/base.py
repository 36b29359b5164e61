"""Shared shapes for the identifier validators: findings, verdicts, errors and input folding.

Every validator reports problems as :class:`Finding` objects (a machine slug plus an English
and a Chinese message that name the value). ``check()`` gathers them into a :class:`Verdict`;
``validate()`` raises the :class:`ValidationError` subclass of the first one.

>>> fold("ｕｓ 0378-331005", drop_table(" -"))
'US0378331005'
>>> length_finding(("ISIN", "ISIN"), "US1", 12).message_zh
'ISIN US1：长度为 3 位，应为 12 位'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from registry.datafiles import data_dir

DATA_DIR = data_dir()

# Dashes that word processors and PDFs put where a typist meant "-"; NFKC leaves them alone.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_MAX_FOLDS = 4
_SHOWN_CHARS = 40


@dataclass(frozen=True, slots=True)
class Finding:
    """One error or warning about a value."""

    code: str
    message_en: str
    message_zh: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message_en, "message_zh": self.message_zh}


@dataclass(slots=True)
class Verdict:
    """The full report on one input: every error, every warning and the decoded parts."""

    input: str
    normalized: str
    valid: bool
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    components: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "input": self.input,
            "normalized": self.normalized,
            "valid": self.valid,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
            "components": dict(self.components),
        }


class ValidationError(ValueError):
    """A value failed validation; ``finding`` says how."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message_en)
        self.finding = finding


class InvalidFormat(ValidationError):
    """Characters or layout the identifier does not allow."""


class InvalidLength(ValidationError):
    """The identifier has the wrong number of characters."""


class InvalidChecksum(ValidationError):
    """A check digit or check character does not match."""


class InvalidComponent(ValidationError):
    """A part of the identifier (prefix, category, region, ...) is not defined or not in force."""


_ERRORS_BY_CODE: dict[str, type[ValidationError]] = {
    "invalid_format": InvalidFormat,
    "invalid_length": InvalidLength,
    "invalid_checksum": InvalidChecksum,
}


def error_for(finding: Finding) -> ValidationError:
    """Return the exception that carries `finding` (components and registry misses: InvalidComponent)."""
    return _ERRORS_BY_CODE.get(finding.code, InvalidComponent)(finding)


def drop_table(chars: str) -> dict[int, None]:
    """Return a ``str.translate`` table deleting `chars`."""
    return str.maketrans("", "", chars)


def fold(value: str, table: dict[int, None]) -> str:
    """NFKC-fold (full-width ＲＺ１ → RZ1), delete the `table` separators, strip, uppercase.

    Repeated until stable so that the result is a fixed point (``fold(fold(x)) == fold(x)``):
    uppercasing can produce text that NFKC recomposes, and deleting a separator can join a base
    letter to a combining mark.
    """
    if value.isascii():
        return value.translate(table).strip().upper()
    for _ in range(_MAX_FOLDS):
        folded = unicodedata.normalize("NFKC", value).translate(table).strip().upper()
        if folded == value:
            break
        value = folded
    return value


def shown(value: str) -> str:
    """Render `value` for a message: printable, at most 40 characters, "(empty)" when empty."""
    if not value:
        return "(empty)"
    cut = value[:_SHOWN_CHARS]
    text = "".join(ch if ch.isprintable() and not _is_surrogate(ch) else f"\\u{ord(ch):04x}" for ch in cut)
    return text + ("…" if len(value) > _SHOWN_CHARS else "")


def shown_char(ch: str) -> str:
    """Render one character for a message, quoted."""
    return f"'{ch}'" if ch.isprintable() and not _is_surrogate(ch) else f"U+{ord(ch):04X}"


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def first_outside(value: str, allowed: frozenset[str]) -> tuple[int, str] | None:
    """Return (1-based position, char) of the first character of `value` not in `allowed`."""
    for position, ch in enumerate(value, 1):
        if ch not in allowed:
            return position, ch
    return None


def character_finding(
    label: tuple[str, str], code: str, bad: tuple[int, str], allowed: tuple[str, str]
) -> Finding:
    """The ``invalid_format`` finding for the character `bad` = (position, char) of `code`."""
    position, ch = bad
    return Finding(
        "invalid_format",
        f"{label[0]} {shown(code)}: character {shown_char(ch)} at position {position} is not allowed "
        f"(only {allowed[0]})",
        f"{label[1]} {shown(code)}：第 {position} 位字符 {shown_char(ch)} 不允许（只能使用 {allowed[1]}）",
    )


def length_finding(label: tuple[str, str], code: str, expected: int) -> Finding:
    """The ``invalid_length`` finding for `code`, which should have `expected` characters."""
    return Finding(
        "invalid_length",
        f"{label[0]} {shown(code)}: has {len(code)} characters, should have {expected}",
        f"{label[1]} {shown(code)}：长度为 {len(code)} 位，应为 {expected} 位",
    )


def verdict(raw: str, normalized: str, errors: Iterable[Finding], warnings: Iterable[Finding] = (),
            components: dict | None = None) -> Verdict:
    """Assemble a Verdict; it is valid exactly when there are no errors."""
    errors = list(errors)
    return Verdict(raw, normalized, not errors, errors, list(warnings), components or {})


def parse_date(value: object) -> date | None:
    """Read a date given as ``date``, 'YYYY-MM-DD', 'YYYYMMDD' or empty; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return date.fromisoformat(text)
