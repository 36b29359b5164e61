"""Futures contract codes of the six exchanges against the product table (listed months, listing life)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import cn_futures
from codes.validators.base import InvalidComponent, InvalidFormat, InvalidLength
from codes.validators.cn_data import PRODUCTS, SOURCES

PROPERTY = settings(database=None, deadline=None, max_examples=300)
DAY = date(2024, 12, 2)
LIVE = sorted((p for p in cn_futures.FUTURES.values() if p.delisted is None), key=lambda p: p.product)


@st.composite
def listed_contracts(draw) -> tuple[str, date]:
    """A listed product, one of its months, a year from its listing on, and a day a year before it."""
    product = draw(st.sampled_from(LIVE))
    year = draw(st.integers(max(product.first_listed.year + 1, 2019), 2029))
    month = draw(st.sampled_from(sorted(product.months)))
    digits = f"{year % 10}{month:02d}" if product.czce_style else f"{year % 100:02d}{month:02d}"
    return product.product + digits, date(year - 1, month, 1)


class TestProductTable:
    def test_all_six_exchanges_with_their_case_convention(self):
        by_exchange = {}
        for product in PRODUCTS.values():
            by_exchange.setdefault(product.exchange, []).append(product.product)
        assert set(by_exchange) == {"CFFEX", "SHFE", "INE", "DCE", "CZCE", "GFEX"}
        for exchange, products in by_exchange.items():
            upper = exchange in ("CFFEX", "CZCE")
            assert all(p.isupper() == upper for p in products), exchange

    def test_every_row_is_complete_and_sourced(self):
        for product in PRODUCTS.values():
            assert product.name_zh and product.name_en and product.months <= set(range(1, 13))
            assert product.source in SOURCES and product.basis in ("sourced", "assumed")
            assert product.delisted is None or product.first_listed < product.delisted


class TestDecoding:
    @pytest.mark.parametrize(("raw", "exchange", "name_zh", "month"), [
        ("IF2412", "CFFEX", "沪深300股指期货", "2024-12"), ("T2503", "CFFEX", "10年期国债期货", "2025-03"),
        ("cu2501", "SHFE", "铜", "2025-01"), ("sc2502", "INE", "原油", "2025-02"),
        ("m2505", "DCE", "豆粕", "2025-05"), ("SR501", "CZCE", "白糖", "2025-01"),
        ("si2501", "GFEX", "工业硅", "2025-01"),
    ])
    def test_exchange_product_and_month(self, raw, exchange, name_zh, month):
        parts = cn_futures.components(raw, as_of=DAY)
        assert (parts["exchange"], parts["product_name_zh"], parts["contract_month"]) == (exchange, name_zh, month)

    def test_czce_year_digit_is_read_near_the_date(self):
        assert cn_futures.components("SR501", as_of=date(2024, 6, 1))["delivery_year"] == 2025
        assert cn_futures.components("SR501", as_of=date(2033, 6, 1))["delivery_year"] == 2035

    def test_four_digit_czce_year_is_folded_with_a_warning(self):
        verdict = cn_futures.check("SR2501", as_of=DAY)
        assert verdict.valid and verdict.normalized == "SR501"
        assert [w.code for w in verdict.warnings] == ["czce_year_digits"]

    @pytest.mark.parametrize("raw", ["CU2501", "cu2501.SHF", "cu2501.shfe", " ｃｕ２５０１ ", "SHFE.CU.202501"])
    def test_case_width_suffix_and_unified_input_fold(self, raw):
        assert cn_futures.compact(raw) == "cu2501"

    def test_unified_both_ways(self):
        assert cn_futures.to_unified("SR501", as_of=DAY) == "CZCE.SR.202501"
        assert cn_futures.from_unified("CZCE.SR.202501") == "SR501"


class TestFindings:
    def test_month_not_listed_for_the_product(self):
        with pytest.raises(InvalidComponent, match="month 02 is not a listed month of ru"):
            cn_futures.validate("ru2502")

    def test_contract_before_the_product_was_listed(self):
        assert cn_futures.check("lc2001").errors[0].code == "not_yet_valid"

    def test_delisted_product(self):
        assert cn_futures.check("ME601", as_of=date(2016, 1, 1)).errors[0].code == "delisted"

    def test_month_out_of_range_names_positions(self):
        with pytest.raises(InvalidFormat, match="positions 5–6: expected a month 01–12, found '13'"):
            cn_futures.validate("cu2513")

    def test_wrong_digit_count_for_the_exchange(self):
        with pytest.raises(InvalidLength, match="expected 4 digits"):
            cn_futures.validate("cu501")

    def test_suffix_of_another_exchange(self):
        assert "names another exchange" in cn_futures.check("cu2501.DCE").errors[0].message_en

    def test_unified_form_naming_the_wrong_exchange(self):
        message = cn_futures.check("DCE.CU.202501").errors[0].message_en
        assert message.endswith("positions 1–3: expected SHFE, the exchange of cu, found 'DCE'")

    def test_unknown_product(self):
        assert cn_futures.check("XX2501").errors[0].code == "unknown_product"

    def test_option_products_are_not_futures(self):
        assert not cn_futures.is_valid("IO2412")


class TestProperties:
    @PROPERTY
    @given(case=listed_contracts())
    def test_every_listed_month_of_every_product_is_valid(self, case):
        code, day = case
        assert cn_futures.validate(code, as_of=day) == code

    @PROPERTY
    @given(case=listed_contracts())
    def test_unified_round_trip(self, case):
        code, day = case
        assert cn_futures.from_unified(cn_futures.to_unified(code, as_of=day), as_of=day) == code

    @PROPERTY
    @given(case=listed_contracts(), month=st.integers(0, 99))
    def test_is_valid_agrees_with_check_for_any_month(self, case, month):
        code, day = case
        changed = f"{code[:-2]}{month:02d}"
        assert cn_futures.is_valid(changed, as_of=day) is cn_futures.check(changed, as_of=day).valid
        assert cn_futures.is_valid(changed.upper(), as_of=day) is cn_futures.check(changed.upper(), as_of=day).valid
