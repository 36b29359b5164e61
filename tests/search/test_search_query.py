"""Search behaviour on an index built from in-memory concepts: every query class of the issue."""

import pytest
from search_fixtures import CONCEPTS, built_index, concept, memory_source

from registry.search.documents import OPEN
from registry.search.query import T_EXACT, T_EXACT_OTHER, T_PINYIN_ALT, T_TEXT


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return built_index(tmp_path_factory.mktemp("index"), memory_source())


def terms_found(index, query, **options):
    return [h.payload["term"] for h in index.search(query, limit=20, **options)[0].hits]


def first(index, query, **options):
    hits = index.search(query, limit=5, **options)[0].hits
    assert hits, f"nothing found for {query!r}"
    return hits[0]


class TestChineseText:
    @pytest.mark.parametrize(("query", "expected"), [("登记结算", "证券登记结算机构"), ("市商", "做市商"),
                                                     ("银行间", "银行间市场"), ("保证", "期货保证金")])
    def test_any_substring_of_a_term_finds_it(self, index, query, expected):
        assert expected in terms_found(index, query)

    def test_a_word_of_a_definition_finds_the_concept(self, index):
        hit = first(index, "双边报价")
        assert (hit.payload["term"], hit.matched_field, hit.matched_name) == ("做市商", "definition", None)
        assert "<mark>双边报价</mark>" in hit.snippet

    def test_a_word_of_a_note_finds_the_concept(self, index):
        hit = first(index, "流动性")
        assert (hit.payload["term"], hit.matched_field) == ("做市商", "notes")


class TestPinyin:
    @pytest.mark.parametrize("query", ["zhengquandengji", "zheng quan deng ji", "zqdjjsjg", "zhengqdj",
                                       "ZhengQuanDengJiJieSuanJiGou", "zqdj"])
    def test_full_spaced_initials_and_mixed_pinyin(self, index, query):
        hit = first(index, query)
        assert (hit.payload["term"], hit.matched_field) == ("证券登记结算机构", "pinyin")

    def test_initials_of_a_four_character_term(self, index):
        assert first(index, "rzrq").payload["term"] == "融资融券"

    @pytest.mark.parametrize(("query", "expected"), [("yinhangjian", "银行间市场"), ("hangqing", "行情"),
                                                     ("changqi", "长期投资"), ("chongzu", "重组"),
                                                     ("huankuan", "还款")])
    def test_heteronyms_read_the_finance_way(self, index, query, expected):
        assert first(index, query).payload["term"] == expected

    def test_another_reading_of_a_heteronym_still_finds_the_term_lower(self, index):
        hit = first(index, "yinxingjian")
        assert hit.payload["term"] == "银行间市场" and hit.tier == T_PINYIN_ALT

    def test_whole_reading_ranks_before_a_longer_term_it_starts(self, index):
        assert terms_found(index, "zhengquan")[:2] == ["证券", "证券登记结算机构"]


class TestFolding:
    @pytest.mark.parametrize(("query", "expected"), [("證券登記結算機構", "证券登记结算机构"),
                                                     ("期貨保證金", "期货保证金"), ("銀行間", "银行间市场")])
    def test_traditional_characters(self, index, query, expected):
        assert first(index, query).payload["term"] == expected

    def test_full_width_letters(self, index):
        assert first(index, "ＲＺＲＱ").payload["term"] == "融资融券"

    def test_traditional_exact_term_is_an_exact_hit(self, index):
        assert first(index, "證券公司").tier == T_EXACT


class TestEnglish:
    @pytest.mark.parametrize(("query", "expected"), [("Market Maker", "做市商"), ("market makers", "做市商"),
                                                     ("margin trad", "融资融券"),
                                                     ("FUTURES MARGIN", "期货保证金")])
    def test_case_insensitive_stemmed_prefix(self, index, query, expected):
        assert first(index, query).payload["term"] == expected

    def test_words_of_an_english_definition(self, index):
        hit = first(index, "collateral")
        assert (hit.payload["term"], hit.matched_field) == ("融资融券", "definition")

    @pytest.mark.parametrize(("query", "expected"), [("restructurng", "重组"), ("intrebank", "银行间市场"),
                                                     ("zhengqaun", "证券")])
    def test_one_typo_in_a_word_of_five_letters_or_more(self, index, query, expected):
        assert expected in terms_found(index, query)

    def test_typo_hits_rank_after_exact_ones(self, index):
        assert terms_found(index, "opton")[:2] == ["期权合约", "期权"]
        assert index.search("opton", limit=1)[0].hits[0].matched_field == "term"


