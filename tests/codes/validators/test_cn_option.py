"""Listed option codes: every exchange's form decoded, the unified form, conversion both ways."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import cn_option
from codes.validators.base import InvalidComponent, InvalidFormat, InvalidLength
from codes.validators.cn_data import PRODUCTS

PROPERTY = settings(database=None, deadline=None, max_examples=300)
DAY = date(2024, 12, 2)
WITH_OPTIONS = sorted((p for p in PRODUCTS.values() if p.options_from and p.delisted is None),
                      key=lambda p: p.product)
ETF_UNDERLYINGS = ["510050", "510300", "510500", "588000", "159919", "159915", "159922"]


@st.composite
def exchange_codes(draw) -> tuple[str, date]:
    """An option code in its exchange's form and a day on which it can be listed."""
    if draw(st.booleans()):
        underlying = draw(st.sampled_from(ETF_UNDERLYINGS))
        year, month = draw(st.integers(2020, 2029)), draw(st.integers(1, 12))
        kind, adjustment = draw(st.sampled_from("CP")), draw(st.sampled_from("MMMAB"))
        strike = draw(st.integers(1, 99_999))
        return f"{underlying}{kind}{year % 100:02d}{month:02d}{adjustment}{strike:05d}", date(year, 1, 1)
    product = draw(st.sampled_from(WITH_OPTIONS))
    year = draw(st.integers(max(product.options_from.year + 1, 2020), 2029))
    month = draw(st.sampled_from(sorted(product.months)))
    digits = f"{year % 10}{month:02d}" if product.czce_style else f"{year % 100:02d}{month:02d}"
    sep = "-" if product.exchange in ("CFFEX", "DCE", "GFEX") else ""
    strike = draw(st.integers(1, 999_999))
    return f"{product.product}{digits}{sep}{draw(st.sampled_from('CP'))}{sep}{strike}", date(year - 1, 6, 1)


class TestExchangeForms:
    def test_etf_option_trading_code(self):
        parts = cn_option.components("510050C2412M02500", as_of=DAY)
        assert (parts["exchange"], parts["underlying"]["code"], parts["option_type_zh"]) == ("SSE", "510050.SH", "看涨")
        assert (parts["contract_month"], parts["strike"], parts["adjusted"]) == ("2024-12", "2.500", False)

    def test_szse_etf_option_and_adjustment_letter(self):
        parts = cn_option.components("159919P2503A04000", as_of=DAY)
        assert parts["exchange"] == "SZSE" and parts["adjustment"] == "A" and parts["adjusted"] is True

    def test_numeric_contract_code_is_an_opaque_key(self):
        verdict = cn_option.check("10004567")
        assert verdict.valid and verdict.warnings[0].code == "opaque_code"
        assert verdict.components["form"] == "contract_number" and verdict.components["exchange"] == "SSE"

    @pytest.mark.parametrize(("raw", "exchange", "underlying", "kind"), [
        ("IO2412-C-3900", "CFFEX", "000300.SH", "index"), ("MO2501-P-6000", "CFFEX", "000852.SH", "index"),
        ("HO2412-C-2500", "CFFEX", "000016.SH", "index"), ("m2501-C-3000", "DCE", "m2501", "future"),
        ("SR501C5000", "CZCE", "SR501", "future"), ("cu2501C72000", "SHFE", "cu2501", "future"),
        ("sc2501C500", "INE", "sc2501", "future"), ("si2501-C-15000", "GFEX", "si2501", "future"),
    ])
    def test_index_and_commodity_options_link_their_underlying(self, raw, exchange, underlying, kind):
        parts = cn_option.components(raw, as_of=DAY)
        assert (parts["exchange"], parts["underlying"]["code"], parts["underlying"]["kind"]) == (
            exchange, underlying, kind)
        assert parts["product_name_zh"] and parts["exchange_code"] == raw

    @pytest.mark.parametrize(("raw", "normalized"), [
        ("m2501c3000", "m2501-C-3000"), ("M2501-C-3000", "m2501-C-3000"), ("sr2501-c-5000", "SR501C5000"),
        ("CU2501-C-72000", "cu2501C72000"), ("ｉｏ２４１２－Ｃ－３９００", "IO2412-C-3900"),
        ("510050c2412m02500.sh", "510050C2412M02500"),
    ])
    def test_case_width_and_separators_fold_to_the_exchange_form(self, raw, normalized):
        assert cn_option.compact(raw, as_of=DAY) == normalized


class TestUnifiedForm:
    @pytest.mark.parametrize(("code", "unified"), [
        ("510050C2412M02500", "SSE.510050.202412.C.2.500"),
        ("159919P2503A04000", "SZSE.159919.202503.P.4.000.A"),
        ("IO2412-C-3900", "CFFEX.IO.202412.C.3900"),
        ("m2501-C-3000", "DCE.M.202501.C.3000"),
        ("SR501C5000", "CZCE.SR.202501.C.5000"),
        ("cu2501C72000", "SHFE.CU.202501.C.72000"),
    ])
    def test_both_ways(self, code, unified):
        assert cn_option.to_unified(code, as_of=DAY) == unified
        assert cn_option.from_unified(unified, as_of=DAY) == code
        assert cn_option.format(code, form="unified", as_of=DAY) == unified

    @PROPERTY
    @given(case=exchange_codes())
    def test_round_trip_of_every_generated_code(self, case):
        code, day = case
        assert cn_option.validate(code, as_of=day) == code
        assert cn_option.from_unified(cn_option.to_unified(code, as_of=day), as_of=day) == code


class TestFindings:
    def test_wrong_type_letter(self):
        with pytest.raises(InvalidFormat, match="position 7: expected C or P, found 'X'"):
            cn_option.validate("510050X2412M02500")

    def test_short_trading_code(self):
        with pytest.raises(InvalidLength, match="expected 17"):
            cn_option.validate("510050C2412M0250")

    def test_underlying_that_is_not_an_etf_or_share(self):
        assert "not an ETF or a share" in cn_option.check("204001C2412M02500").errors[0].message_en

    def test_underlying_future_month_not_listed(self):
        message = cn_option.check("m2502-C-3000").errors[0].message_zh
        assert message.startswith("期权合约代码 m2502-C-3000：标的期货合约代码 m2502：02 月不是")

    def test_product_without_options(self):
        with pytest.raises(InvalidComponent, match="has no listed options"):
            cn_option.validate("cs2501-C-3000", as_of=DAY)

    def test_month_out_of_range(self):
        assert "expected a month 01–12, found '13'" in cn_option.check("IO2413-C-3900").errors[0].message_en

    def test_unknown_product(self):
        assert cn_option.check("XX2501C100").errors[0].code == "unknown_product"


class TestProperties:
    @PROPERTY
    @given(case=exchange_codes(), position=st.integers(0, 16), ch=st.sampled_from("0Z-.C/"))
    def test_is_valid_agrees_with_check_on_mutations(self, case, position, ch):
        code, day = case
        mutated = code[:position] + ch + code[position + 1:]
        assert cn_option.is_valid(mutated, as_of=day) is cn_option.check(mutated, as_of=day).valid
