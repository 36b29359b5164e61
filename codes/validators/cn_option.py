"""Listed option codes of China's exchanges (期权合约代码), in each exchange's form and in a unified form.

Exchange forms:

- SSE/SZSE ETF and stock options, the 17-character trading code ``510050C2412M02500``: underlying
  security (6 digits), C/P, expiry year and month (YYMM), adjustment letter (M = not adjusted, A, B, …
  = adjusted), strike in 0.001 yuan (5 digits). The 8-digit numeric contract code (``10004567``) is an
  opaque key the exchange assigns: accepted as well-formed, decoded only by its registration.
- CFFEX index options ``IO2412-C-3900`` (also ``MO``, ``HO``): product, YYMM, C/P, strike in index points.
- Commodity options: DCE and GFEX ``m2501-C-3000``, SHFE and INE ``cu2501C72000``, CZCE ``SR501C5000``
  (one year digit): the underlying future (checked by ``cn_futures``), C/P, strike.

Unified form (sfreg's, the same for every exchange): ``EXCHANGE.UNDERLYING.YYYYMM.C|P.STRIKE[.ADJ]``,
e.g. ``SSE.510050.202412.C.2.500``, ``CFFEX.IO.202412.C.3900``, ``CZCE.SR.202501.C.5000``. UNDERLYING is
the 6-digit security (SSE/SZSE) or the upper-case product; YYYYMM is the month in the exchange code
(expiry month for SSE/SZSE/CFFEX, the underlying future's delivery month for commodity options);
STRIKE is in yuan with three decimals for SSE/SZSE and as written by the exchange otherwise; ADJ is
the adjustment letter, present only when not M. ``to_unified`` and ``from_unified`` convert both ways;
either form is accepted as input and ``compact`` returns the exchange's form.

>>> compact('m2501c3000'), compact('sr2501-c-5000'), compact('SSE.510050.202412.C.2.500')
('m2501-C-3000', 'SR501C5000', '510050C2412M02500')
>>> to_unified('cu2501C72000'), to_unified('IO2412-C-3900')
('SHFE.CU.202501.C.72000', 'CFFEX.IO.202412.C.3900')
>>> c = components('510050P2412A02450')
>>> c['underlying']['code'], c['option_type_zh'], c['strike'], c['adjusted']
('510050.SH', '看跌', '2.450', True)
>>> print(check('m2502-C-3000').errors[0].message_en)  # doctest: +ELLIPSIS
option code m2502-C-3000: underlying futures code m2502: month 02 is not a listed month of m 豆粕 (listed: ...)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from codes.validators import cn_futures, cn_security
from codes.validators.base import Finding, Verdict, drop_table, error_for, fold, shown, verdict
from codes.validators.cn_data import EXCHANGES, PRODUCTS, position_finding, source_parts

__all__ = ["check", "compact", "components", "format", "from_unified", "is_valid", "to_unified", "validate"]

_LABEL = ("option code", "期权合约代码")
_DROP = drop_table(" \t")
_ETF = re.compile(r"(\d{6})([CP])(\d{2})(\d{2})([A-Z])(\d{5})(?:\.(SH|SZ))?")
_NUMBER = re.compile(r"(\d{8})(?:\.(SH|SZ))?")
_LETTERED = re.compile(r"([A-Z]{1,2})(\d{3,4})-?([CP])-?(\d{1,7})")
_UNIFIED = re.compile(r"([A-Z]{3,5})\.([A-Z0-9]{1,6})\.(\d{4})(\d{2})\.([CP])\.(\d{1,7}(?:\.\d{3})?)(?:\.([A-Z]))?")
_TYPES = {"C": ("Call", "看涨"), "P": ("Put", "看跌")}
_UNDERLYING_KINDS = frozenset({"etf", "main_board", "star", "chinext"})
_HYPHENATED = frozenset({"CFFEX", "DCE", "GFEX"})


class Option(NamedTuple):
    """A parsed option code in any form; `strike` as written in the exchange's unit."""

    form: str  # etf_option | contract_number | index_option | commodity_option
    exchange: str
    underlying: str  # security code, product code (exchange case) or ""
    year: int
    month: int
    digits: str  # the year-month digits as written in the exchange form
    kind: str  # C | P
    strike: str
    adjustment: str = "M"

    @property
    def code(self) -> str:
        return exchange_form(self)


