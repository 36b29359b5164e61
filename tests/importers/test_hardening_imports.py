"""Imports hold up against odd files (issue 11): NUL refused with its line, TBX re-imports unchanged, every
ISO 10383 modification visible in a release diff."""

import io

import pytest
from bulk_helpers import MIC_DIR, TBX_DIR, concept_count, run
from sqlmodel import Session, select
from support import bearer

from codes.models import CodeEntry
from importers import tbx
from terms.models import Concept

ASTRONOMY = TBX_DIR / "ltac_tbx-basic_example_astronomy_dca_valid.tbx"
MIC_2024 = MIC_DIR / "ISO10383_MIC_2024-10-28.csv"
MIC_2025 = MIC_DIR / "ISO10383_MIC_2025-05-26.csv"
needs_tbx = pytest.mark.skipif(not ASTRONOMY.is_file(), reason=f"{ASTRONOMY} is absent")
needs_mic = pytest.mark.skipif(not MIC_2025.is_file(), reason=f"{MIC_DIR} is absent")

FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
<text><body>
<conceptEntry id="{ident}"><langSec xml:lang="zh-CN"><termSec><term>{term}</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec></conceptEntry>
</body></text></tbx>
"""


def foreign(term: str, ident: str = "c1") -> bytes:
    return FOREIGN.format(term=term, ident=ident).encode()


class TestNulInImportFiles:
    def test_a_code_file_names_the_line_and_column_and_writes_nothing(self, engine, seeded):
        data = "isin,name_zh\nCNE100000296,示例\nCNE000001R84,坏\x00名\n".encode()
        report = run(engine, "isin", data, "isin.csv")
        assert report.rejected
        nul = [p for p in report.errors if "NUL" in p["detail"]]
        assert [(p["line"], p["column"]) for p in nul] == [(3, "name_zh")]
        with Session(engine) as session:
            assert session.exec(select(CodeEntry).where(CodeEntry.scheme == "isin")).all() == []

    def test_a_concept_file_names_the_line(self, engine, seeded):
        data = "部分,条目编号,首选术语,定义\n3,3.1.1,融资融券,定义。\n3,3.1.2,融\x00券,定义。\n".encode()
        report = run(engine, "terms", data, "terms.csv")
        assert report.rejected
        nul = [p for p in report.errors if "NUL" in p["detail"]]
        assert [(p["line"], p["column"]) for p in nul] == [(3, "首选术语")]
        assert concept_count(engine) == 0

    def test_a_mic_file_names_the_line(self, engine, seeded):
        header = ("MIC,OPERATING MIC,OPRT/SGMT,MARKET NAME-INSTITUTION DESCRIPTION,LEGAL ENTITY NAME,LEI,"
                  "MARKET CATEGORY CODE,ACRONYM,ISO COUNTRY CODE (ISO 3166),CITY,WEBSITE,STATUS,CREATION DATE,"
                  "LAST UPDATE DATE,LAST VALIDATION DATE,EXPIRY DATE,COMMENTS\n")
        row = "XSHG,XSHG,OPRT,SHANGHAI\x00 STOCK EXCHANGE,,,NSPD,SSE,CN,SHANGHAI,,ACTIVE,20050101,,,,\n"
        report = run(engine, "mic", (header + row).encode(), "mic.csv")
        assert report.rejected
        nul = [p for p in report.errors if "NUL" in p["detail"]]
        assert [(p["line"], p["column"]) for p in nul] == [(2, "MARKET NAME-INSTITUTION DESCRIPTION")]

    def test_a_tbx_character_reference_to_nul_is_refused(self, engine, seeded):
        with pytest.raises(Exception, match="line"):
            tbx.read_tbx(io.BytesIO(foreign("融&#0;券")), source="nul.tbx")


@needs_tbx
class TestTbxReimport:
    def test_astronomy_sample_reimported_is_all_unchanged(self, engine, seeded):
        first = run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        assert first.counts["created"] == 45 and not first.rejected
        again = run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        assert not again.rejected and dict(again.counts) == {"unchanged": 45}
        assert concept_count(engine) == 45

    def test_the_file_id_is_kept_per_part(self, engine, seeded):
        run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=2)
        with Session(engine) as session:
            keys = session.exec(select(Concept.part, Concept.external_key)).all()
        assert len(keys) == 90 and (1, "c1") in keys and (2, "c1") in keys

    def test_an_edited_entry_is_updated_in_place(self, engine, seeded):
        run(engine, "terms", foreign("融资融券"), "a.tbx", default_part=3)
        again = run(engine, "terms", foreign("融资融券业务"), "a.tbx", default_part=3)
        assert dict(again.counts) == {"updated": 1} and concept_count(engine) == 1

    def test_entry_without_number_whose_chinese_term_exists_is_matched_not_a_crash(self, engine, seeded):
        run(engine, "terms", foreign("融资融券", "x1"), "a.tbx", default_part=3)
        with engine.begin() as conn:  # as stored before external keys existed
            conn.exec_driver_sql("UPDATE concept SET external_key = NULL")
        again = run(engine, "terms", foreign("融资融券", "x1"), "b.tbx", default_part=3)
        assert not again.rejected and dict(again.counts) == {"unchanged": 1} and concept_count(engine) == 1

    def test_the_same_id_twice_in_one_file_is_an_error(self, engine, seeded):
        body = foreign("甲").decode()
        entry = body[body.index("<conceptEntry"):body.index("</body>")]
        twice = body.replace(entry, entry + entry.replace("甲", "乙")).encode()
        report = run(engine, "terms", twice, "twice.tbx", default_part=3)
        assert report.rejected and any("'c1' is already on line" in e["detail"] for e in report.errors)


@needs_mic
class TestMicReleaseDiff:
    def test_all_98_modifications_between_the_2024_and_2025_files_show(self, engine, seeded, client, tokens):
        headers = bearer(tokens["reviewer"])
        run(engine, "mic", MIC_2024.read_bytes(), MIC_2024.name)
        assert client.post("/api/v1/releases", json={"name": "mic-2024", "stage": "published"},
                           headers=headers).status_code == 201
        report = run(engine, "mic", MIC_2025.read_bytes(), MIC_2025.name)
        assert (report.counts["created"], report.counts["updated"]) == (66, 98)
        assert client.post("/api/v1/releases", json={"name": "mic2-2025", "stage": "published"},
                           headers=headers).status_code == 201
        diff = client.get("/api/v1/releases/mic-2024/diff/mic2-2025").json()
        assert diff["counts"]["code"] == {"added": 66, "removed": 0, "changed": 98}
        flips = [c for c in diff["changed"] if [x["field"] for x in c["changes"]] == ["attrs.iso_status"]
                 or {x["field"] for x in c["changes"]} == {"attrs"}]
        assert flips, diff["changed"][:3]

    def test_the_iso_status_is_kept(self, engine, seeded):
        run(engine, "mic", MIC_2025.read_bytes(), MIC_2025.name)
        with Session(engine) as session:
            statuses = {e.attrs.get("iso_status") for e in session.exec(
                select(CodeEntry).where(CodeEntry.scheme == "venue"))}
        assert statuses == {"ACTIVE", "UPDATED", "EXPIRED"}
