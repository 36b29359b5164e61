"""Futures contract codes of China's six futures exchanges (期货合约代码): CFFEX, SHFE, INE, DCE, CZCE, GFEX.

A product code in its exchange's case (CFFEX and CZCE upper case, the others lower case) followed by
the delivery year and month: ``YYMM`` (``cu2501``, ``IF2412``) or, at CZCE, ``YMM`` with one year digit
(``SR501``). The product must be in the product table (``data/cn_futures_products.csv``: exchange,
Chinese name, listed months, first listing and delisting dates, each row sourced) and the month must be
one of its listed months, within its listing life. CZCE's one-digit year is read as the year ending in
that digit nearest to `as_of` (five years back to four ahead). Input is folded: any case, full-width
characters, spaces, a vendor suffix naming the right exchange (``.SHF``, ``.CZC``, ``.SHFE``…) and a
four-digit CZCE year (``SR2501`` → ``SR501``, with a warning). The unified form ``EXCHANGE.PRODUCT.YYYYMM``
(``CZCE.SR.202501``) is accepted and produced by ``to_unified``.

>>> compact('ＣＵ2501'), compact('sr2501'), compact('if2412.cfe')
('cu2501', 'SR501', 'IF2412')
>>> c = components('SR501', as_of=date(2024, 12, 2))
>>> c['exchange'], c['product_name_zh'], c['contract_month'], c['unified']
('CZCE', '白糖', '2025-01', 'CZCE.SR.202501')
>>> print(check('ru2502').errors[0].message_en)
futures code ru2502: month 02 is not a listed month of ru 天然橡胶 (listed: 1, 3, 4, 5, 6, 7, 8, 9, 10, 11)
>>> from_unified('DCE.M.202501')
'm2501'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from codes.validators.base import Finding, Verdict, drop_table, error_for, fold, shown, verdict
from codes.validators.cn_data import ALIASES, EXCHANGES, PRODUCTS, Product, position_finding, source_parts

__all__ = ["check", "compact", "components", "format", "from_unified", "is_valid", "to_unified", "validate"]

_LABEL = ("futures code", "期货合约代码")
_DROP = drop_table(" \t")
_SHAPE = re.compile(r"([A-Z]{1,2})(\d{3,4})(?:\.([A-Z]{2,5}))?")
_PLAIN = re.compile(r"([A-Z]{1,2})(\d{3,4})")
_DIGITS = {True: 3, False: 4}
_UNIFIED = re.compile(r"([A-Z]{3,5})\.([A-Z]{1,2})\.(\d{4})(\d{2})")
FUTURES = {key: p for key, p in PRODUCTS.items() if p.instrument == "future"}
_MONTH = ("a month 01–12", "月份 01–12")


class Contract(NamedTuple):
    """A parsed contract: product row, year (four digits), month, and the digits as written."""

    product: Product
    year: int
    month: int
    digits: str
    suffix: str | None

    @property
    def code(self) -> str:
        year = self.year % 10 if self.product.czce_style else f"{self.year % 100:02d}"
        tail = f"{year}{self.month:02d}"
        return self.product.product + tail


def czce_year(digit: int, day: date) -> int:
    """The year ending in `digit` within five years back and four ahead of `day`."""
    base = day.year - 5
    return base + (digit - base) % 10


def parse(code: str, day: date) -> Contract | None:
    """The contract a folded code names, or None when its shape or product is unknown."""
    matched = _SHAPE.fullmatch(code.upper())
    product = FUTURES.get(matched.group(1)) if matched else None
    if product is None:
        return None
    digits = matched.group(2)
    year = czce_year(int(digits[0]), day) if len(digits) == 3 else 2000 + int(digits[:2])
    return Contract(product, year, int(digits[-2:]), digits, matched.group(3))


def _from_unified(code: str) -> str:
    matched = _UNIFIED.fullmatch(code)
    product = FUTURES.get(matched.group(2)) if matched else None
    if product is None or ALIASES.get(matched.group(1)) != product.exchange:
        return code
    year, month = matched.group(3), matched.group(4)
    return product.product + (year[3] if product.czce_style else year[2:]) + month


def compact(number: str, *, as_of: date | None = None) -> str:
    """Fold to the exchange's own form (``cu2501``, ``SR501``); a suffix naming another exchange stays."""
    code = _from_unified(fold(number, _DROP))
    contract = parse(code, as_of or date.today())
    if contract is None:
        return code
    product, digits = contract.product, contract.digits
    if product.czce_style and len(digits) == 4:
        digits = digits[1:]
    if contract.suffix and ALIASES.get(contract.suffix) != product.exchange:
        return f"{product.product}{digits}.{contract.suffix}"
    return product.product + digits


def format(number: str) -> str:
    """Return the exchange's own form."""
    return compact(number)