def exchange_form(o: Option) -> str:
    if o.form == "etf_option":
        return f"{o.underlying}{o.kind}{o.year % 100:02d}{o.month:02d}{o.adjustment}{o.strike}"
    if o.form == "contract_number":
        return o.underlying
    sep = "-" if o.exchange in _HYPHENATED else ""
    return f"{o.underlying}{o.digits}{sep}{o.kind}{sep}{o.strike}"


def unified_form(o: Option) -> str:
    if o.form == "etf_option":
        strike = f"{int(o.strike) // 1000}.{int(o.strike) % 1000:03d}"
        adjustment = "" if o.adjustment == "M" else f".{o.adjustment}"
        return f"{o.exchange}.{o.underlying}.{o.year}{o.month:02d}.{o.kind}.{strike}{adjustment}"
    return f"{o.exchange}.{o.underlying.upper()}.{o.year}{o.month:02d}.{o.kind}.{int(o.strike)}"


def parse(code: str, day: date) -> Option | None:
    """The option a folded code names in any accepted form, or None."""
    code = code.upper()
    if "." in code[:6]:
        return _parse_unified(code, day)
    if code[:1].isdigit():
        return _parse_etf(code, day) or _parse_number(code, day)
    return _parse_lettered(code, day)


def _parse_etf(code: str, day: date) -> Option | None:
    m = _ETF.fullmatch(code)
    if m is None:
        return None
    body, kind, yy, mm, adjustment, strike, suffix = m.groups()
    exchange = ("SSE" if suffix == "SH" else "SZSE") if suffix else _exchange_of(body)
    return Option("etf_option", exchange, body, 2000 + int(yy), int(mm), yy + mm, kind, strike, adjustment)


def _parse_number(code: str, day: date) -> Option | None:
    m = _NUMBER.fullmatch(code)
    if m is None:
        return None
    exchange = {"SH": "SSE", "SZ": "SZSE"}.get(m.group(2) or "", "SZSE" if code.startswith("9") else "SSE")
    return Option("contract_number", exchange, m.group(1), 0, 0, "", "", "")


def _parse_lettered(code: str, day: date) -> Option | None:
    m = _LETTERED.fullmatch(code)
    if m is None:
        return None
    letters, digits, kind, strike = m.groups()
    product = PRODUCTS.get(letters)
    if product is None:
        return None
    if len(digits) == 3:
        year = cn_futures.czce_year(int(digits[0]), day)
    elif product.czce_style:
        digits = digits[1:]
        year = cn_futures.czce_year(int(digits[0]), day)
    else:
        year = 2000 + int(digits[:2])
    form = _FORMS[product.instrument]
    return Option(form, product.exchange, product.product, year, int(digits[-2:]), digits, kind,
                  strike.lstrip("0") or "0")


_FORMS = {"option": "index_option", "future": "commodity_option"}


def _parse_unified(code: str, day: date) -> Option | None:
    m = _UNIFIED.fullmatch(code)
    if m is None:
        return None
    exchange, underlying, year, month, kind, strike, adjustment = m.groups()
    if exchange in ("SSE", "SZSE"):
        if "." not in strike or not underlying.isdigit():
            return None
        yuan, thousandths = strike.split(".")
        return Option("etf_option", exchange, underlying, int(year), int(month), year[2:] + month, kind,
                      f"{int(yuan) * 1000 + int(thousandths):05d}", adjustment or "M")
    product = PRODUCTS.get(underlying)
    if product is None or product.exchange != exchange or "." in strike or adjustment:
        return None
    digits = (year[3] if exchange == "CZCE" else year[2:]) + month
    form = "index_option" if product.instrument == "option" else "commodity_option"
    return Option(form, exchange, product.product, int(year), int(month), digits, kind, strike)


def compact(number: str, *, as_of: date | None = None) -> str:
    """Fold to the exchange's own form (any case, full-width, either separator style, unified input)."""
    return _compact(number, as_of or date.today())[0]


