"""ISIN: prefixes as versioned data, the Luhn check digit, and real codes."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import isin
from codes.validators.base import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

ALNUM = string.digits + string.ascii_uppercase
PREFIXES = sorted(isin.PREFIXES)
BODIES = st.tuples(st.sampled_from(PREFIXES), st.text(alphabet=ALNUM, min_size=9, max_size=9)).map("".join)
PROPERTY = settings(database=None, deadline=None, max_examples=300)


def errors(code: str, **options) -> list[str]:
    return [finding.code for finding in isin.check(code, **options).errors]


class TestRealCodes:
    def test_every_sampled_real_isin_is_valid(self, real_isins):
        assert len(real_isins) == 681
        assert [row["isin"] for row in real_isins if not isin.is_valid(row["isin"])] == []

    def test_every_real_isin_has_a_decoded_prefix(self, real_isins):
        kinds = {isin.check(row["isin"]).components["prefix_kind"] for row in real_isins}
        assert kinds == {"country", "authority", "national"}

    def test_chinese_a_share(self):
        verdict = isin.check("CNE000000156")
        assert verdict.valid
        assert verdict.components == {
            "prefix": "CN", "prefix_kind": "country", "country_name": "China", "country_name_zh": "中国",
            "nsin": "E00000015", "check_digit": "6",
        }


class TestCalcCheckDigit:
    @pytest.mark.parametrize(("body", "digit"), [("US037833100", "5"), ("CNE0000000P", "0"),
                                                 ("XS018893517", "4"), ("CNE0000001L", "7")])
    def test_known_check_digits(self, body, digit):
        assert isin.calc_check_digit(body) == digit

    @PROPERTY
    @given(body=BODIES)
    def test_body_plus_check_digit_validates(self, body):
        assert isin.validate(body + isin.calc_check_digit(body)) == body + isin.calc_check_digit(body)

    def test_rejects_characters_outside_the_alphabet(self):
        with pytest.raises(InvalidFormat):
            isin.calc_check_digit("US03783310_")


class TestErrorDetection:
    @PROPERTY
    @given(body=BODIES, data=st.data())
    def test_every_digit_substitution_is_caught(self, body, data):
        code = body + isin.calc_check_digit(body)
        position = data.draw(st.sampled_from([i for i, ch in enumerate(code) if ch.isdigit()]))
        digit = data.draw(st.sampled_from([d for d in string.digits if d != code[position]]))
        assert not isin.is_valid(code[:position] + digit + code[position + 1:])

    def test_letter_substitutions_are_not_guaranteed(self):
        # Luhn over letters expanded to two digits: L (21) and G (16) add the same at that place.
        assert isin.is_valid("CNE0000001L7") and isin.is_valid("CNE0000001G7")

    def test_adjacent_transposition_09_90_is_missed_by_luhn(self):
        body = "US00000009" + "0"
        swapped = "US00000090" + "0"
        assert isin.calc_check_digit(body) == isin.calc_check_digit(swapped)


class TestErrors:
    def test_wrong_check_digit_names_the_expected_digit(self):
        verdict = isin.check("US0378331004")
        assert [f.as_dict() for f in verdict.errors] == [{
            "code": "invalid_checksum",
            "message": "ISIN US0378331004: check digit should be 5, not 4",
            "message_zh": "ISIN US0378331004：校验码应为 5，而不是 4",
        }]
        with pytest.raises(InvalidChecksum):
            isin.validate("US0378331004")

    def test_length(self):
        assert errors("US037833100") == ["invalid_length"]
        with pytest.raises(InvalidLength, match="has 11 characters, should have 12"):
            isin.validate("US037833100")

    def test_character_outside_the_alphabet_is_named_with_its_position(self):
        verdict = isin.check("US03783_1005")
        message = verdict.errors[0].message_en
        assert message.endswith("character '_' at position 8 is not allowed (only A–Z, 0–9)")

    def test_prefix_must_be_letters_and_check_digit_a_digit(self):
        assert errors("1S0378331005") == ["invalid_format"]
        assert errors("US037833100X") == ["invalid_format"]

    def test_unknown_prefix(self):
        assert errors("XK0000000007") == ["unknown_prefix"]
        with pytest.raises(InvalidComponent, match="prefix XK is neither"):
            isin.validate("XK0000000007")

    def test_all_errors_are_reported(self):
        assert errors("QQ0378331004") == ["unknown_prefix", "invalid_checksum"]


class TestVersionedPrefixes:
    def test_withdrawn_prefix_is_valid_without_as_of_and_before_withdrawal(self):
        assert isin.is_valid("AN8068571086")
        assert errors("AN8068571086", as_of=date(2010, 12, 14)) == []

    def test_withdrawn_prefix_is_an_error_from_its_withdrawal_day(self):
        verdict = isin.check("AN8068571086", as_of=date(2010, 12, 15))
        assert [f.code for f in verdict.errors] == ["withdrawn_prefix"]
        assert "withdrawn on 2010-12-15" in verdict.errors[0].message_en

    def test_reused_prefix_cs_follows_both_periods(self):
        code = "CS" + "000000001"
        code += isin.calc_check_digit(code)
        assert errors(code, as_of=date(1990, 1, 1)) == []
        assert errors(code, as_of=date(2000, 1, 1)) == ["withdrawn_prefix"]
        assert errors(code, as_of=date(2005, 1, 1)) == []
        assert errors(code, as_of=date(2007, 1, 1)) == ["withdrawn_prefix"]

    def test_new_prefix_is_not_in_force_before_it_was_assigned(self):
        code = "SS" + "000000001"
        code += isin.calc_check_digit(code)
        assert errors(code, as_of=date(2011, 8, 9)) == []
        assert errors(code, as_of=date(2011, 8, 8)) == ["unknown_prefix"]

    @pytest.mark.parametrize("prefix", ["XS", "EU", "EZ", "ZZ", "XA", "XB", "XC", "XD"])
    def test_authority_prefixes_are_accepted_without_warning(self, prefix):
        code = prefix + "123456789"
        verdict = isin.check(code + isin.calc_check_digit(code))
        assert (verdict.valid, verdict.warnings, verdict.components["prefix_kind"]) == (True, [], "authority")

    @pytest.mark.parametrize("prefix", ["QS", "QT", "QW", "XF"])
    def test_national_prefixes_are_valid_with_a_warning(self, prefix):
        code = prefix + "123456789"
        verdict = isin.check(code + isin.calc_check_digit(code))
        assert verdict.valid
        assert [f.code for f in verdict.warnings] == ["national_prefix"]

    def test_table_holds_every_current_iso_3166_code_and_the_withdrawn_ones(self):
        countries = {p for p, rows in isin.PREFIXES.items() if rows[-1].kind == "country"}
        current = {p for p in countries if isin.PREFIXES[p][-1].valid_to is None}
        assert len(current) == 249
        assert {"AN", "CS", "YU"} <= countries - current


class TestCompact:
    def test_spaces_hyphens_fullwidth_and_lowercase(self):
        assert isin.compact(" us-0378 3310 05 ") == "US0378331005"
        assert isin.compact("ＣＮＥ００００００１ｌ７") == "CNE0000001L7"

    @PROPERTY
    @given(body=BODIES)
    def test_fast_path_agrees_with_the_full_check(self, body):
        for code in (body + isin.calc_check_digit(body), body + "0", body.lower() + "5"):
            assert isin.is_valid(code) is isin.check(code).valid

    @PROPERTY
    @given(body=BODIES)
    def test_fast_path_verdict_equals_the_full_one(self, body):
        code = body + isin.calc_check_digit(body)
        full = isin.verdict(code, code, isin._errors(code, None), isin._warnings(code), isin._components(code))
        assert isin.check(code).as_dict() == full.as_dict()
