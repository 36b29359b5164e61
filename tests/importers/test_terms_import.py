"""Concept imports from CSV/XLSX: headers in Chinese or English, encodings, multi-line cells, all-or-nothing
reports, idempotent re-imports, updates with changed fields and audit, links, round trips."""

import pytest
from bulk_helpers import (
    EDITOR,
    HEADER,
    concept_count,
    concept_csv,
    count,
    csv_rows,
    export_bytes,
    run,
    wipe_concepts,
)
from sqlmodel import Session, select

from registry.audit import AuditEvent
from registry.errors import ImportRejected
from terms import service
from terms.models import ConceptRevision

ROWS = [
    {"部分": "3", "条目编号": "3.1.1", "专业领域": "交易", "首选术语": "融资融券",
     "许用术语": "两融\n信用交易", "英文对应词": "margin trading and securities lending\nmargin financing",
     "定义": "投资者向证券公司借入资金或证券的交易。", "注": "注一\n注二", "示例": "示例一",
     "来源": "sfreg 示例，有修改", "相关条目": "narrower 3.1.2"},
    {"部分": "3", "条目编号": "3.1.2", "专业领域": "交易", "首选术语": "融资", "缩略语": "RZ",
     "英文对应词": "margin financing", "定义": "投资者借入资金买入证券。", "相关条目": "broader 3.1.1"},
    {"部分": "3", "条目编号": "3.1.3", "首选术语": "转融通", "英文定义": "Refinancing of margin trading.",
     "状态": "草案"},
]


@pytest.fixture
def imported(engine, seeded):
    report = run(engine, "terms", concept_csv(ROWS), "terms.csv")
    assert not report.rejected, report.render_text()
    return report


def entry(engine, part, number):
    with Session(engine) as session:
        concept = service.get_by_entry(session, part, number)
        return concept.id, service.current_revision(session, concept).data


class TestCsvImport:
    def test_chinese_headers_create_every_row_with_multi_line_cells(self, engine, imported):
        assert imported.counts["created"] == 3 and imported.rows[0]["key"] == "3/3.1.1"
        _, first = entry(engine, 3, "3.1.1")
        zh = [(t["text"], t["status"]) for t in first["terms"] if t["lang"] == "zh-CN"]
        assert zh == [("融资融券", "preferred"), ("两融", "admitted"), ("信用交易", "admitted")]
        en = [(t["text"], t["status"]) for t in first["terms"] if t["lang"] == "en"]
        assert en == [("margin trading and securities lending", "preferred"),
                      ("margin financing", "admitted")]
        assert first["notes"] == ["注一", "注二"]
        assert first["source"] == {"text": "sfreg 示例", "modified": True}
        assert first["status"] == "draft"

    def test_cross_references_between_new_rows_resolve_to_ids(self, engine, imported):
        first_id, first = entry(engine, 3, "3.1.1")
        second_id, second = entry(engine, 3, "3.1.2")
        assert first["cross_references"] == [{"type": "narrower", "target": second_id}]
        assert second["cross_references"] == [{"type": "broader", "target": first_id}]
        abbreviation = next(t for t in second["terms"] if t["text"] == "RZ")
        assert abbreviation["type"] == "abbreviation" and abbreviation["lang"] == "en"

    def test_each_new_concept_has_one_revision_and_pinyin(self, engine, imported):
        concept_id, data = entry(engine, 3, "3.1.1")
        with Session(engine) as session:
            query = select(ConceptRevision).where(ConceptRevision.entity_id == concept_id)
            revisions = session.exec(query).all()
        assert [(r.rev, r.action) for r in revisions] == [(1, "import")]
        assert data["terms"][0]["pinyin"] == "rong zi rong quan"

    @pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
    def test_encodings_are_detected(self, engine, seeded, encoding):
        report = run(engine, "terms", concept_csv(ROWS, encoding=encoding), "gb.csv")
        assert report.counts["created"] == 3, report.render_text()
        assert entry(engine, 3, "3.1.1")[1]["terms"][1]["text"] == "两融"

    def test_tab_separated_english_headers(self, engine, seeded):
        header = ["part", "entry_number", "preferred_terms", "english_equivalents", "definition"]
        rows = [{"part": "2", "entry_number": "2.9", "preferred_terms": "证券",
                 "english_equivalents": "security", "definition": "证券的定义。"}]
        report = run(engine, "terms", concept_csv(rows, header=header, delimiter="\t"), "en.tsv")
        assert report.counts["created"] == 1, report.render_text()
        assert entry(engine, 2, "2.9")[1]["definition"] == {"zh-CN": "证券的定义。"}

    def test_part_option_places_rows_without_a_part(self, engine, seeded):
        header = [h for h in HEADER if h != "部分"]
        data = concept_csv([{"条目编号": "5.1", "首选术语": "期货"}], header=header)
        report = run(engine, "terms", data, "p.csv", default_part=5)
        assert report.counts["created"] == 1
        assert entry(engine, 5, "5.1")[1]["status"] == "draft"

    def test_unknown_column_is_a_warning(self, engine, seeded):
        header = [*HEADER, "备注栏"]
        report = run(engine, "terms", concept_csv(ROWS[2:], header=header), "x.csv")
        assert not report.rejected and "备注栏" in report.warnings[0]["detail"]


