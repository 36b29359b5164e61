"""Exchange security codes (SSE, SZSE, BSE): venue and kind by dated code ranges, the BSE 920 switch."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import cn_security
from codes.validators.base import InvalidComponent, InvalidFormat, InvalidLength
from codes.validators.cn_data import SOURCES, rows

PROPERTY = settings(database=None, deadline=None, max_examples=300)
BEFORE, AFTER = date(2025, 1, 1), date(2026, 1, 5)
RANGE_ROWS = rows("cn_security_ranges.csv")


@st.composite
def codes_in_ranges(draw) -> tuple[str, dict]:
    row = draw(st.sampled_from(RANGE_ROWS))
    body = f"{draw(st.integers(int(row['first']), int(row['last']))):06d}"
    suffix = {"SSE": "SH", "SZSE": "SZ", "BSE": "BJ"}[row["exchange"]]
    return f"{body}.{suffix}", row


class TestData:
    def test_every_rule_names_a_public_source_and_its_basis(self):
        for row in [*RANGE_ROWS, *rows("cn_bse_code_switch.csv")]:
            assert row["source"] in SOURCES and row["basis"] in ("sourced", "assumed")
        assert all(source["url"].startswith("http") for source in SOURCES.values())

    def test_ranges_are_six_digits_and_dated_in_order(self):
        for row in RANGE_ROWS:
            assert len(row["first"]) == len(row["last"]) == 6 and row["first"] <= row["last"]
            if row["valid_from"] and row["valid_to"]:
                assert row["valid_from"] < row["valid_to"]

    def test_switch_targets_are_920_codes_from_the_switch_day(self):
        for switch in cn_security.SWITCH_FROM.values():
            assert switch.new.startswith("920") and switch.effective == date(2025, 10, 9)


class TestDecoding:
    @pytest.mark.parametrize(("raw", "exchange", "kind"), [
        ("600000", "SSE", "main_board"), ("688981", "SSE", "star"), ("689009", "SSE", "star_cdr"),
        ("000001", "SZSE", "main_board"), ("002594.SZ", "SZSE", "main_board"), ("300750", "SZSE", "chinext"),
        ("900901", "SSE", "b_share"), ("200002", "SZSE", "b_share"), ("510050", "SSE", "etf"),
        ("159919", "SZSE", "etf"), ("113050", "SSE", "convertible"), ("204001", "SSE", "repo"),
        ("508000", "SSE", "reit"), ("000300.SH", "SSE", "index"), ("920118.BJ", "BSE", "bse_share"),
    ])
    def test_venue_and_kind(self, raw, exchange, kind):
        parts = cn_security.components(raw, as_of=AFTER)
        assert (parts["exchange"], parts["kind"]) == (exchange, kind)
        assert parts["kind_name"] and parts["kind_name_zh"] and parts["rule_source"]

    @pytest.mark.parametrize("raw", ["600000.SH", "SH600000", "sh.600000", "600000.XSHG", "XSHG:600000",
                                     "600000SH", "６０００００.ＳＨ", " 600000 .sh ", "600000.SS"])
    def test_affixes_mics_width_and_case_fold(self, raw):
        assert cn_security.compact(raw) == "600000.SH"

    def test_bare_code_goes_to_the_narrowest_range(self):
        assert cn_security.compact("000001") == "000001.SZ"  # SZSE share, not the SSE index range
        assert cn_security.compact("159919") == "159919.SZ"  # SZSE ETF, not the SSE bond range


class TestBseSwitch:
    def test_old_code_names_its_successor_before_the_switch(self):
        verdict = cn_security.check("430047.BJ", as_of=BEFORE)
        assert verdict.valid and verdict.components["successor"]["code"] == "920047.BJ"
        assert [w.code for w in verdict.warnings] == ["code_switch"]

    def test_old_code_is_superseded_from_the_switch_day(self):
        verdict = cn_security.check("430047.BJ", as_of=date(2025, 10, 9))
        assert [e.code for e in verdict.errors] == ["superseded"]
        assert "920047.BJ" in verdict.errors[0].message_zh

    def test_new_code_is_not_valid_before_it_replaces_the_old_one(self):
        assert not cn_security.is_valid("920047.BJ", as_of=BEFORE)
        parts = cn_security.components("920047.BJ", as_of=AFTER)
        assert parts["predecessor"] == {"code": "430047.BJ", "effective": "2025-10-09"}

    def test_unmapped_legacy_code_points_to_the_920_segment(self):
        verdict = cn_security.check("871234.BJ", as_of=AFTER)
        assert verdict.errors[0].code == "superseded" and "920" in verdict.errors[0].message_en

    def test_920_segment_opened_in_april_2024(self):
        assert not cn_security.is_valid("920118.BJ", as_of=date(2024, 4, 21))
        assert cn_security.is_valid("920118.BJ", as_of=date(2024, 4, 22))


class TestFindings:
    def test_position_expected_found(self):
        with pytest.raises(InvalidFormat, match="position 6: expected a digit, found 'A'"):
            cn_security.validate("60000A.SH")

    def test_unknown_suffix(self):
        with pytest.raises(InvalidComponent, match="positions 8–9: expected an exchange suffix"):
            cn_security.validate("600000.XX")

    def test_range_not_of_the_exchange(self):
        message = cn_security.check("604000.SH").errors[0].message_zh
        assert "第 1–3 位应为SSE 的代码区间" in message and "实际为 '604'" in message

    def test_leading_digit_not_of_the_exchange(self):
        assert "position 1: expected a leading digit of BSE" in cn_security.check("600000.BJ").errors[0].message_en

    def test_length(self):
        with pytest.raises(InvalidLength):
            cn_security.validate("6000001")


class TestProperties:
    @PROPERTY
    @given(case=codes_in_ranges())
    def test_every_code_of_a_range_in_force_is_valid_with_its_kind(self, case):
        code, row = case
        day = date.fromisoformat(row["valid_from"]) if row["valid_from"] else AFTER
        if row["valid_to"] and day >= date.fromisoformat(row["valid_to"]):
            return
        verdict = cn_security.check(code, as_of=day)
        if code[:6] in cn_security.SWITCH_TO:
            return
        assert verdict.valid, verdict.errors
        assert verdict.components["exchange"] == row["exchange"]

    @PROPERTY
    @given(case=codes_in_ranges(), day=st.dates(date(2018, 1, 1), date(2030, 12, 31)))
    def test_is_valid_agrees_with_check_on_every_date(self, case, day):
        code, _ = case
        assert cn_security.is_valid(code, as_of=day) is cn_security.check(code, as_of=day).valid

    @PROPERTY
    @given(case=codes_in_ranges(), position=st.integers(0, 5), letter=st.sampled_from("ABOX-/"))
    def test_a_non_digit_anywhere_in_the_body_is_caught_at_its_position(self, case, position, letter):
        code, _ = case
        broken = code[:position] + letter + code[position + 1:]
        verdict = cn_security.check(broken)
        assert not verdict.valid and f"position {position + 1}" in verdict.errors[0].message_en
