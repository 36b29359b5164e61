"""TBX import and export against the three real files of shared/acceptance/tbx (see its README).

Decisions these tests pin down:
* Languages: the term base keeps zh-CN, zh-TW, zh-HK and en. Every other language section (es and zu in
  the astronomy sample, cs in the Weblate file) is skipped with one warning per language, never mapped.
* Every concept needs a zh-CN preferred term (terms.rules.check_terms), so files without Chinese — the
  astronomy sample and the Weblate file — parse cleanly but their import is rejected, naming every concept.
  With a Chinese term added to each concept the astronomy data imports, and a TBX export keeps it.
* Data TBX-Basic has but sfreg does not model (transactions, parts of speech, contexts, images, notes below
  concept level) is counted in warnings, not kept.
"""

import io

import pytest
from bulk_helpers import TBX_DIR, concept_count, export_bytes, run
from sqlmodel import Session

from importers import tbx
from registry.auth import SYSTEM
from registry.errors import ImportRejected
from terms import bulk

pytestmark = pytest.mark.skipif(not TBX_DIR.is_dir(),
                                reason=f"{TBX_DIR} is absent (shared/ lies beside the repository)")

ASTRONOMY = TBX_DIR / "ltac_tbx-basic_example_astronomy_dca_valid.tbx"
BAD = TBX_DIR / "ltac_tbx-basic_basic_bad.tbx"
WEBLATE = TBX_DIR / "weblate_cs_tbx2_martif.tbx"


def read(path):
    with path.open("rb") as stream:
        return tbx.read_tbx(stream, source=path.name)


class TestAstronomyValidTbx3:
    def test_counts_match_the_readme_and_there_are_no_problems(self):
        result = read(ASTRONOMY)
        c = result.counts
        assert result.problems == [] and result.version == "2019" and len(result.rows) == 45
        assert (c["conceptEntry"], c["langSec:en"], c["langSec:es"], c["langSec:zu"]) == (45, 39, 39, 6)
        assert (c["termSec:en"], c["termSec:es"], c["termSec:zu"]) == (55, 52, 6)
        statuses = [c[f"administrativeStatus:{s}-admn-sts"] for s in ("preferredTerm", "admittedTerm",
                                                                       "deprecatedTerm", "supersededTerm")]
        assert statuses == [12, 16, 3, 1]
        assert [c[f"termType:{t}"] for t in ("fullForm", "shortForm", "acronym", "variant")] == [8, 9, 1, 7]
        assert (c["partOfSpeech:noun"], c["partOfSpeech:adjective"]) == (105, 2)
        assert [c[f"descrip:{d}"] for d in ("subjectField", "definition", "context")] == [39, 74, 104]
        assert (c["admin:source"], c["xref:xGraphic"], c["note"], c["transacGrp"]) == (178, 34, 108, 316)

    def test_only_the_four_kept_languages_survive_and_the_rest_is_warned_about(self):
        result = read(ASTRONOMY)
        assert {t["lang"] for row in result.rows for t in row.fields["terms"]} == {"en"}
        assert sum(len(row.fields["terms"]) for row in result.rows) == 55
        warned = " ".join(w["detail"] for w in result.warnings)
        assert "39 × langSec xml:lang='es'" in warned and "6 × langSec xml:lang='zu'" in warned
        assert "316 × transacGrp" in warned and "partOfSpeech" in warned

    def test_import_is_rejected_naming_every_concept_without_a_chinese_term(self, engine, seeded):
        report = run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        assert report.rejected and report.counts["error"] == 45 and concept_count(engine) == 0
        assert all("zh-CN preferred term" in e["detail"] for e in report.errors)
        assert sum("languages in the entry: es, zu" in e["detail"] or "entry: zu" in e["detail"]
                   for e in report.errors) == 6
        assert report.errors[0]["column"] == "conceptEntry[@id='c1']"

    def test_with_a_chinese_term_per_concept_it_imports_as_drafts_and_exports_unchanged(self, engine, seeded):
        rows = _with_chinese(read(ASTRONOMY).rows)
        with Session(engine) as session:
            plan = bulk.plan_concept_rows(session, rows, default_part=1)
            assert [o.errors for o in plan if o.errors] == []
            bulk.apply(session, plan, actor=SYSTEM)
            session.commit()
        exported = export_bytes(engine, "terms", "tbx")
        again = tbx.read_tbx(io.BytesIO(exported), source="export.tbx")
        assert again.problems == [] and again.counts["conceptEntry"] == 45
        assert (again.counts["langSec:en"], again.counts["termSec:en"]) == (39, 55)
        assert [_en(r) for r in again.rows] == [_en(r) for r in _with_chinese(read(ASTRONOMY).rows)]
        assert {r.fields["status"] for r in again.rows} == {"draft"}
        assert run(engine, "terms", exported, "export.tbx").counts["unchanged"] == 45