class TestAllOrNothing:
    def test_bad_rows_among_good_ones_write_nothing_and_are_all_listed(self, engine, seeded):
        # Lines are physical lines: the first row's multi-line cells fill lines 2-5, so the bad rows are on
        # lines 8 to 13.
        rows = [*ROWS,
                {"部分": "9", "条目编号": "9.1", "首选术语": "坏"},  # line 8: no part 9
                {"部分": "3", "条目编号": "3.1.1", "首选术语": "重复"},  # line 9: duplicate number
                {"部分": "3", "条目编号": "3.2.1", "许用术语": "无首选", "状态": "proposed"},  # 10: no preferred
                {"部分": "3", "条目编号": "3.2.2", "首选术语": "转融通"},  # line 11: as on line 7
                {"部分": "3", "条目编号": "3.2.3", "首选术语": "甲", "相关条目": "sideways 3.1.1"},  # line 12
                {"部分": "3", "条目编号": "3.2.4", "首选术语": "乙", "状态": "approved"}]  # 13: no definition
        before = (concept_count(engine), count(engine, "audit_event"))
        report = run(engine, "terms", concept_csv(rows), "bad.csv")
        assert report.rejected and (concept_count(engine), count(engine, "audit_event")) == before
        where = {(e["line"], e["column"]) for e in report.errors}
        assert {(8, "部分"), (9, "条目编号"), (10, "首选术语"), (11, "首选术语"), (12, "相关条目"),
                (13, "定义")} <= where
        assert report.counts["error"] == 6 and report.counts["created"] == 3

    def test_rejected_report_raises_with_every_error(self, engine, seeded):
        data = concept_csv([{"部分": "x", "条目编号": "1..2", "首选术语": "甲"}])
        report = run(engine, "terms", data, "b.csv")
        with pytest.raises(ImportRejected) as raised:
            report.raise_if_rejected()
        assert raised.value.status == 422
        assert len(raised.value.extensions["errors"]) == len(report.errors) >= 2

    def test_conflict_with_an_existing_concept_is_reported(self, engine, imported):
        data = concept_csv([{"部分": "3", "条目编号": "3.9", "首选术语": "融资融券"}])
        report = run(engine, "terms", data, "c.csv")
        assert report.rejected and "融资融券" in report.errors[0]["detail"]

    def test_editor_may_not_set_approved(self, engine, seeded):
        row = {**ROWS[1], "相关条目": "", "状态": "approved"}
        report = run(engine, "terms", concept_csv([row]), "a.csv", actor=EDITOR)
        assert report.rejected and "reviewer" in report.errors[0]["detail"]


