"""Level rules of classification schemes: properties over generated codes and structures (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codes import classification_rules as crules
from registry.errors import InvalidInput

STRUCTURES = st.lists(st.integers(1, 4), min_size=1, max_size=5).map(lambda p: "-".join(map(str, p)))
CHARSETS = st.sampled_from(["digit", "upper", "alnum"])
ALPHABET = {"digit": "0123456789", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@st.composite
def coded(draw):
    """(levels, a well-formed code of a drawn level, that level)."""
    charset = draw(CHARSETS)
    levels = crules.levels_from_structure(draw(STRUCTURES), charset)
    level = draw(st.integers(1, len(levels)))
    code = "".join(draw(st.sampled_from(ALPHABET[charset])) for _ in range(levels[level - 1].length))
    return levels, code, level


class TestStructure:
    @given(STRUCTURES)
    def test_lengths_are_the_running_sums(self, structure):
        parts = [int(p) for p in structure.split("-")]
        assert [lv.length for lv in crules.levels_from_structure(structure)] == [sum(parts[:i + 1])
                                                                                 for i in range(len(parts))]

    @pytest.mark.parametrize("bad", ["", "1-", "a-2", "0-1", "1-2-2-1-1-1-1-1-1-1"])
    def test_bad_structures_are_refused(self, bad):
        with pytest.raises(InvalidInput):
            crules.levels_from_structure(bad)

    def test_levels_must_lengthen(self):
        with pytest.raises(InvalidInput, match="level 2"):
            crules.parse_levels([{"length": 2}, {"length": 2}])


class TestCheckCode:
    @given(coded())
    def test_well_formed_codes_pass_and_find_their_level(self, case):
        levels, code, level = case
        assert crules.check_code(levels, code) == []
        assert crules.level_of(levels, code) == level

    @given(coded())
    def test_a_code_under_its_structural_parent_passes(self, case):
        levels, code, level = case
        ancestors = crules.expected_ancestors(levels, code)
        assert len(ancestors) == level - 1
        assert crules.check_code(levels, code, level=level, parent=ancestors[-1] if ancestors else None) == []

    @given(coded(), st.data())
    def test_every_foreign_character_is_found_at_its_position(self, case, data):
        levels, code, _ = case
        index = data.draw(st.integers(0, len(code) - 1))
        bad = data.draw(st.sampled_from("-_*#é中"))
        broken = code[:index] + bad + code[index + 1:]
        findings = crules.check_code(levels, broken)
        assert [(f["code"], f["position"], f["found"]) for f in findings] == [("invalid_character", index + 1, bad)]
        assert findings[0]["message_zh"] and findings[0]["expected"]

    @given(coded(), st.integers(1, 3))
    def test_lengths_no_level_has_are_named(self, case, extra):
        levels, code, _ = case
        longer = code + "0" * extra
        if crules.level_of(levels, longer) is None:
            finding = crules.check_code(levels, longer)[0]
            assert finding["code"] == "invalid_length" and finding["found"] == f"{len(longer)} characters"

    @given(st.text(max_size=12))
    def test_fold_is_idempotent(self, text):
        assert crules.fold(crules.fold(text)) == crules.fold(text)

    def test_parent_mismatch_names_the_first_differing_position(self):
        levels = crules.levels_from_structure("1-2-2")
        finding = crules.check_code(levels, "10301", level=3, parent="102")[0]
        assert (finding["code"], finding["position"], finding["expected"], finding["found"]) == (
            "parent_mismatch", 3, "102", "103")

    def test_too_deep(self):
        levels = crules.levels_from_structure("1-2")
        assert crules.check_code(levels, "10101", level=3)[0]["code"] == "too_deep"

    def test_extra_pattern(self):
        levels = crules.parse_levels([{"length": 1, "pattern": "^[1-9]$"}, {"length": 3}])
        finding = crules.check_code(levels, "0")[0]
        assert finding["code"] == "pattern_mismatch" and finding["expected"] == "^[1-9]$"

    def test_derived_code_pattern_matches_exactly_the_level_lengths(self):
        import re
        pattern = crules.code_pattern(crules.levels_from_structure("1-2-2"))
        assert [bool(re.fullmatch(pattern, c)) for c in ("1", "12", "123", "1234", "12345")] == [
            True, False, True, False, True]
