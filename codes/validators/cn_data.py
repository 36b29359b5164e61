"""Rule tables of China's instrument codes, read once from data/cn_*.csv, and the findings they share.

Every table row carries its validity dates (half-open [valid_from, valid_to)), whether the rule was
checked against its source (`basis`: sourced | assumed) and the key of its public source
(``data/cn_code_sources.csv``: exchange business rules and notices).

>>> EXCHANGES["CZCE"].mic, ALIASES["SS"], ALIASES["XSHE"]
('XZCE', 'SSE', 'SZSE')
>>> print(position_finding(("code", "代码"), "60000A", 6, ("a digit", "数字"), "A").message_en)
code 60000A: position 6: expected a digit, found 'A'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from codes.validators.base import DATA_DIR, Finding, parse_date, shown, shown_char

Label = tuple[str, str]
_FOUND_CHARS = 12  # a longer "found" is cut: the message names the code already


@dataclass(frozen=True, slots=True)
class Exchange:
    exchange: str
    suffix: str
    mic: str
    name_zh: str
    name_en: str

    def parts(self) -> dict:
        return {"exchange": self.exchange, "exchange_name": self.name_en, "exchange_name_zh": self.name_zh,
                "mic": self.mic, "suffix": self.suffix}


@dataclass(frozen=True, slots=True)
class Product:
    """One row of data/cn_futures_products.csv; `product` is in its exchange's case."""

    exchange: str
    product: str
    instrument: str
    underlying: str
    name_zh: str
    name_en: str
    months: frozenset[int]
    first_listed: date
    delisted: date | None
    options_from: date | None
    basis: str
    source: str
    czce_style: bool = False  # one year digit (CZCE)
    first_month: int = 0  # year * 12 + month of the first listing
    last_month: int = 10**6  # year * 12 + month of the delisting (exclusive)
    options_month: int = 10**6  # year * 12 + month of the first option listing

def rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _exchanges() -> tuple[dict[str, Exchange], dict[str, str]]:
    table, aliases = {}, {}
    for row in rows("cn_exchanges.csv"):
        table[row["exchange"]] = Exchange(row["exchange"], row["suffix"], row["mic"], row["name_zh"],
                                          row["name_en"])
        aliases.update(dict.fromkeys(row["aliases"].split(), row["exchange"]))
    return table, aliases


def _months(text: str) -> frozenset[int]:
    if "-" in text:
        low, high = text.split("-")
        return frozenset(range(int(low), int(high) + 1))
    return frozenset(int(month) for month in text.split())


def _month_number(day: date | None) -> int:
    return day.year * 12 + day.month if day else 10**6


def _products() -> dict[str, Product]:
    table = {}
    for row in rows("cn_futures_products.csv"):
        first, delisted = parse_date(row["first_listed"]), parse_date(row["delisted"])
        options = parse_date(row["options_from"])
        table[row["product"].upper()] = Product(
            row["exchange"], row["product"], row["instrument"], row["underlying"], row["name_zh"],
            row["name_en"], _months(row["months"]), first, delisted, options, row["basis"], row["source"],
            row["exchange"] == "CZCE", _month_number(first), _month_number(delisted), _month_number(options))
    return table


EXCHANGES, ALIASES = _exchanges()
SOURCES = {row["key"]: row for row in rows("cn_code_sources.csv")}
# Upper-cased product code -> product; the table has no two products that differ only in case.
PRODUCTS = _products()


def source_parts(key: str, basis: str) -> dict:
    source = SOURCES[key]
    return {"rule_source": f"{source['publisher']}: {source['title']}", "rule_source_url": source["url"],
            "rule_basis": basis}


def in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day < valid_to)


def position_finding(label: Label, code: str, position: int | str, expected: Label, found: str,
                     slug: str = "invalid_format") -> Finding:
    """A finding naming the position (1-based, or a range such as '3–6'), what was expected and what was found."""
    what = shown_char(found) if len(found) == 1 else f"'{shown(found[:_FOUND_CHARS])}'"
    noun = "positions" if isinstance(position, str) else "position"
    return Finding(
        slug,
        f"{label[0]} {shown(code)}: {noun} {position}: expected {expected[0]}, found {what}",
        f"{label[1]} {shown(code)}：第 {position} 位应为{expected[1]}，实际为 {what}",
    )


def first_non_digit(text: str) -> int | None:
    """0-based index of the first character of `text` that is not an ASCII digit."""
    for index, ch in enumerate(text):
        if not ("0" <= ch <= "9"):
            return index
    return None