class TestReimport:
    def test_same_file_again_changes_nothing(self, engine, imported):
        revisions = count(engine, "concept_revision")
        report = run(engine, "terms", concept_csv(ROWS), "terms.csv")
        assert report.counts["unchanged"] == 3 and count(engine, "concept_revision") == revisions

    def test_changed_row_is_updated_with_changed_fields_revision_and_audit(self, engine, imported):
        rows = [dict(r) for r in ROWS]
        rows[1]["定义"] = "修订后的定义。"
        rows[1]["英文对应词"] = "financing"
        report = run(engine, "terms", concept_csv(rows), "terms.csv")
        assert report.counts["updated"] == 1 and report.counts["unchanged"] == 2
        updated = next(r for r in report.rows if r["outcome"] == "updated")
        assert updated["key"] == "3/3.1.2" and updated["changed"] == ["terms", "definition"]
        concept_id, data = entry(engine, 3, "3.1.2")
        assert data["definition"]["zh-CN"] == "修订后的定义。"
        with Session(engine) as session:
            events = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(concept_id))).all()
        assert [e.action for e in events] == ["concept.import", "concept.import"]

    def test_columns_left_out_keep_stored_values(self, engine, imported):
        header = ["部分", "条目编号", "定义"]
        report = run(engine, "terms", concept_csv([{"部分": "3", "条目编号": "3.1.1", "定义": "新定义。"}],
                                                  header=header), "d.csv")
        assert report.counts["updated"] == 1 and report.rows[0]["changed"] == ["definition"]
        data = entry(engine, 3, "3.1.1")[1]
        assert data["notes"] == ["注一", "注二"] and len(data["terms"]) == 5

    def test_renumbering_two_entries_in_one_file_swaps_them(self, engine, imported):
        exported = csv_rows(export_bytes(engine, "terms", "csv"))
        header, body = exported[0], exported[1:]
        number = header.index("条目编号")
        body[1][number], body[2][number] = body[2][number], body[1][number]  # 3.1.2 <-> 3.1.3
        rows = [dict(zip(header, r, strict=True)) for r in body]
        report = run(engine, "terms", concept_csv(rows, header=header), "swap.csv")
        # 3.1.1's "narrower 3.1.2" now names the concept that took number 3.1.2, so it changes too.
        assert report.counts["updated"] == 3, report.render_text()
        assert entry(engine, 3, "3.1.2")[1]["terms"][0]["text"] == "转融通"
        assert entry(engine, 3, "3.1.3")[1]["terms"][0]["text"] == "融资"


class TestRoundTrips:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx", "tbx"])
    def test_export_then_import_is_all_unchanged(self, engine, seeded, fmt):
        from registry.database import transaction
        from terms.seed import seed_concepts
        with transaction(engine) as session:
            seed_concepts(session)
        data = export_bytes(engine, "terms", fmt)
        report = run(engine, "terms", data, f"terms.{fmt}")
        assert report.counts["unchanged"] == 66 and report.rows_total == 66, report.render_text()

    def test_csv_to_tbx_to_csv_keeps_every_modelled_field(self, engine, imported):
        first = export_bytes(engine, "terms", "csv")
        tbx = export_bytes(engine, "terms", "tbx")
        wipe_concepts(engine)
        report = run(engine, "terms", tbx, "terms.tbx")
        assert report.counts["created"] == 3, report.render_text()
        second = export_bytes(engine, "terms", "csv")
        assert [r[1:] for r in csv_rows(second)] == [r[1:] for r in csv_rows(first)]  # all but the new ids


class TestFormulaNeutralisation:
    def test_cells_starting_with_formula_characters_are_neutralised_and_restored(self, engine, seeded):
        rows = [{"部分": "3", "条目编号": "3.5", "首选术语": "公式", "注": "=HYPERLINK(\"http://x\")\n+1\n-2\n@SUM(A1)",
                 "示例": "'=already quoted"}]
        assert not run(engine, "terms", concept_csv(rows), "f.csv").rejected
        exported = csv_rows(export_bytes(engine, "terms", "csv"))
        notes = exported[1][exported[0].index("注")]
        assert notes.startswith("'=HYPERLINK")
        again = run(engine, "terms", export_bytes(engine, "terms", "csv"), "again.csv")
        assert again.counts["unchanged"] == 1
        # an apostrophe before a formula character marks a neutralised cell: it is taken off on import
        assert entry(engine, 3, "3.5")[1]["examples"] == ["=already quoted"]
