"""The term-checking engine without a database: folding with offsets, the automaton, findings."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terms.checking.findings import Collector, Ignore
from terms.checking.matcher import ConceptFacts, build
from terms.checking.messages import say
from terms.checking.normalise import fold_term, normalise, utf16_offsets

MARGIN = ConceptFacts(1, 3, "3.2.1", "approved", None, "融资融券", "margin trading", "借入资金买入证券。",
                      [("融资融券", "preferred", "zh-CN"), ("两融", "admitted", "zh-CN"),
                       ("信用交易", "deprecated", "zh-CN"), ("融資融券", "preferred", "zh-TW"),
                       ("margin trading", "preferred", "en"), ("MTSL", "admitted", "en")])
CREDIT = ConceptFacts(2, 3, "3.2", "approved", None, "信用交易", "credit trading", "以信用进行的交易。",
                      [("信用交易", "preferred", "zh-CN"), ("credit trading", "preferred", "en")])
FUTURES = ConceptFacts(3, 6, "6.4", "approved", None, "期货公司", "futures company", None,
                       [("期货公司", "preferred", "zh-CN"), ("期货经纪公司", "superseded", "zh-CN"),
                        ("futures company", "preferred", "en")])
MARGIN_ONLY = ConceptFacts(4, 5, "5.9", "approved", None, "保证金", "margin", None,
                           [("保证金", "preferred", "zh-CN"), ("margin", "preferred", "en")])
OLD = ConceptFacts(5, 5, "5.1", "deprecated", 3, "旧期货商", None, None, [("旧期货商", "preferred", "zh-CN")])
BASE = build([MARGIN, CREDIT, FUTURES, MARGIN_ONLY, OLD], label=None)


def check(text: str, *, parts=None, ignore=()) -> dict:
    norm = normalise(text)
    collector = Collector(BASE, text, norm, parts=parts, ignore=Ignore.of(list(ignore)))
    accept = None if parts is None else (lambda form: bool(BASE.form_parts(form) & parts))
    for start, end, form in BASE.scan(norm.text, accept):
        collector.add(start, end, form)
    return collector.answer()


def terms(answer: dict) -> list[tuple[str, str, str]]:
    return [(f["form"], f["level"], f["status"]) for f in answer["findings"] if f["kind"] == "term"]


class TestNormalise:
    def test_folds_traditional_full_width_and_case(self):
        assert normalise("融資融券ＱＦＩＩ Margin").text == "融资融券qfii margin"

    def test_collapses_spaces_and_joins_wrapped_chinese_lines(self):
        norm = normalise("融资\n融券  业务\n\n证券")
        assert norm.text == "融资融券 业务 证券"
        assert [norm.original(i) for i in (0, 2, 4, 5, 8, 10)] == [0, 3, 5, 7, 11, 13]

    @given(st.text(alphabet="融资券證ＡBc \n\t　Ｑ", max_size=40))
    def test_every_folded_character_maps_to_an_original_one_that_folds_to_it(self, text):
        norm = normalise(text)
        for i, char in enumerate(norm.text):
            original = text[norm.original(i)]
            assert fold_term(original) == char or (char == " " and not original.strip())

    @given(st.text(max_size=60))
    def test_offsets_stay_in_bounds_and_in_order(self, text):
        norm = normalise(text)
        mapped = [norm.original(i) for i in range(len(norm.text) + 1)]
        assert mapped == sorted(mapped) and all(0 <= m <= len(text) for m in mapped)

    def test_utf16_offsets_count_astral_characters_twice(self):
        assert utf16_offsets("a😀b") == [0, 1, 3, 4]
        assert utf16_offsets("融资") is None


class TestMatcher:
    def test_leftmost_longest(self):
        assert terms(check("融资融券")) == [("融资融券", "recognised", "preferred")]

    def test_english_on_word_boundaries_case_insensitive(self):
        assert terms(check("Margin Trading rules")) == [("Margin Trading", "recognised", "preferred")]
        assert terms(check("remargin tradingx")) == []

    def test_a_longest_match_breaking_a_boundary_gives_way_to_a_shorter_one(self):
        assert terms(check("margin tradings")) == [("margin", "recognised", "preferred")]

    def test_abbreviations_are_whole_tokens(self):
        assert terms(check("MTSL、MTSLs、xMTSL")) == [("MTSL", "info", "admitted")]

    def test_traditional_and_full_width_forms_are_found_in_the_original_text(self):
        answer = check("參與兩融")
        assert terms(answer) == [("兩融", "info", "admitted")]
        assert answer["findings"][0]["start"] == 2

    def test_a_form_preferred_in_one_concept_is_recognised_and_names_the_other(self):
        found = check("信用交易")["findings"][0]
        assert (found["concept_id"], found["level"], found["other_concepts"]) == (2, "recognised", [1])

    def test_parts_filter_lets_a_shorter_form_of_an_allowed_part_through(self):
        assert terms(check("margin trading", parts={5})) == [("margin", "recognised", "preferred")]

    def test_parts_filter_picks_the_use_of_a_shared_form_in_an_allowed_part(self):
        found = check("信用交易", parts={3})["findings"][0]
        assert found["concept_id"] in (1, 2)
        assert terms(check("期货经纪公司", parts={3})) == []


class TestFindings:
    def test_levels_and_what_to_use(self):
        answer = check("期货经纪公司与两融")
        error, info = answer["findings"][:2]
        assert (error["level"], error["use"]["term"], error["use"]["entry_number"]) == ("error", "期货公司", "6.4")
        assert (info["level"], info["preferred"]) == ("info", "融资融券")
        assert answer["summary"]["error"] == 1 and answer["summary"]["info"] == 1

    def test_a_deprecated_concept_points_to_its_successor(self):
        found = check("旧期货商")["findings"][0]
        assert found["level"] == "error" and found["use"]["term"] == "期货公司"
        assert "已废止" in say(found)

    def test_consistency_lists_forms_and_counts(self):
        answer = check("融资融券、两融、融資融券、margin trading")
        consistency = [f for f in answer["findings"] if f["kind"] == "consistency"]
        assert len(consistency) == 1
        assert consistency[0]["forms"] == [{"form": "融资融券", "count": 2}, {"form": "两融", "count": 1}]

    def test_ignore_by_concept_and_by_form(self):
        answer = check("两融，两融，期货经纪公司", ignore=[{"form": "兩融"}])
        assert terms(answer) == [("期货经纪公司", "error", "superseded")]
        assert answer["summary"]["ignored"] == 2
        assert terms(check("期货经纪公司", ignore=[{"concept_id": 3}])) == []

    def test_offsets_in_code_points_and_utf16(self):
        found = check("😀两融")["findings"][0]
        assert (found["start"], found["end"], found["start_utf16"], found["end_utf16"]) == (1, 3, 2, 4)

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_every_finding_can_be_said(self, lang):
        for finding in check("融资融券、两融、期货经纪公司、旧期货商")["findings"]:
            assert say(finding, lang=lang)


@given(st.lists(st.sampled_from(["融资融券", "两融", "信用交易", "期货经纪公司", "保证金", "margin trading", "MTSL"]),
                max_size=12),
       st.lists(st.sampled_from(["，", "。", " ", "的", "和", "\n"]), min_size=12, max_size=12))
def test_planted_terms_are_all_found_with_their_status(planted, fillers):
    text = "".join(f"{filler}{term}" for term, filler in zip(planted, fillers, strict=False)) + "。"
    found = [f["form"] for f in check(text)["findings"] if f["kind"] == "term"]
    assert found == planted
