"""Identifier validators, one stdnum-shaped module per kind: ISIN, CFI, LEI, USCC (统一社会信用代码), MIC,
and China's exchange security (证券代码), futures (期货合约代码) and listed option codes (期权合约代码).

Each module offers ``compact``, ``validate``, ``is_valid``, ``format`` and ``check`` (plus
``calc_check_digit`` where the identifier has one); ``KINDS`` maps the kind names used in URLs and
files to those modules.

>>> get_validator("isin").is_valid("US0378331005")
True
>>> get_validator("cusip")
Traceback (most recent call last):
    ...
KeyError: "unknown code kind 'cusip'; expected one of: cfi, cn_futures, cn_option, cn_security, isin, lei, mic, uscc"
"""

from __future__ import annotations

from types import ModuleType

from codes.validators import cfi, cn_futures, cn_option, cn_security, isin, lei, mic, uscc

KINDS: dict[str, ModuleType] = {"isin": isin, "cfi": cfi, "lei": lei, "uscc": uscc, "mic": mic,
                               "cn_security": cn_security, "cn_futures": cn_futures, "cn_option": cn_option}


def get_validator(kind: str) -> ModuleType:
    """Return the validator module for `kind` (a key of KINDS); raise KeyError."""
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown code kind {kind!r}; expected one of: {', '.join(sorted(KINDS))}") from None