def _with_chinese(rows):
    for index, row in enumerate(rows, 1):
        row.fields["terms"].insert(0, {"text": f"天文概念{index}", "lang": "zh-CN", "status": "preferred"})
        row.term_langs = row.term_langs | {"zh-CN"}
        row.errors = []  # six entries had zu/es terms only
    return rows


def _en(row):
    terms = [(t["text"], t["status"], t.get("type", "full_form")) for t in row.fields["terms"]
             if t["lang"] == "en"]
    return (row.fields["subject_field"], row.fields["definition"].get("en"), row.fields["notes"], terms)


class TestBadTbx:
    def test_all_five_problems_are_named_with_their_location(self):
        result = read(BAD)
        lines = BAD.read_text("utf-8-sig").splitlines()

        def line_of(snippet, after=0):
            return next(n for n, text in enumerate(lines, 1) if n > after and snippet in text)
        expected = {
            (line_of('<admin type="source">Wrong level'), "source at conceptEntry level"),
            (line_of("Definitions may not go at the term level"),
             "definition may appear only at conceptEntry"),
            (line_of(">nominal<"), "partOfSpeech 'nominal' is not in the picklist"),
            (line_of('type="wrongType"'), "only type 'responsibility'"),
            (line_of('type="theWrongType"'), "only type 'transactionType'"),
        }
        found = {(p["line"], p["detail"]) for p in result.problems}
        assert len(result.problems) == 5
        for line, words in expected:
            assert any(f_line == line and words in detail for f_line, detail in found), (line, words, found)
        assert all(p["column"].startswith("conceptEntry[@id=") for p in result.problems)

    def test_import_rejects_the_file_and_lists_the_five(self, engine, seeded):
        report = run(engine, "terms", BAD.read_bytes(), BAD.name, default_part=1)
        assert report.rejected and report.errors_total == 5 and concept_count(engine) == 0

    def test_usage_status_vocabulary_is_read(self):
        result = read(BAD)
        counts = [result.counts[f"usageStatus:{s}"] for s in ("preferred", "admitted", "deprecated")]
        assert counts == [12, 16, 4]
        statuses = {t["status"] for row in result.rows for t in row.fields["terms"]}
        assert statuses == {"preferred", "admitted", "deprecated"}


class TestMartifTbx2:
    def test_four_concepts_and_eight_terms_are_read_and_cs_is_skipped(self):
        result = read(WEBLATE)
        assert result.version == "2008" and result.problems == [] and len(result.rows) == 4
        assert (result.counts["termSec:en"], result.counts["termSec:cs"]) == (4, 4)
        assert [t["text"] for r in result.rows for t in r.fields["terms"]] == [
            "address bar", "administrator", "administrate", "always on top"]
        assert all(t["status"] == "preferred" for r in result.rows for t in r.fields["terms"])
        assert "4 × langSet xml:lang='cs'" in result.warnings[0]["detail"]

    def test_import_needs_chinese_terms_and_is_rejected_per_concept(self, engine, seeded):
        report = run(engine, "terms", WEBLATE.read_bytes(), WEBLATE.name, default_part=1)
        assert report.rejected and report.counts["error"] == 4


TBX_OPEN = (b'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>'
            b"<conceptEntry id='c1'><langSec xml:lang='en'><termSec><term>")
TBX_CLOSE = b"</term></termSec></langSec></conceptEntry></body></text></tbx>"
HOSTILE = {
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;">]>' + TBX_OPEN + b"&lol2;" + TBX_CLOSE,
    "xxe": b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           + TBX_OPEN + b"&xxe;" + TBX_CLOSE,
    "parameter entity": b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY % ext SYSTEM '
                        b'"http://127.0.0.1:9/x.dtd"> %ext;]><tbx/>',
}


class TestHostileXml:
    @pytest.mark.parametrize("name", sorted(HOSTILE))
    def test_entity_declarations_are_refused_with_a_clear_error(self, name):
        with pytest.raises(ImportRejected) as raised:
            tbx.read_tbx(io.BytesIO(HOSTILE[name]), source="evil.tbx")
        assert "entity" in raised.value.detail and raised.value.extensions["errors"][0]["line"] == 1

    def test_malformed_xml_names_line_and_column(self):
        with pytest.raises(ImportRejected) as raised:
            tbx.read_tbx(io.BytesIO(b"<tbx>\n<text>\n</tbx>"), source="broken.tbx")
        assert "not well-formed" in raised.value.detail and raised.value.extensions["errors"][0]["line"] == 3

    def test_a_file_that_is_not_tbx_is_refused(self):
        with pytest.raises(ImportRejected, match="not a TBX file"):
            tbx.read_tbx(io.BytesIO(b"<html><body/></html>"), source="page.tbx")
