"""USCC (统一社会信用代码): authority and entity type tables, region, embedded organisation code, mod 31."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import uscc
from codes.validators.base import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PROPERTY = settings(database=None, deadline=None, max_examples=300)
# Real codes whose every part was checked by hand: 9-17 are the organisation code of the old certificate.
REAL = ["91110000600037341L", "91330100716105852F", "9144030071526726XG", "91310000MA1K32MN7F",
        "91310000MA1FW1BXX2"]


def make(authority: str, kind: str, region: str, org_body: str) -> str:
    """A code with both check characters computed."""
    body = authority + kind + region + org_body + uscc.calc_organisation_check(org_body)
    return body + uscc.calc_check_digit(body)


@st.composite
def codes(draw) -> str:
    authority = draw(st.sampled_from(sorted(uscc.AUTHORITIES)))
    kind = draw(st.sampled_from(sorted(uscc.AUTHORITIES[authority][2])))
    province = draw(st.sampled_from(sorted(set(uscc.PROVINCES) - {"10"})))
    county = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    org = draw(st.text(alphabet=uscc.ALPHABET, min_size=8, max_size=8))
    return make(authority, kind, province + county, org)


def errors(code: str) -> list[str]:
    return [finding.code for finding in uscc.check(code).errors]


class TestRealCodes:
    @pytest.mark.parametrize("code", REAL)
    def test_valid(self, code):
        assert uscc.validate(code) == code

    def test_components(self):
        assert uscc.check("91310000MA1K32MN7F").components == {
            "registration_authority": "9", "registration_authority_zh": "工商",
            "registration_authority_en": "industry and commerce (market regulation)",
            "entity_type": "1", "entity_type_zh": "企业", "entity_type_en": "enterprise",
            "region_code": "310000", "province_zh": "上海市",
            "organisation_code": "MA1K32MN-7", "check_character": "F",
        }


class TestAuthorities:
    @pytest.mark.parametrize(("authority", "kind", "name"), [
        ("A", "1", "军队事业单位"), ("N", "2", "村级集体经济组织"), ("Y", "1", "其他"), ("5", "3", "基金会"),
        ("1", "1", "机关"),
    ])
    def test_every_authority_of_the_standard_is_accepted(self, authority, kind, name):
        verdict = uscc.check(make(authority, kind, "110108", "12345678"))
        assert verdict.valid and verdict.components["entity_type_zh"] == name

    def test_the_table_covers_the_twelve_authorities(self):
        assert "".join(sorted(uscc.AUTHORITIES)) == "123456789ANY"

    def test_undefined_authority(self):
        code = make("B", "1", "110000", "12345678")
        with pytest.raises(InvalidComponent, match="registration authority B \\(position 1\\)"):
            uscc.validate(code)

    def test_entity_type_must_belong_to_its_authority(self):
        assert errors(make("9", "9", "110000", "12345678")) == ["invalid_component"]
        assert errors(make("Y", "2", "110000", "12345678")) == ["invalid_component"]


class TestRegion:
    def test_central_level_region(self):
        assert uscc.check(make("1", "1", "100000", "00001234")).components["province_zh"] == "中央"

    @pytest.mark.parametrize("region", ["000000", "190000", "830000", "100100"])
    def test_region_must_start_with_a_province(self, region):
        assert errors(make("9", "1", region, "12345678")) == ["invalid_component"]

    def test_region_must_be_digits(self):
        code = make("9", "1", "11A000", "12345678")
        with pytest.raises(InvalidFormat, match="positions 3–8"):
            uscc.validate(code)


class TestOrganisationCode:
    def test_known_check_characters(self):
        assert [uscc.calc_organisation_check(c[8:16]) for c in REAL] == [c[16] for c in REAL]

    def test_ten_becomes_x_and_eleven_becomes_zero(self):
        assert uscc.calc_organisation_check("71526726") == "X"
        assert uscc.calc_organisation_check("71610586") == "0"

    def test_wrong_embedded_check_is_reported_even_when_the_last_character_fits(self):
        body = "91330100716105862"
        code = body + uscc.calc_check_digit(body)
        verdict = uscc.check(code)
        assert [f.code for f in verdict.errors] == ["invalid_component"]
        expected = "organisation code 71610586-2 (GB 11714) should end in 0, not 2"
        assert expected in verdict.errors[0].message_en


class TestCheckCharacter:
    @PROPERTY
    @given(code=codes())
    def test_generated_codes_validate(self, code):
        assert uscc.validate(code) == code

    @PROPERTY
    @given(code=codes(), data=st.data())
    def test_every_substitution_is_caught(self, code, data):
        position = data.draw(st.integers(min_value=0, max_value=17))
        replacement = data.draw(st.sampled_from([ch for ch in uscc.ALPHABET if ch != code[position]]))
        assert not uscc.is_valid(code[:position] + replacement + code[position + 1:])

    def test_wrong_check_character(self):
        with pytest.raises(InvalidChecksum, match="check character should be L, not M"):
            uscc.validate("91110000600037341M")


class TestFormat:
    @pytest.mark.parametrize("letter", "IOZSV")
    def test_letters_not_used_by_the_standard(self, letter):
        code = "91110000" + letter + "00037341L"
        with pytest.raises(InvalidFormat, match=f"character '{letter}' at position 9"):
            uscc.validate(code)

    def test_length(self):
        with pytest.raises(InvalidLength):
            uscc.validate("91110000600037341")

    def test_fullwidth_spaces_and_hyphens(self):
        assert uscc.compact("９１１１-００００ ６０００３７３４１ｌ") == "91110000600037341L"