def _compact(number: str, day: date) -> tuple[str, Option | None]:
    """The compact form and the option it names (parsed once)."""
    code = fold(number, _DROP)
    option = parse(code, day)
    if option is None or (option.form != "etf_option" and not 1 <= option.month <= 12 and option.month):
        return code, option
    return option.code, option


def format(number: str, *, form: str = "exchange", as_of: date | None = None) -> str:
    """The exchange's form (default) or, with ``form="unified"``, the unified form."""
    return to_unified(number, as_of=as_of) if form == "unified" else compact(number, as_of=as_of)


def to_unified(number: str, *, as_of: date | None = None) -> str:
    """The unified form of a valid option code; raise the ValidationError of its first problem."""
    day = as_of or date.today()
    return unified_form(parse(validate(number, as_of=day), day))


def from_unified(unified: str, *, as_of: date | None = None) -> str:
    """The exchange's form of a valid unified code; raise the ValidationError of its first problem."""
    return validate(unified, as_of=as_of)


def is_valid(number: str, *, as_of: date | None = None) -> bool:
    """Return whether `number` is a well-formed option code on a known underlying; never raises."""
    day = as_of or date.today()
    if number.isascii() and " " not in number and "\t" not in number:
        option = parse(number, day)
    else:
        option = _compact(number, day)[1]
    return option is not None and _ok(option, day)


def _ok(option: Option, day: date) -> bool:
    """The verdict of `_errors` without its messages (the batch hot path)."""
    if option.form == "contract_number":
        return True
    if not 1 <= option.month <= 12 or int(option.strike) == 0:
        return False
    if option.form == "etf_option":
        return _security_ok(option.underlying, option.exchange, day)
    product = PRODUCTS[option.underlying.upper()]
    if option.year * 12 + option.month < (product.options_month if option.form == "commodity_option"
                                          else product.first_month):
        return False
    return option.form == "index_option" or _future_ok(product.product + option.digits, day)


# Underlyings are few (ETFs, listed futures): their verdicts are remembered per day.
@lru_cache(maxsize=8192)
def _security_ok(body: str, exchange: str, day: date) -> bool:
    found = cn_security.range_of(body, exchange)
    suffix = "SH" if exchange == "SSE" else "SZ"
    return found is not None and found.kind in _UNDERLYING_KINDS and cn_security.is_valid(f"{body}.{suffix}",
                                                                                         as_of=day)


@lru_cache(maxsize=8192)
def _future_ok(code: str, day: date) -> bool:
    return cn_futures.is_valid(code, as_of=day)


@lru_cache(maxsize=8192)
def _exchange_of(body: str) -> str:
    return "SZSE" if cn_security.infer_exchange(body) == "SZSE" else "SSE"


def validate(number: str, *, as_of: date | None = None) -> str:
    """Return the exchange's form or raise the ValidationError of the first problem."""
    day = as_of or date.today()
    code = compact(number, as_of=day)
    for finding in _errors(code, parse(code, day), day):
        raise error_for(finding)
    return code


