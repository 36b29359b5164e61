"""LEI: ISO 7064 MOD 97-10, the length and check-digit layout stdnum 2.2 does not enforce, real codes."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import lei
from codes.validators.base import InvalidChecksum, InvalidFormat, InvalidLength

ALNUM = string.digits + string.ascii_uppercase
BODIES = st.text(alphabet=ALNUM, min_size=18, max_size=18)
PROPERTY = settings(database=None, deadline=None, max_examples=300)
CFFEX = "30030072NOVE6XE20095"  # China Financial Futures Exchange


def errors(code: str) -> list[str]:
    return [finding.code for finding in lei.check(code).errors]


class TestRealCodes:
    def test_every_real_lei_is_valid(self, real_leis):
        assert len(real_leis) == 1022
        assert [row["lei"] for row in real_leis if not lei.is_valid(row["lei"])] == []

    def test_chinese_lous(self, real_leis):
        chinese = {row["lei"][:4] for row in real_leis if row["country"] == "CN"}
        assert chinese <= {"3003", "8368"} and chinese

    def test_components(self):
        assert lei.check(CFFEX).components == {"lou_prefix": "3003", "entity": "0072NOVE6XE200",
                                               "check_digits": "95"}


class TestCalcCheckDigit:
    def test_known(self):
        assert lei.calc_check_digit(CFFEX[:18]) == "95"

    @PROPERTY
    @given(body=BODIES)
    def test_body_plus_check_digits_validates(self, body):
        assert lei.validate(body + lei.calc_check_digit(body))

    def test_check_digits_are_two_digits_even_when_small(self):
        assert all(len(lei.calc_check_digit(f"{n:018d}")) == 2 for n in range(200))


class TestErrorDetection:
    @PROPERTY
    @given(body=BODIES, data=st.data())
    def test_every_same_kind_substitution_is_caught(self, body, data):
        # A digit for a digit or a letter for a letter changes the number by (v' - v) * 10^k, never a
        # multiple of 97; a letter for a digit shifts the expansion and is caught only 96 times in 97.
        code = body + lei.calc_check_digit(body)
        position = data.draw(st.integers(min_value=0, max_value=19))
        pool = string.digits if code[position].isdigit() else string.ascii_uppercase
        replacement = data.draw(st.sampled_from([ch for ch in pool if ch != code[position]]))
        assert not lei.is_valid(code[:position] + replacement + code[position + 1:])

    def test_a_letter_for_a_digit_can_be_missed(self):
        assert lei.is_valid(CFFEX) and lei.is_valid("3L030072NOVE6XE20095")


class TestErrors:
    def test_wrong_check_digits_name_the_expected_ones(self):
        with pytest.raises(InvalidChecksum, match="check digits should be 95, not 96"):
            lei.validate(CFFEX[:18] + "96")

    @pytest.mark.parametrize("short", ["1", "30", CFFEX[:19], CFFEX + "0"])
    def test_length_is_enforced(self, short):
        assert not lei.is_valid(short)
        with pytest.raises(InvalidLength):
            lei.validate(short)

    def test_check_digits_must_be_digits(self):
        code = CFFEX[:18] + "9A"
        assert errors(code) == ["invalid_format"]
        with pytest.raises(InvalidFormat, match="positions 19–20"):
            lei.validate(code)

    def test_punctuation_is_a_format_error(self):
        assert errors("30030072NOVE6XE2009.") == ["invalid_format"]


class TestCompact:
    def test_spaces_hyphens_fullwidth_lowercase(self):
        assert lei.compact("3003-0072 nove 6xe2 ００９５") == CFFEX