class TestDesignations:
    def test_a_deprecated_term_answers_with_the_preferred_term(self, index):
        hit = first(index, "保证金交易")
        assert (hit.payload["term"], hit.matched_name, hit.tier) == ("融资融券", "保证金交易", T_EXACT_OTHER)

    def test_an_admitted_short_form(self, index):
        hit = first(index, "两融")
        assert (hit.payload["term"], hit.matched_name) == ("融资融券", "两融")

    def test_exact_preferred_beats_exact_admitted_whatever_the_status(self, index):
        hits = index.search("期权", limit=5)[0].hits
        found = [(h.payload["term"], h.tier) for h in hits[:2]]
        assert found == [("期权", T_EXACT), ("期权合约", T_EXACT_OTHER)]


class TestRanking:
    def test_exact_then_prefix_by_status_and_entry_then_substring_then_definition(self, index):
        result = index.search("证券", limit=20)[0]
        terms = [h.payload["term"] for h in result.hits]
        assert terms[:5] == ["证券", "证券登记结算机构", "证券公司", "证券投资", "证券市场"]
        tiers = [h.tier for h in result.hits]
        assert tiers == sorted(tiers) and tiers[-1] == T_TEXT
        assert result.total == len(result.hits) == len(set(terms))

    def test_offset_pages_through_the_same_order(self, index):
        everything = terms_found(index, "证券")
        assert [h.payload["term"] for h in index.search("证券", limit=3, offset=2)[0].hits] == everything[2:5]


class TestFilters:
    def test_retired_concepts_are_hidden_unless_asked_for(self, index):
        assert "交易所旧称" not in terms_found(index, "交易所旧称")
        assert terms_found(index, "交易所旧称", facets={"status": "retired"}) == ["交易所旧称"]

    def test_part_and_status(self, index):
        in_part = set(terms_found(index, "证券", facets={"part": "3"}))
        assert in_part == {"证券公司", "证券", "证券市场", "证券投资"}
        assert terms_found(index, "证券", facets={"status": "draft"}) == ["证券市场"]

    def test_lang_matches_names_in_that_language_only(self, index):
        assert terms_found(index, "market", lang="en")[:2] == ["市场", "做市商"]
        assert terms_found(index, "shichang", lang="en") == []


class TestBadInput:
    @pytest.mark.parametrize("query", ['"证券"', "证券*", "part:3", "(证券)", "证券 AND 期货", "a OR b",
                                       "*:*",
                                       "\\", "'", "证" * 1000, "x" * 1000, "。。。", "🙂"])
    def test_syntax_characters_and_long_queries_are_text(self, index, query):
        result, took = index.search(query, limit=10)
        assert result.total >= len(result.hits) and took >= 0

    def test_quotes_are_ignored_around_text(self, index):
        assert first(index, '"证券"').payload["term"] == "证券"


class TestSuggest:
    def test_initials_complete_to_terms(self, index):
        texts = [h.matched_name for h in index.suggest("zq")]
        assert texts and all(t.startswith("证券") for t in texts)

    @pytest.mark.parametrize(("query", "expected"), [("证券登", "证券登记结算机构"), ("zhengqu", "证券"),
                                                     ("marg", "margin trading and securities lending")])
    def test_prefixes_complete(self, index, query, expected):
        assert expected in [h.matched_name for h in index.suggest(query)]

    def test_at_most_ten(self, index):
        assert len(index.suggest("s")) <= 10


class TestReleases:
    def test_release_search_sees_the_revisions_held_by_the_release(self, tmp_path):
        source = memory_source(CONCEPTS[:1])
        source.rows[0] = (*source.rows[0][:4], 1, None)  # revision 1 frozen in release 1
        source.add(1, concept("1.1", "证券登记结算公司", definition="新定义。"))
        index = built_index(tmp_path, source)
        assert terms_found(index, "证券登记") == ["证券登记结算公司"]
        assert terms_found(index, "证券登记", release=1) == ["证券登记结算机构"]
        assert terms_found(index, "证券登记", release=2) == ["证券登记结算机构"]
        assert OPEN > 2