def components(number: str, *, as_of: date | None = None) -> dict:
    """Form, exchange, underlying (linked), type, month, strike and both forms of a valid code."""
    day = as_of or date.today()
    return _components(parse(validate(number, as_of=day), day))


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error and warning about `number`, with its components."""
    day = as_of or date.today()
    code, option = _compact(number, day)
    if option is not None and option.form != "contract_number" and _ok(option, day):
        return Verdict(number, code, True, [], [], _components(option, code))
    errors = list(_errors(code, option, day))
    warnings = _warnings(code, option)
    parts = _components(option) if option and not any(e.code == "invalid_format" for e in errors) else {}
    return verdict(number, code, errors, warnings, parts)


def _errors(code: str, option: Option | None, day: date) -> Iterator[Finding]:
    if option is None:
        yield _shape_finding(code.upper())
    elif option.form == "etf_option":
        yield from _etf_errors(code, option, day)
    elif option.form in ("index_option", "commodity_option"):
        yield from _lettered_errors(code, option, day)


def _month_finding(code: str, option: Option, at: int) -> Finding | None:
    if 1 <= option.month <= 12:
        return None
    return position_finding(_LABEL, code, f"{at}–{at + 1}", ("a month 01–12", "月份 01–12"), f"{option.month:02d}")


def _etf_errors(code: str, option: Option, day: date) -> Iterator[Finding]:
    bad_month = _month_finding(code, option, 10)
    if bad_month:
        yield bad_month
    yield from _security_errors(code, option, day)
    if int(option.strike) == 0:
        yield position_finding(_LABEL, code, "13–17",
                               ("a strike above zero (0.001 yuan)", "大于零的行权价（0.001 元）"),
                               option.strike, "invalid_component")


def _security_errors(code: str, option: Option, day: date) -> Iterator[Finding]:
    """The underlying must be an ETF or a share in force on `day` (checked quickly, explained when not)."""
    listed = f"{option.underlying}.{'SH' if option.exchange == 'SSE' else 'SZ'}"
    found = cn_security.range_of(option.underlying, option.exchange)
    if found is not None and found.kind in _UNDERLYING_KINDS and cn_security.is_valid(listed, as_of=day):
        return
    security = cn_security.check(listed, as_of=day)
    if security.errors:
        yield _underlying_finding(code, security.errors[0])
    elif security.components["kind"] not in _UNDERLYING_KINDS:
        yield Finding("invalid_component",
                      f"option code {code}: underlying {security.normalized} is a {security.components['kind_name']}, "
                      "not an ETF or a share",
                      f"期权合约代码 {code}：标的 {security.normalized} 为{security.components['kind_name_zh']}，"
                      "不是 ETF 或股票")


def _lettered_errors(code: str, option: Option, day: date) -> Iterator[Finding]:
    product = PRODUCTS[option.underlying.upper()]
    at = len(product.product) + len(option.digits) - 1
    bad_month = _month_finding(code, option, at)
    if bad_month:
        yield bad_month
        return
    if option.form == "commodity_option":
        future = product.product + option.digits
        if not cn_futures.is_valid(future, as_of=day):
            yield _underlying_finding(code, cn_futures.check(future, as_of=day).errors[0])
        if product.options_from is None:
            yield Finding("invalid_component", f"option code {code}: {product.product} {product.name_zh} has no listed "
                          "options", f"期权合约代码 {code}：{product.product}（{product.name_zh}）没有上市期权")
            return
    start = product.options_from or product.first_listed
    if date(option.year, option.month, 1) < start.replace(day=1):
        yield Finding("not_yet_valid", f"option code {code}: options on {product.product} are listed from {start}",
                      f"期权合约代码 {code}：{product.product} 期权自 {start} 起上市")
    if int(option.strike) == 0:
        yield Finding("invalid_component", f"option code {code}: the strike must be above zero",
                      f"期权合约代码 {code}：行权价应大于零")


def _underlying_finding(code: str, finding: Finding) -> Finding:
    return Finding(finding.code, f"option code {code}: underlying {finding.message_en}",
                   f"期权合约代码 {code}：标的{finding.message_zh}")


def _shape_finding(code: str) -> Finding:
    if not code:
        return Finding("invalid_length", "option code (empty): expected an exchange option code",
                       "期权合约代码（空）：应为交易所期权合约代码")
    if code[:1].isdigit():
        return _digit_shape_finding(code)
    letters = len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    product = code[:letters]
    if 1 <= letters <= 2 and product not in PRODUCTS:
        return Finding("unknown_product",
                       f"option code {shown(code)}: {product} is not a product of CFFEX, SHFE, INE, DCE, CZCE or GFEX",
                       f"期权合约代码 {shown(code)}：{product} 不是中金所、上期所、上期能源、大商所、"
                       "郑商所或广期所的品种")
    if not 1 <= letters <= 2:
        return position_finding(_LABEL, code, 1, ("a digit (SSE/SZSE) or a one- or two-letter product code",
                                                  "数字（沪深交易所）或一至两位字母的品种代码"), code[0])
    return position_finding(_LABEL, code, f"{letters + 1}–{len(code)}",
                            ("year-month, C or P, and strike (e.g. 2501-C-3000)",
                             "年月、C 或 P 及行权价（如 2501-C-3000）"),
                            code[letters:])


def _digit_shape_finding(code: str) -> Finding:
    """SSE/SZSE form: 6 digits, C/P, 4 digits, a letter, 5 digits (17 characters)."""
    expected = [("a digit", "数字")] * 6 + [("C or P", "C 或 P")] + [("a digit", "数字")] * 4 + \
        [("an adjustment letter (M, A, B…)", "调整标志字母（M、A、B…）")] + [("a digit", "数字")] * 5
    for index, ch in enumerate(code[:17]):
        want = expected[index]
        ok = ch.isdigit() and ch.isascii() if want[0] == "a digit" else \
            (ch in "CP" if want[0] == "C or P" else "A" <= ch <= "Z")
        if not ok:
            return position_finding(_LABEL, code, index + 1, want, ch)
    if len(code) == 8 or len(code) < 17:
        return Finding("invalid_length",
                       f"option code {shown(code)}: has {len(code)} characters; expected 17 (trading code) or 8 digits "
                       "(contract number)",
                       f"期权合约代码 {shown(code)}：共 {len(code)} 位；交易代码应为 17 位，合约编码应为 8 位数字")
    return position_finding(_LABEL, code, f"18–{len(code)}", ("the end of the code or .SH/.SZ", "代码结束或 .SH/.SZ"),
                            code[17:])


def _warnings(code: str, option: Option | None) -> list[Finding]:
    if option is None or option.form != "contract_number":
        return []
    return [Finding("opaque_code",
                    f"option code {code}: a numeric contract code is a key the exchange assigns; it is decoded only "
                    "through the exchange's contract list",
                    f"期权合约代码 {code}：数字合约编码由交易所分配，只能通过交易所合约列表解读")]


def _components(option: Option | None, code: str | None = None) -> dict:
    """Decoded parts: the fixed ones of the option's exchange, form and product (built once), then its own."""
    if option is None:
        return {}
    if option.form == "contract_number":
        return {"form": option.form, **_EXCHANGE_PARTS[option.exchange], "contract_number": option.underlying}
    fixed_key = (option.form, option.exchange, option.underlying if option.form != "etf_option" else "", option.kind)
    fixed = _FIXED.get(fixed_key) or _FIXED.setdefault(fixed_key, _fixed_parts(option))
    return {**fixed, "year": option.year, "month": option.month,
            "contract_month": f"{option.year}-{option.month:02d}", "exchange_code": code or option.code,
            "unified": unified_form(option), **_underlying_parts(option)}


