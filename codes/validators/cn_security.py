"""Exchange security codes of China's stock exchanges (证券代码): SSE 上交所, SZSE 深交所, BSE 北交所.

Six digits, written bare (``600000``) or with the exchange as a suffix or prefix (``600000.SH``,
``SH600000``, ``000001.SZ``, ``430047.BJ``) or its MIC (``600000.XSHG``). The normal form is
``code.SUFFIX``. The venue and the kind of security (主板 A 股, 科创板, 创业板, B 股, ETF, 可转债, 回购, …)
come from the exchanges' published code ranges (``data/cn_security_ranges.csv``, each row dated and
sourced). Bare codes are placed on the exchange whose narrowest range holds them (000001 → SZSE,
not the SSE index range). The BSE's switch to ``920xxx`` is a dated mapping
(``data/cn_bse_code_switch.csv``): before the switch the old code is valid and names its successor;
from the switch day on it is ``superseded``. Without `as_of` codes are judged on today's date.

>>> compact(' sh６０００００ ')
'600000.SH'
>>> c = components('510050')
>>> c['exchange'], c['kind'], c['kind_name_zh']
('SSE', 'etf', '交易型开放式指数基金（ETF）')
>>> check('430047.BJ', as_of=date(2025, 1, 1)).components['successor']
{'code': '920047.BJ', 'effective': '2025-10-09'}
>>> print(check('430047.BJ', as_of=date(2026, 1, 5)).errors[0].message_en)
security code 430047.BJ: replaced by 920047.BJ on 2025-10-09 (BSE code switch)
>>> print(check('604000.SH').errors[0].message_en)  # doctest: +ELLIPSIS
security code 604000.SH: positions 1–3: expected a code range of SSE (one of 600, ..., 689), found '604'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from codes.validators.base import Finding, Verdict, drop_table, error_for, fold, parse_date, shown, verdict
from codes.validators.cn_data import (
    ALIASES,
    EXCHANGES,
    first_non_digit,
    position_finding,
    rows,
    source_parts,
)

__all__ = ["check", "compact", "components", "format", "is_valid", "validate"]

LENGTH = 6
_LABEL = ("security code", "证券代码")
_DROP = drop_table(" \t")
_AFFIXED = re.compile(r"([A-Z]{2,4})[.:]?(\d+)|(\d+)[.:]?([A-Z]{2,4})")
_NORMAL = re.compile(r"\d{6}\.(SH|SZ|BJ)")


@dataclass(frozen=True, slots=True)
class Range:
    exchange: str
    first: str
    last: str
    kind: str
    kind_zh: str
    kind_en: str
    valid_from: date | None
    valid_to: date | None
    basis: str
    source: str

    @property
    def span(self) -> int:
        return int(self.last) - int(self.first)


@dataclass(frozen=True, slots=True)
class Switch:
    old: str
    new: str
    name_zh: str
    effective: date
    basis: str


def _ranges() -> dict[str, tuple[Range, ...]]:
    """3-digit prefix -> the ranges covering it, narrowest first."""
    table: dict[str, list[Range]] = {}
    for row in rows("cn_security_ranges.csv"):
        entry = Range(row["exchange"], row["first"], row["last"], row["kind"], row["kind_zh"], row["kind_en"],
                      parse_date(row["valid_from"]), parse_date(row["valid_to"]), row["basis"], row["source"])
        for prefix in range(int(entry.first[:3]), int(entry.last[:3]) + 1):
            table.setdefault(f"{prefix:03d}", []).append(entry)
    return {prefix: tuple(sorted(found, key=lambda r: r.span)) for prefix, found in table.items()}


def _switches() -> tuple[dict[str, Switch], dict[str, Switch]]:
    table = [Switch(r["old_code"], r["new_code"], r["name_zh"], parse_date(r["effective"]), r["basis"])
             for r in rows("cn_bse_code_switch.csv")]
    return {s.old: s for s in table}, {s.new: s for s in table}


RANGES = _ranges()
SWITCH_FROM, SWITCH_TO = _switches()
_BY_EXCHANGE = {(r.exchange, prefix): tuple(x for x in found if x.exchange == r.exchange)
                for prefix, found in RANGES.items() for r in found}
_SUFFIX_OF = {exchange: info.suffix for exchange, info in EXCHANGES.items()}
_PREFIXES_OF: dict[str, list[str]] = {}
for _prefix, _found in sorted(RANGES.items()):
    for _exchange in dict.fromkeys(r.exchange for r in _found):
        _PREFIXES_OF.setdefault(_exchange, []).append(_prefix)


def _split(code: str) -> tuple[str, str | None]:
    """(body, exchange alias as written or None) of a folded code."""
    matched = _AFFIXED.fullmatch(code)
    if matched is None:
        return code, None
    if matched.group(1):
        return matched.group(2), matched.group(1)
    return matched.group(3), matched.group(4)


def infer_exchange(body: str) -> str | None:
    """The exchange whose narrowest range holds the 6-digit `body` (any date), or None."""
    return _infer(body)


def _infer(body: str) -> str | None:
    """The exchange whose narrowest range holds `body` (any date)."""
    for found in RANGES.get(body[:3], ()):
        if found.first <= body <= found.last:
            return found.exchange
    return None


def compact(number: str) -> str:
    """Fold to the normal form ``code.SUFFIX`` (full-width, case, affixes and MICs folded); a code on no
    exchange's range, or with an unknown affix, is returned folded as written."""
    if len(number) == 9 and _NORMAL.fullmatch(number):
        return number
    code = fold(number, _DROP)
    body, alias = _split(code)
    if len(body) != LENGTH or not body.isdigit() or not body.isascii():
        return code
    exchange = ALIASES.get(alias) if alias else _infer(body)
    if exchange not in _SUFFIX_OF or exchange not in ("SSE", "SZSE", "BSE"):
        return code
    return f"{body}.{_SUFFIX_OF[exchange]}"