def to_unified(number: str, *, as_of: date | None = None) -> str:
    """``EXCHANGE.PRODUCT.YYYYMM`` of a valid code (CZCE's year read against `as_of`)."""
    return components(number, as_of=as_of)["unified"]


def from_unified(unified: str, *, as_of: date | None = None) -> str:
    """The exchange's own form of a unified code; raise the ValidationError of its first problem."""
    return validate(unified, as_of=as_of)


def _quick(code: str, as_of: date | None) -> bool | None:
    """Decide an upper-case code without a suffix in its exchange's digits; None when it is not one."""
    matched = _PLAIN.fullmatch(code)
    if matched is None:
        return None
    letters, digits = matched.groups()
    product = FUTURES.get(letters)
    if product is None or len(digits) != _DIGITS[product.czce_style]:
        return None
    month = int(digits[-2:])
    if month not in product.months:
        return False
    year = czce_year(int(digits[0]), as_of or date.today()) if product.czce_style else 2000 + int(digits[:2])
    return product.first_month <= year * 12 + month < product.last_month


def is_valid(number: str, *, as_of: date | None = None) -> bool:
    """Return whether `number` is a listed contract code of a known product; never raises."""
    answer = _quick(number.upper(), as_of) if number.isascii() else None
    if answer is None:
        answer = _quick(compact(number, as_of=as_of).upper(), as_of)
    return answer is True


def validate(number: str, *, as_of: date | None = None) -> str:
    """Return the exchange's form or raise the ValidationError of the first problem."""
    day = as_of or date.today()
    code = compact(number, as_of=day)
    for finding in _errors(code, day):
        raise error_for(finding)
    return code


