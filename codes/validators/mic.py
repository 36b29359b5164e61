"""MIC (Market Identifier Code, 市场识别码), ISO 10383.

Four characters, each an uppercase letter or a digit: most MICs are letters (XSHG 上海证券交易所,
XSHE 深圳证券交易所, CCFX 中国金融期货交易所), but digits occur anywhere (360T, 24EX, even 3579).
There is no check digit, so the format says little: whether a MIC exists, is an operating MIC or a
market segment, and was in force on a day is registry data. ``check()`` takes that registry as a
`lookup` callable ``(mic, as_of) -> record | None`` with the keys ``status``, ``valid_from``,
``valid_to``, ``operating_mic`` and ``oprt_sgmt``; it is implemented elsewhere (this module only
reads its answers). Without `as_of`, "expired" is judged on today's date.

>>> validate(' xshg ')
'XSHG'
>>> is_valid('360T'), is_valid('XSH'), is_valid('XSH-G')
(True, False, False)
>>> xsme = {'status': 'EXPIRED', 'valid_from': '20030401', 'valid_to': '20070924',
...         'operating_mic': 'XSME', 'oprt_sgmt': 'OPRT'}  # Shenzhen Mercantile Exchange, ISO 10383 file
>>> found = lambda mic, as_of: xsme if mic == 'XSME' else None
>>> check('XSME', as_of=date(2005, 1, 4), lookup=found).valid
True
>>> print(check('XSME', as_of=date(2024, 1, 2), lookup=found).errors[0].message_en)
MIC XSME: expired on 2007-09-24, before 2024-01-02
>>> check('ABCD', lookup=found).errors[0].code
'not_registered'
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from datetime import date

from codes.validators.base import (
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

__all__ = ["check", "compact", "format", "is_valid", "validate"]

LENGTH = 4
_LABEL = ("MIC", "MIC")
_ALLOWED = frozenset(string.ascii_uppercase + string.digits)
_DROP = drop_table(" ")

Lookup = Callable[[str, date | None], dict | None]


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def is_valid(number: str) -> bool:
    """Return whether `number` has the MIC format (registration is not checked); never raises."""
    code = compact(number)
    return len(code) == LENGTH and first_outside(code, _ALLOWED) is None


def validate(number: str) -> str:
    """Return the compact MIC or raise the ValidationError of its first format problem."""
    code = compact(number)
    for finding in _format_errors(code):
        raise error_for(finding)
    return code


def check(number: str, *, as_of: date | None = None, lookup: Lookup | None = None) -> Verdict:
    """Report format errors and, given `lookup`, whether the MIC is registered and in force on `as_of`.

    Exceptions raised by `lookup` itself propagate: they are the registry's failures, not the value's.
    """
    code = compact(number)
    errors = list(_format_errors(code))
    components: dict = {"mic": code} if not errors else {}
    if lookup is not None and not errors:
        record = lookup(code, as_of)
        errors.extend(_registry_errors(code, record, as_of))
        components.update(_record_components(record))
    return verdict(number, code, errors, (), components)


def _format_errors(code: str) -> Iterator[Finding]:
    bad = first_outside(code, _ALLOWED)
    if bad:
        yield character_finding(_LABEL, code, bad, ("A–Z, 0–9", "A–Z、0–9"))
    if len(code) != LENGTH:
        yield length_finding(_LABEL, code, LENGTH)


def _registry_errors(code: str, record: dict | None, as_of: date | None) -> Iterator[Finding]:
    if record is None:
        yield Finding("not_registered", f"MIC {code}: not in the ISO 10383 registry",
                      f"MIC {code}：未在 ISO 10383 注册表中登记")
        return
    day = as_of or date.today()
    valid_from, valid_to = parse_date(record.get("valid_from")), parse_date(record.get("valid_to"))
    if valid_to is not None and day >= valid_to:
        yield Finding("expired", f"MIC {code}: expired on {valid_to}, before {day}",
                      f"MIC {code}：已于 {valid_to} 失效，早于 {day}")
    elif valid_to is None and as_of is None and str(record.get("status", "")).upper() == "EXPIRED":
        yield Finding("expired", f"MIC {code}: status is EXPIRED (no expiry date recorded)",
                      f"MIC {code}：状态为已失效（未记录失效日期）")
    if valid_from is not None and day < valid_from:
        yield Finding("not_yet_valid", f"MIC {code}: registered from {valid_from}, after {day}",
                      f"MIC {code}：自 {valid_from} 起登记，晚于 {day}")


def _record_components(record: dict | None) -> dict:
    if record is None:
        return {}
    segment = record.get("oprt_sgmt")
    return {
        "operating_mic": record.get("operating_mic"),
        "segment": segment,
        "is_segment": segment == "SGMT",
        "status": record.get("status"),
        "valid_from": _iso(record.get("valid_from")),
        "valid_to": _iso(record.get("valid_to")),
    }


def _iso(value: object) -> str | None:
    day = parse_date(value)
    return day.isoformat() if day else None
