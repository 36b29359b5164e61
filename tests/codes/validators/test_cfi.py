"""CFI (ISO 10962:2021): decoding category, group and attributes from the data table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import cfi
from codes.validators.base import InvalidComponent, InvalidFormat, InvalidLength

PROPERTY = settings(database=None, deadline=None, max_examples=200)
GROUPS = sorted(c + g for c, category in cfi.CATEGORIES.items() for g in category["groups"])


def errors(code: str) -> list[str]:
    return [finding.code for finding in cfi.check(code).errors]


class TestTable:
    def test_all_fourteen_categories_of_the_2021_edition(self):
        assert "".join(sorted(cfi.CATEGORIES)) == "CDEFHIJKLMORST"

    def test_every_category_and_group_has_english_and_chinese_names(self):
        for category in cfi.CATEGORIES.values():
            assert category["en"] and category["zh"]
            assert all(group["en"] and group["zh"] for group in category["groups"].values())

    @pytest.mark.parametrize("group", ["ES", "EP", "CI", "DB", "DT", "OC", "OP", "FF", "FC"])
    def test_attribute_tables_for_the_common_groups(self, group):
        table = cfi.ATTRIBUTES[group]
        assert len(table) == 4 and all(attribute["en"] and attribute["zh"] for attribute in table)

    def test_attribute_tables_belong_to_defined_groups(self):
        assert set(cfi.ATTRIBUTES) <= set(GROUPS)


class TestDecoding:
    def test_common_share(self):
        components = cfi.check("ESVUFR").components
        names = (components["category_name"], components["group_name"])
        assert names == ("Equities", "Common/ordinary shares")
        assert [(a["name"], a["value"]) for a in components["attributes"]] == [
            ("Voting right", "Voting"), ("Ownership/transfer/sales restrictions", "Free (unrestricted)"),
            ("Payment status", "Fully paid"), ("Form", "Registered")]
        assert components["attributes_decoded"] is True

    def test_bond_and_futures(self):
        assert cfi.check("DBFTFB").components["attributes"][1]["value_zh"] == "政府/国家担保"
        assert cfi.check("FFICSX").components["attributes"][0]["value"] == "Indices"

    def test_x_means_not_applicable_everywhere(self):
        verdict = cfi.check("ESXXXX")
        assert verdict.valid
        assert {a["value"] for a in verdict.components["attributes"]} == {"Not applicable/undefined"}

    def test_groups_without_a_table_accept_any_letter_and_say_so(self):
        verdict = cfi.check("SRCCSP")
        assert verdict.valid and verdict.components["attributes_decoded"] is False
        assert verdict.components["attributes"][0]["name"] is None

    @PROPERTY
    @given(group=st.sampled_from(GROUPS))
    def test_every_group_with_unknown_attributes_is_valid(self, group):
        assert cfi.validate(group + "XXXX") == group + "XXXX"


class TestErrors:
    def test_undefined_category(self):
        with pytest.raises(InvalidComponent, match="category letter Q at position 1"):
            cfi.validate("QSVUFR")

    def test_undefined_group_for_the_category(self):
        verdict = cfi.check("EUOISU")  # the 2001 edition's fund group
        assert [f.code for f in verdict.errors] == ["invalid_component"]
        assert "group letter U at position 2 is not defined in category E" in verdict.errors[0].message_en

    def test_every_bad_attribute_is_named_with_position_and_letter(self):
        verdict = cfi.check("ESQUFQ")
        assert [f.message_en for f in verdict.errors] == [
            "CFI ESQUFQ: letter Q at position 3 (Voting right) is not defined for group ES",
            "CFI ESQUFQ: letter Q at position 6 (Form) is not defined for group ES",
        ]

    def test_futures_last_attribute_is_only_x(self):
        assert errors("FFICSA") == ["invalid_component"]

    def test_format_and_length(self):
        with pytest.raises(InvalidFormat):
            cfi.validate("ES1UFR")
        with pytest.raises(InvalidLength):
            cfi.validate("ESVUF")

    def test_fullwidth_lowercase(self):
        assert cfi.validate("ｅｓｖｕｆｒ") == "ESVUFR"