def components(number: str, *, as_of: date | None = None) -> dict:
    """Exchange, product (zh/en), delivery year and month, listed months and unified form of a valid code."""
    day = as_of or date.today()
    return _components(parse(validate(number, as_of=day), day))


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error and warning about `number`, with its components."""
    day = as_of or date.today()
    upper = number.upper() if number.isascii() else ""
    if _quick(upper, day):  # the common case: a valid code as the exchange writes it, in any case
        contract = parse(upper, day)
        return Verdict(number, contract.code, True, [], [], _components(contract))
    code = compact(number, as_of=day)
    contract = parse(code, day)
    errors = [] if _quick(code.upper(), day) else list(_errors(code, day))
    parts = _components(contract) if contract and not _shape_bad(errors) else {}
    return verdict(number, code, errors, _warnings(number, contract, day), parts)


def _shape_bad(errors: list[Finding]) -> bool:
    return any(e.code in ("invalid_format", "invalid_length", "unknown_product") for e in errors)


def _errors(code: str, day: date) -> Iterator[Finding]:
    contract = parse(code, day)
    if contract is None:
        yield _shape_finding(code)
        return
    product = contract.product
    if len(contract.digits) != (3 if product.czce_style else 4):
        want = ("3 digits (year digit and month, YMM)", "3 位数字（年份末位与月份）") if product.czce_style else \
            ("4 digits (YYMM)", "4 位数字（年月 YYMM）")
        yield position_finding(_LABEL, code, f"{len(product.product) + 1}–{len(code)}", want, contract.digits,
                               "invalid_length")
        return
    if contract.suffix and ALIASES.get(contract.suffix) != product.exchange:
        yield _suffix_finding(code, contract)
    yield from _month_errors(code, contract)


def _shape_finding(code: str) -> Finding:
    if not code:
        return Finding("invalid_length", "futures code (empty): expected a product code and 3 or 4 digits",
                       "期货合约代码（空）：应为品种代码加 3 或 4 位数字")
    code = code.upper()
    unified_form = _UNIFIED.fullmatch(code)
    if unified_form and unified_form.group(2) in FUTURES:
        product = FUTURES[unified_form.group(2)]
        return position_finding(_LABEL, code, f"1–{len(unified_form.group(1))}",
                                (f"{product.exchange}, the exchange of {product.product}",
                                 f"{product.product} 的上市交易所 {product.exchange}"), unified_form.group(1),
                                "invalid_component")
    letters = len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if letters == 0 or letters > 2:
        return position_finding(_LABEL, code, 1, ("a product code of one or two letters", "一至两位字母的品种代码"),
                                code[:1] or "")
    product = code[:letters]
    if product not in FUTURES:
        return Finding("unknown_product",
                       f"futures code {shown(code)}: {product} is not a futures product of CFFEX, SHFE, INE, DCE, "
                       "CZCE or GFEX",
                       f"期货合约代码 {shown(code)}：{product} 不是中金所、上期所、上期能源、大商所、"
                       "郑商所或广期所的期货品种")
    rest = code[letters:]
    bad = next((i for i, ch in enumerate(rest) if not "0" <= ch <= "9"), None)
    if bad is not None and bad >= 3 and rest[bad] == ".":
        return position_finding(_LABEL, code, f"{letters + bad + 2}–{len(code)}",
                                ("an exchange suffix such as .SHF, .DCE, .CZC, .CFE, .INE, .GFE",
                                 "交易所后缀，如 .SHF、.DCE、.CZC、.CFE、.INE、.GFE"), rest[bad + 1:])
    if bad is not None:
        return position_finding(_LABEL, code, letters + bad + 1, ("a digit", "数字"), rest[bad])
    return position_finding(_LABEL, code, f"{letters + 1}–{len(code)}", ("3 or 4 digits of year and month",
                                                                         "3 或 4 位年月数字"), rest, "invalid_length")


def _suffix_finding(code: str, contract: Contract) -> Finding:
    product = contract.product
    if contract.suffix not in ALIASES:
        at = len(code) - len(contract.suffix) + 1
        return position_finding(_LABEL, code, f"{at}–{len(code)}",
                                ("an exchange suffix such as SHF, DCE, CZC, CFE, INE, GFE",
                                 "交易所后缀，如 SHF、DCE、CZC、CFE、INE、GFE"), contract.suffix, "invalid_component")
    return Finding("invalid_component",
                   f"futures code {code}: suffix {contract.suffix} names another exchange; {product.product} is "
                   f"traded on {product.exchange}",
                   f"期货合约代码 {code}：后缀 {contract.suffix} 指向其他交易所；"
                   f"{product.product} 在 {product.exchange} 上市")


def _month_errors(code: str, contract: Contract) -> Iterator[Finding]:
    product, month = contract.product, contract.month
    if not 1 <= month <= 12:
        at = len(product.product) + len(contract.digits) - 1
        yield position_finding(_LABEL, code, f"{at}–{at + 1}", _MONTH, f"{month:02d}")
        return
    if month not in product.months:
        listed = ", ".join(str(m) for m in sorted(product.months))
        yield Finding("invalid_component",
                      f"futures code {code}: month {month:02d} is not a listed month of {product.product} "
                      f"{product.name_zh} (listed: {listed})",
                      f"期货合约代码 {code}：{month:02d} 月不是 {product.product}（{product.name_zh}）的合约月份"
                      f"（合约月份：{listed}）")
    yield from _life_errors(code, contract)


def _life_errors(code: str, contract: Contract) -> Iterator[Finding]:
    product, month = contract.product, date(contract.year, contract.month, 1)
    if month < product.first_listed.replace(day=1):
        yield Finding("not_yet_valid",
                      f"futures code {code}: {product.product} was first listed on {product.first_listed}, after "
                      f"the delivery month {month:%Y-%m}",
                      f"期货合约代码 {code}：{product.product} 于 {product.first_listed} 上市，"
                      f"晚于交割月份 {month:%Y-%m}")
    if product.delisted and month >= product.delisted.replace(day=1):
        yield Finding("delisted",
                      f"futures code {code}: {product.product} was delisted on {product.delisted}",
                      f"期货合约代码 {code}：{product.product} 已于 {product.delisted} 摘牌")


def _warnings(raw: str, contract: Contract | None, day: date) -> list[Finding]:
    if contract is None or not contract.product.czce_style:
        return []
    written = parse(_from_unified(fold(raw, _DROP)), day)
    if written is None or not (written.product.czce_style and len(written.digits) == 4):
        return []
    return [Finding("czce_year_digits",
                    f"futures code {shown(raw)}: CZCE writes one year digit ({contract.code}); read as {contract.year}",
                    f"期货合约代码 {shown(raw)}：郑商所合约代码年份为一位（{contract.code}），"
                    f"按 {contract.year} 年理解")]


def _components(contract: Contract | None) -> dict:
    if contract is None:
        return {}
    return {**_PRODUCT_PARTS[contract.product.product], "delivery_year": contract.year,
            "delivery_month": contract.month, "contract_month": f"{contract.year}-{contract.month:02d}",
            "exchange_code": contract.code, "unified": unified(contract)}


def _product_parts(product: Product) -> dict:
    return {"product": product.product, "product_name": product.name_en, "product_name_zh": product.name_zh,
            **EXCHANGES[product.exchange].parts(), "listed_months": sorted(product.months),
            "product_first_listed": product.first_listed.isoformat(),
            "product_delisted": product.delisted.isoformat() if product.delisted else None,
            **source_parts(product.source, product.basis)}


_PRODUCT_PARTS = {product.product: _product_parts(product) for product in FUTURES.values()}


def unified(contract: Contract) -> str:
    return f"{contract.product.exchange}.{contract.product.product.upper()}.{contract.year}{contract.month:02d}"
