"""The document model: order, sections, entry elements, indexes (heteronyms), diagrams and the checks."""

from conftest import concept, front, sample_snapshots

from terms.document.build import assemble
from terms.document.pinyin_index import english_key


def letters(groups):
    return {item.term: group.letter for group in groups for item in group.items}


class TestOrder:
    def test_entries_follow_the_numbering(self, document):
        assert [e.number for e in document.entries] == ["3.1", "3.1.1", "3.1.2", "3.2", "3.2.1", "3.2.2", "3.2.3"]

    def test_entries_heading_a_group_become_section_headings(self, document):
        assert [e.number for e in document.entries if e.heads_group] == ["3.1", "3.2"]


class TestEntry:
    def test_terms_by_status(self, document):
        bank = document.entries[1]
        assert (bank.preferred, bank.english, bank.rejected) == ("银行", ["bank"], [("银号", "拒用")])
        assert document.entries[-1].rejected == [("多仓", "被取代")]
        assert document.entries[4].english == ["long term", "the long run"]

    def test_references_are_printed_by_number(self, document):
        quote = document.entries[2]
        assert [(r.kind, r.number, r.anchor) for r in quote.references] == [("see", "3.1.1", "e-3.1.1")]

    def test_bibliography_lists_each_source_once_in_citing_order(self, document):
        assert document.bibliography == ["GB/T 36000—2018，2.3", "GB/T 36000—2018，2.4"]

    def test_foreword_has_the_drafting_statement_and_the_metadata(self, document):
        text = "".join(document.foreword)
        assert "GB/T 1.1—2020" in text and "测试提出单位提出" in text and "甲单位、乙单位" in text


class TestIndexes:
    def test_heteronyms_read_the_finance_way(self, document):
        where = letters(document.pinyin_index)
        assert (where["行情"], where["银行"], where["长期"], where["长仓"], where["还款"]) == ("H", "Y", "C", "C", "H")
        readings = {i.term: i.reading for g in document.pinyin_index for i in g.items}
        assert readings["银行"] == "yínháng" and readings["长期"] == "chángqī" and readings["还款"] == "huánkuǎn"

    def test_pinyin_groups_are_in_order_and_sorted_by_reading(self, document):
        assert [g.letter for g in document.pinyin_index] == ["C", "H", "J", "Q", "Y"]
        assert [i.term for i in document.pinyin_index[0].items] == ["长仓", "长期"]

    def test_english_ignores_case_and_leading_articles(self, document):
        where = letters(document.english_index)
        assert where["the long run"] == "L" and where["bank"] == "B"
        assert english_key("An Apple") == "apple" and english_key("Theory") == "theory"


class TestDiagrams:
    def test_one_diagram_per_top_group_with_tree_and_typed_edges(self, document):
        first, second = document.diagrams
        assert (first.number, [n.number for n in first.nodes]) == ("3.1", ["3.1", "3.1.1", "3.1.2"])
        assert (20, 11, "narrower") in second.edges
        assert {n.number: n.inside for n in second.nodes}["3.1.1"] is False


class TestChecks:
    def codes(self, snapshots, **meta):
        return {(p.code, p.number) for p in assemble(snapshots, front(**meta)).problems}

    def test_a_conforming_document_has_no_problems(self, document):
        assert document.problems == []

    def test_each_problem_is_found(self):
        broken = [(1, concept("3.1", "甲", "a", definition=None)),
                  (2, concept("3.1.1", "乙", None, xrefs=[{"type": "see", "target": 99}])),
                  (3, concept("3.1.3", "丙", "c")), (4, concept("3.1.3", "丁", "d")),
                  (5, concept("3.3.1", "戊", "e"))]
        broken[1][1]["terms"][0]["pinyin"] = None
        found = self.codes(broken, bilingual=True)
        assert {("no_definition", "3.1"), ("dangling_reference", "3.1.1"), ("no_pinyin", "3.1.1"),
                ("no_english", "3.1.1"), ("duplicate_number", "3.1.3"), ("number_gap", "3.1"),
                ("number_gap", "3.3")} <= found

    def test_english_is_only_required_when_bilingual(self):
        snapshots = [(1, concept("3.1", "甲", None))]
        assert self.codes(snapshots, bilingual=False) == set()

    def test_all_samples_conform(self):
        assert assemble(sample_snapshots(), front(bilingual=True)).problems == []