def format(number: str) -> str:
    """Return the normal form ``code.SUFFIX``."""
    return compact(number)


def is_valid(number: str, *, as_of: date | None = None) -> bool:
    """Return whether `number` is a security code in force on `as_of` (default today); never raises."""
    code = number if len(number) == 9 and _NORMAL.fullmatch(number) else compact(number)
    if len(code) != 9 or not _NORMAL.fullmatch(code):
        return False
    body = code[:LENGTH]
    found = _range(body, ALIASES[code[7:]])
    if found is None:
        return False
    if found.valid_from is None and found.valid_to is None and body not in SWITCH_TO:
        return True
    return next(_date_errors(code, body, found, as_of or date.today()), None) is None


def validate(number: str, *, as_of: date | None = None) -> str:
    """Return the normal form or raise the ValidationError of the first problem."""
    code = compact(number)
    for finding in _errors(code, as_of or date.today()):
        raise error_for(finding)
    return code


def components(number: str, *, as_of: date | None = None) -> dict:
    """Exchange, kind of security, rule source and BSE successor/predecessor of a valid code."""
    code = validate(number, as_of=as_of)
    return _components(code, as_of or date.today())


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error and warning about `number` on `as_of` (default today), with its components."""
    code = compact(number)
    day = as_of or date.today()
    return verdict(number, code, _errors(code, day), _warnings(code, day), _components(code, day))


def range_of(body: str, exchange: str) -> Range | None:
    """The narrowest range of `exchange` holding the 6-digit `body` (any date), or None."""
    return _range(body, exchange)


def _range(body: str, exchange: str) -> Range | None:
    for found in _BY_EXCHANGE.get((exchange, body[:3]), ()):
        if found.first <= body <= found.last:
            return found
    return None


def _errors(code: str, day: date) -> Iterator[Finding]:
    if not _NORMAL.fullmatch(code):
        yield from _shape_errors(code)
        return
    body, suffix = code.partition(".")[::2]
    exchange = ALIASES[suffix]
    found = _range(body, exchange)
    if found is None:
        yield _range_finding(code, body, exchange)
    else:
        yield from _date_errors(code, body, found, day)


def _shape_errors(code: str) -> Iterator[Finding]:
    body, alias = _split(code)
    if alias is not None and alias not in ALIASES:
        at = code.index(alias) + 1
        yield position_finding(_LABEL, code, f"{at}–{at + len(alias) - 1}",
                               ("an exchange suffix SH, SZ or BJ (or the MIC XSHG, XSHE, BJSE)",
                                "交易所后缀 SH、SZ 或 BJ（或市场识别码 XSHG、XSHE、BJSE）"), alias, "invalid_component")
        return
    bad = first_non_digit(body)
    if bad is not None:
        yield position_finding(_LABEL, code, code.index(body) + bad + 1, ("a digit", "数字"), body[bad])
    elif len(body) != LENGTH:
        yield Finding("invalid_length", f"security code {shown(code)}: has {len(body)} digits, should have 6",
                      f"证券代码 {shown(code)}：共 {len(body)} 位数字，应为 6 位")
    else:
        yield Finding("invalid_component",
                      f"security code {code}: in no code range of SSE, SZSE or BSE; add .SH, .SZ or .BJ to say which",
                      f"证券代码 {code}：不在上交所、深交所或北交所的任何代码区间内；请加 .SH、.SZ 或 .BJ 指明交易所")


def _range_finding(code: str, body: str, exchange: str) -> Finding:
    prefixes = _PREFIXES_OF[exchange]
    if body[0] not in {p[0] for p in prefixes}:
        firsts = ", ".join(sorted({p[0] for p in prefixes}))
        expected = (f"a leading digit of {exchange} ({firsts})", f"{exchange} 使用的首位数字（{firsts}）")
        return position_finding(_LABEL, code, 1, expected, body[0], "invalid_component")
    same = ", ".join(p for p in prefixes if p[0] == body[0])
    expected = (f"a code range of {exchange} (one of {same})", f"{exchange} 的代码区间（{same} 之一）")
    return position_finding(_LABEL, code, "1–3", expected, body[:3], "invalid_component")


def _date_errors(code: str, body: str, found: Range, day: date) -> Iterator[Finding]:
    switch = SWITCH_FROM.get(body)
    earlier = SWITCH_TO.get(body)
    if earlier is not None and day < earlier.effective:
        yield Finding("not_yet_valid",
                      f"security code {code}: replaces {earlier.old}.BJ only from {earlier.effective} "
                      "(BSE code switch)",
                      f"证券代码 {code}：自 {earlier.effective} 起才替代 {earlier.old}.BJ（北交所代码切换）")
    elif found.valid_to is not None and day >= found.valid_to:
        new = f"{switch.new}.BJ" if switch else "a 920xxx code"
        when = switch.effective if switch else found.valid_to
        yield Finding("superseded", f"security code {code}: replaced by {new} on {when} (BSE code switch)",
                      f"证券代码 {code}：已于 {when} 切换为 {new if switch else '920 号段代码'}（北交所代码切换）")
    elif found.valid_from is not None and day < found.valid_from:
        yield Finding("not_yet_valid",
                      f"security code {code}: the range {found.kind_en} is used from {found.valid_from}",
                      f"证券代码 {code}：{found.kind_zh}号段自 {found.valid_from} 起启用")


def _warnings(code: str, day: date) -> list[Finding]:
    switch = SWITCH_FROM.get(code[:LENGTH]) if code.endswith(".BJ") and _NORMAL.fullmatch(code) else None
    if switch is None or day >= switch.effective:
        return []
    return [Finding("code_switch", f"security code {code}: becomes {switch.new}.BJ on {switch.effective}",
                    f"证券代码 {code}：将于 {switch.effective} 切换为 {switch.new}.BJ")]


def _components(code: str, day: date) -> dict:
    if not _NORMAL.fullmatch(code):
        return {}
    body, suffix = code.partition(".")[::2]
    exchange = ALIASES[suffix]
    found = _range(body, exchange) if exchange else None
    if found is None:
        return {}
    parts = {"code": body, **EXCHANGES[exchange].parts(), "kind": found.kind, "kind_name": found.kind_en,
             "kind_name_zh": found.kind_zh, "range": f"{found.first}–{found.last}",
             "range_valid_from": _iso(found.valid_from), "range_valid_to": _iso(found.valid_to),
             **source_parts(found.source, found.basis)}
    if exchange == "BSE":
        parts.update(_switch_parts(body))
    return parts


def _switch_parts(body: str) -> dict:
    parts = {}
    if body in SWITCH_FROM:
        switch = SWITCH_FROM[body]
        parts["successor"] = {"code": f"{switch.new}.BJ", "effective": switch.effective.isoformat()}
    if body in SWITCH_TO:
        switch = SWITCH_TO[body]
        parts["predecessor"] = {"code": f"{switch.old}.BJ", "effective": switch.effective.isoformat()}
    if parts:
        parts["name_zh"] = (SWITCH_FROM.get(body) or SWITCH_TO[body]).name_zh
    return parts


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