def _fixed_parts(option: Option) -> dict:
    kind_en, kind_zh = _TYPES[option.kind]
    parts = {"form": option.form, **_EXCHANGE_PARTS[option.exchange], "option_type": option.kind,
             "option_type_name": kind_en, "option_type_zh": kind_zh}
    if option.form == "etf_option":
        return {**parts, "strike_unit": "CNY", **_ETF_SOURCE}
    unit = "index points" if option.form == "index_option" else "price"
    return {**parts, "strike_unit": unit, **_PRODUCT_PARTS[option.underlying]}


def _underlying_parts(option: Option) -> dict:
    if option.form == "etf_option":
        suffix = "SH" if option.exchange == "SSE" else "SZ"
        strike = int(option.strike)
        return {"underlying": {"kind": "security", "code": f"{option.underlying}.{suffix}"},
                "strike": f"{strike // 1000}.{strike % 1000:03d}", "adjustment": option.adjustment,
                "adjusted": option.adjustment != "M"}
    product = PRODUCTS[option.underlying.upper()]
    if option.form == "index_option":
        underlying = {"kind": "index", "code": f"{product.underlying}.SH", "product": product.product}
    else:
        underlying = {"kind": "future", "code": product.product + option.digits, "product": product.product}
    return {"underlying": underlying, "strike": option.strike}


_FIXED: dict[tuple, dict] = {}
_EXCHANGE_PARTS = {key: exchange.parts() for key, exchange in EXCHANGES.items()}
_ETF_SOURCE = source_parts("sse-szse-options", "sourced")
_PRODUCT_PARTS = {p.product: {"product_name": p.name_en, "product_name_zh": p.name_zh,
                               **source_parts(p.source, p.basis)} for p in PRODUCTS.values()}
