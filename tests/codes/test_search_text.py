"""codes.search_text: pinyin taken segment by segment reads exactly like pypinyin's lazy_pinyin."""

import pytest
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from codes.search_text import pinyin, search_text


class TestPinyin:
    @pytest.mark.parametrize("text", ["浦发银行", "银行间市场", "长期债券", "浦发银行A股2024", "ETF联接基金",
                                      "中国平安（H股）", "重组行情", "", "abc", "证券证券证券"])
    def test_reads_like_lazy_pinyin(self, text):
        assert pinyin(text) == lazy_pinyin(text, errors="ignore")
        assert pinyin(text) == lazy_pinyin(text, errors="ignore")  # the second time from what was kept

    def test_a_phrase_loaded_later_is_read_the_new_way(self, monkeypatch):
        assert pinyin("银行") == ["yin", "hang"]
        monkeypatch.setitem(PHRASES_DICT, "银行", [["yín"], ["xíng"]])
        assert pinyin("银行") == ["yin", "xing"] == lazy_pinyin("银行", errors="ignore")


class TestSearchText:
    def test_code_names_pinyin_and_initials(self):
        assert search_text("CNE000001R84", "浦發銀行", "SPD Bank") == \
            "cne000001r84 浦发银行 spd bank pufayinhang pfyh"

    def test_no_chinese_name(self):
        assert search_text("US0378331005", None, "Apple Inc.") == "us0378331005 apple inc."
