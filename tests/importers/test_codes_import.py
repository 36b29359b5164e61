"""Code imports: ISO 10383 MIC files (current and pre-2022 layouts) into venue, ISIN files (streamed, Core
inserts / COPY), generic per-scheme tables; reports, all-or-nothing, round trips."""

import csv
import io

import pytest
from bulk_helpers import MIC_DIR, count, csv_rows, export_bytes, run
from sqlmodel import Session, select

from codes.models import CodeEntry, CodeRevision
from registry.audit import AuditEvent

CURRENT = MIC_DIR / "ISO10383_MIC_2025-05-26.csv"
CURRENT_2024 = MIC_DIR / "ISO10383_MIC_2024-10-28.csv"
LEGACY = MIC_DIR / "ISO10383_MIC_legacy-format_2021-07.csv"
needs_reference = pytest.mark.skipif(not MIC_DIR.is_dir(),
                                     reason=f"{MIC_DIR} is absent (shared/ lies beside the repository)")


def venue(engine, code):
    with Session(engine) as session:
        query = select(CodeEntry).where(CodeEntry.scheme == "venue", CodeEntry.code == code)
        return session.exec(query).one()


def venues(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM code_entry WHERE scheme = 'venue'").scalar()


@needs_reference
class TestMicFiles:
    def test_current_layout_creates_every_row(self, engine, seeded):
        report = run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        assert (report.counts["created"], report.rejected) == (2767, False) and venues(engine) == 2767
        assert "current layout" in report.warnings[0]["detail"]

    def test_expired_keeps_its_expiry_date_and_segments_keep_their_parent(self, engine, seeded):
        run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        xsme = venue(engine, "XSME")
        assert (xsme.status, str(xsme.valid_from)) == ("expired", "2003-04-01")
        assert str(xsme.valid_to) == "2007-09-24"
        xssc = venue(engine, "XSSC")
        assert (xssc.parent, xssc.attrs["oprt_sgmt"], xssc.attrs["operating_mic"]) == ("XSHG", "SGMT", "XSHG")
        assert venue(engine, "XSHG").parent is None and venue(engine, "XSHG").attrs["oprt_sgmt"] == "OPRT"

    def test_updated_is_active_with_the_flag_as_change_note(self, engine, seeded):
        run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        levl = venue(engine, "LEVL")
        assert levl.status == "active"
        with Session(engine) as session:
            revision = session.exec(select(CodeRevision).where(CodeRevision.entity_id == levl.id)).one()
        assert "UPDATED" in revision.change_note and revision.action == "import"

    def test_legacy_layout_alone(self, engine, seeded):
        report = run(engine, "mic", LEGACY.read_bytes(), LEGACY.name)
        assert report.counts["created"] == 2049 and "legacy layout" in report.warnings[0]["detail"]
        hotc = venue(engine, "HOTC")
        assert (hotc.parent, hotc.attrs["oprt_sgmt"], str(hotc.valid_from)) == ("ASEX", "SGMT", "2008-08-01")
        assert venue(engine, "XNYS").valid_from is None  # "BEFORE JUNE 2005"

    def test_older_files_after_the_current_one_delete_nothing_and_unexpire_nothing(self, engine, seeded):
        run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        for path in (LEGACY, CURRENT_2024):
            report = run(engine, "mic", path.read_bytes(), path.name)
            assert not report.rejected and report.counts["updated"] < 10, report.render_text()
        assert venues(engine) == 2767
        hotc = venue(engine, "HOTC")  # expired 2025-03-24; both older files still list it as active
        assert (hotc.status, str(hotc.valid_to)) == ("expired", "2025-03-24")
        xsme = venue(engine, "XSME")
        assert (xsme.status, str(xsme.valid_to)) == ("expired", "2007-09-24")

    def test_reimport_is_unchanged_and_stored_chinese_names_are_kept(self, engine, seeded_codes):
        run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        assert venue(engine, "XSHG").name_zh == "上海证券交易所"
        again = run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        assert again.counts["unchanged"] == 2767

    def test_one_audit_event_per_import(self, engine, seeded):
        before = count(engine, "audit_event")
        run(engine, "mic", CURRENT.read_bytes(), CURRENT.name)
        with Session(engine) as session:
            events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()[before:]
        assert [(e.action, e.detail["created"]) for e in events] == [("code.import", 2767)]

    def test_a_file_of_another_kind_is_refused(self, engine, seeded):
        with pytest.raises(Exception, match="not an ISO 10383 MIC file"):
            run(engine, "mic", b"isin,name_en\nUS0378331005,Apple\n", "x.csv")


ISIN_HEADER = ["isin", "name_zh", "name_en", "issuer", "issuer_lei", "cfi", "fisn", "venue_mic", "local_code",
               "status", "issue_date", "maturity_date"]
ISINS = [["CNE0000001L7", "世纪星源", "Shenzhen Fountain Corporation", "深圳世纪星源股份有限公司", "",
          "ESVUFR", "", "XSHE", "000005.SZ", "active", "", ""],
         ["US0378331005", "", "Apple Inc.", "", "", "", "", "XNAS", "AAPL", "", "1980-12-12", ""],
         ["CNE100000296", "示例股份", "", "", "", "ESVUFR", "", "XSHG", "600000.SH", "active", "", ""]]


def isin_csv(rows, header=ISIN_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture(params=[False, True], ids=["serial", "worker"])
def parallel(request) -> bool:
    """Rows prepared in this process, or in the forked worker the CLI uses for big files."""
    return request.param


class TestIsinFiles:
    def test_import_creates_entries_and_revisions(self, engine, seeded, parallel):
        report = run(engine, "isin", isin_csv(ISINS), "isin.csv", parallel=parallel)
        assert report.counts["created"] == 3, report.render_text()
        with Session(engine) as session:
            entry = session.exec(select(CodeEntry).where(CodeEntry.code == "CNE0000001L7")).one()
            revision = session.exec(select(CodeRevision).where(CodeRevision.entity_id == entry.id)).one()
        assert entry.attrs == {"issuer": "深圳世纪星源股份有限公司", "cfi": "ESVUFR", "venue": "XSHE",
                               "local_code": "000005.SZ"}
        assert "shijixingyuan" in entry.search_text and entry.rev == 1
        assert revision.data["code"] == "CNE0000001L7" and revision.action == "import" and revision.rev == 1

    def test_export_then_import_is_unchanged_and_a_changed_row_updates(self, engine, seeded, parallel):
        run(engine, "isin", isin_csv(ISINS), "isin.csv", parallel=parallel)
        exported = export_bytes(engine, "isin", "csv")
        assert csv_rows(exported)[0][:3] == ["isin", "name_zh", "name_en"]
        assert run(engine, "isin", exported, "export.csv", parallel=parallel).counts["unchanged"] == 3
        rows = csv_rows(exported)
        rows[1][2] = "Renamed Corporation"
        report = run(engine, "isin", isin_csv(rows[1:], rows[0]), "changed.csv", parallel=parallel)
        assert report.counts["updated"] == 1 and report.rows[0]["changed"] == ["name_en"]
        with Session(engine) as session:
            entry = session.exec(select(CodeEntry).where(CodeEntry.code == rows[1][0])).one()
        assert entry.rev == 2 and entry.name_en == "Renamed Corporation"

    def test_bad_rows_are_all_listed_and_nothing_is_written(self, engine, seeded, parallel):
        rows = [*ISINS, ["US0378331004", "", "Bad check digit", *[""] * 9],
                ["CNE0000001L7", "", "Duplicate", *[""] * 9],
                ["XS0000000009", "", "", "", "NOT-A-LEI", "", "", "", "", "", "", ""],
                ["DE0005140008", "", "", "", "", "", "", "", "", "dormant", "yesterday", ""]]
        report = run(engine, "isin", isin_csv(rows), "bad.csv", parallel=parallel)
        assert report.rejected and count(engine, "code_entry") == 0 and count(engine, "code_revision") == 0
        where = {(e["line"], e["column"]) for e in report.errors}
        assert {(5, "isin"), (6, "isin"), (7, "issuer_lei"), (8, "status"), (8, "issue_date")} <= where
        assert "check digit should be 5" in report.errors[0]["detail"]

    def test_duplicates_across_chunks_are_caught(self, engine, seeded, monkeypatch, parallel):
        from codes import bulk
        monkeypatch.setattr(bulk, "CHUNK_ROWS", 2)
        report = run(engine, "isin", isin_csv([*ISINS, ISINS[0]]), "dup.csv", parallel=parallel)
        assert report.rejected and report.errors[0]["line"] == 5
        assert "more than once" in report.errors[0]["detail"]

    def test_dry_run_reports_and_writes_nothing(self, engine, seeded, parallel):
        report = run(engine, "isin", isin_csv(ISINS), "isin.csv", dry_run=True, parallel=parallel)
        assert report.counts["created"] == 3 and count(engine, "code_entry") == 0

    @needs_reference
    def test_real_sample_of_681_isins(self, engine, seeded):
        sample = (MIC_DIR.parent / "isin" / "isin_financedatabase_sample.tsv").read_bytes()
        report = run(engine, "isin", sample, "sample.tsv")
        # four columns are not ISIN attributes: expected, symbol, name, source_file
        assert report.counts["created"] == 681 and report.warnings_total == 4


class TestGenericSchemes:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
    def test_every_scheme_round_trips(self, engine, seeded_codes, fmt):
        for scheme in ("venue", "participant", "isin"):
            data = export_bytes(engine, f"codes/{scheme}", fmt)
            if fmt == "json":
                assert data.startswith(b"[") and b'"code"' in data
                continue
            report = run(engine, f"codes/{scheme}", data, f"{scheme}.{fmt}")
            assert report.counts["unchanged"] == report.rows_total > 0, report.render_text()

    def test_a_column_left_out_keeps_its_value(self, engine, seeded_codes):
        report = run(engine, "codes/venue", b"mic,name_en\nXSHG,SHANGHAI STOCK EXCHANGE (SSE)\n", "v.csv")
        assert report.counts["updated"] == 1 and report.rows[0]["changed"] == ["name_en"]
        assert venue(engine, "XSHG").name_zh == "上海证券交易所"
