"""CFI (ISO 10962:2021): every category, group and attribute letter from data, decoded in zh and en."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import cfi
from codes.validators.base import InvalidComponent, InvalidFormat, InvalidLength

PROPERTY = settings(database=None, deadline=None, max_examples=200)
GROUPS = sorted(cfi.GROUPS)
# Collective investment vehicles as issued by fund administrators and numbering agencies (UCITS funds,
# ETFs, REITs, funds of funds), with the 2021 attribute letters.
PUBLISHED_CIVS = ["CIOGEU", "CIOGES", "CIOIES", "CIOJEU", "CIOGBU", "CIOIMS", "CEOGEU", "CEOIBS",
                  "CEOJLU", "CFOIMU", "CBOIXU", "CMXXXX"]


def errors(code: str) -> list[str]:
    return [finding.code for finding in cfi.check(code).errors]


@st.composite
def valid_codes(draw) -> str:
    group = draw(st.sampled_from(GROUPS))
    letters = [draw(st.sampled_from(sorted({*a["values"], "X"}))) for a in cfi.GROUPS[group]["attributes"]]
    return group + "".join(letters)


class TestTable:
    def test_all_fourteen_categories_of_the_2021_edition(self):
        assert "".join(sorted(cfi.CATEGORIES)) == "CDEFHIJKLMORST"

    def test_seventy_eight_groups(self):
        assert len(GROUPS) == 78

    def test_every_name_has_english_and_chinese(self):
        for category in cfi.CATEGORIES.values():
            assert category["en"] and category["zh"]
            for group in category["groups"].values():
                assert group["en"] and group["zh"] and len(group["attributes"]) == 4
                for attribute in group["attributes"]:
                    assert bool(attribute["en"]) == bool(attribute["zh"])
                    assert all(v["en"] and v["zh"] for v in attribute["values"].values())

    def test_the_table_names_its_source_and_marks_the_translation(self):
        assert "SIX" in cfi.TABLE["source"] and "own translation" in cfi.TABLE["translation"]


class TestDecoding:
    def test_common_share(self):
        components = cfi.components("ESVUFR")
        assert (components["category_name"], components["group_name_zh"]) == ("Equities", "普通股")
        assert [(a["name"], a["value"]) for a in components["attributes"]] == [
            ("Voting right", "Voting"), ("Ownership/transfer/sales restrictions", "Free"),
            ("Payment status", "Fully paid"), ("Form", "Registered")]

    @pytest.mark.parametrize("code", PUBLISHED_CIVS)
    def test_published_civ_codes_are_valid(self, code):
        assert cfi.is_valid(code)

    @PROPERTY
    @given(code=valid_codes())
    def test_every_letter_of_a_valid_code_is_decoded_in_both_languages(self, code):
        verdict = cfi.check(code)
        assert verdict.valid
        for attribute in verdict.components["attributes"]:
            assert attribute["value"] and attribute["value_zh"]

    def test_x_means_not_applicable_everywhere(self):
        verdict = cfi.check("ESXXXX")
        assert verdict.valid
        assert {a["value"] for a in verdict.components["attributes"]} == {"Not applicable/undefined"}

    @PROPERTY
    @given(group=st.sampled_from(GROUPS))
    def test_every_group_accepts_x_everywhere(self, group):
        assert cfi.validate(group + "XXXX") == group + "XXXX"

    def test_components_raises_on_an_invalid_code(self):
        with pytest.raises(InvalidComponent):
            cfi.components("EUOISU")


class TestErrors:
    def test_undefined_category(self):
        with pytest.raises(InvalidComponent, match="category letter Q at position 1"):
            cfi.validate("QSVUFR")

    def test_undefined_group_for_the_category(self):
        verdict = cfi.check("EUOISU")  # the 2001 edition's fund group
        assert [f.code for f in verdict.errors] == ["invalid_component"]
        assert "group letter U at position 2 is not defined in category E" in verdict.errors[0].message_en

    def test_every_bad_attribute_is_named_with_position_expected_and_found(self):
        verdict = cfi.check("ESQUFQ")
        assert [f.message_en for f in verdict.errors] == [
            "CFI ESQUFQ: letter Q at position 3 (Voting right) is not defined for group ES "
            "(expected one of E, N, R, V, X)",
            "CFI ESQUFQ: letter Q at position 6 (Form) is not defined for group ES (expected one of B, M, N, R, X)",
        ]
        assert "第 3 位（表决权）字母 Q" in verdict.errors[0].message_zh

    def test_unused_position_accepts_only_x(self):
        assert errors("FFICSA") == ["invalid_component"]
        assert "expected one of X" in cfi.check("FFICSA").errors[0].message_en

    def test_groups_once_unchecked_are_now_exact(self):
        assert not cfi.is_valid("SRCCSP") and cfi.is_valid("SRCCSX")

    def test_format_and_length(self):
        with pytest.raises(InvalidFormat):
            cfi.validate("ES1UFR")
        with pytest.raises(InvalidLength):
            cfi.validate("ESVUF")

    def test_fullwidth_lowercase(self):
        assert cfi.validate("ｅｓｖｕｆｒ") == "ESVUFR"
