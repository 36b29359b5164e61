"""TBX import and export against the three real files of shared/acceptance/tbx (see its README).

Decisions these tests pin down:
* Languages: every language is kept. Chinese tags fold to zh-CN, zh-TW or zh-HK and English ones to en (the
  term base's own languages); es and zu (astronomy sample) and cs (Weblate file) are kept as equivalents
  under their tags, and a TBX export writes them back.
* Imported concepts without 条目编号 become drafts in the part given (--part). A draft may be incomplete: no
  zh-CN preferred term, or a language without a preferred term (astronomy c41's es section has two admitted
  terms) — the file imports with no errors. Such a draft cannot be proposed until it has them.
* Data TBX-Basic has but sfreg does not model (transactions, parts of speech, contexts, images, notes below
  concept level) is counted in warnings, not kept.
"""

import io
from collections import Counter

import pytest
from bulk_helpers import TBX_DIR, concept_count, export_bytes, run
from sqlmodel import Session, select
from support import bearer

from importers import tbx
from registry.errors import ImportRejected
from terms.models import Concept

pytestmark = pytest.mark.skipif(not TBX_DIR.is_dir(),
                                reason=f"{TBX_DIR} is absent (shared/ lies beside the repository)")

ASTRONOMY = TBX_DIR / "ltac_tbx-basic_example_astronomy_dca_valid.tbx"
BAD = TBX_DIR / "ltac_tbx-basic_basic_bad.tbx"
WEBLATE = TBX_DIR / "weblate_cs_tbx2_martif.tbx"
KEPT_COUNTS = ("conceptEntry", "langSec:en", "langSec:es", "langSec:zu", "termSec:en", "termSec:es", "termSec:zu",
               "descrip:subjectField", "descrip:definition")


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

    def test_every_language_is_kept_and_unmodelled_data_is_warned_about(self):
        result = read(ASTRONOMY)
        langs = Counter(t["lang"] for row in result.rows for t in row.fields["terms"])
        assert langs == {"en": 55, "es": 52, "zu": 6}
        warned = " ".join(w["detail"] for w in result.warnings)
        assert "xml:lang" not in warned
        assert "316 × transacGrp" in warned and "partOfSpeech" in warned

    def test_imports_with_no_errors_as_drafts_of_the_part_given(self, engine, seeded):
        with Session(engine) as session:
            known = set(session.exec(select(Concept.id)))
        report = run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        assert not report.rejected and report.errors_total == 0 and report.counts["created"] == 45
        with Session(engine) as session:
            imported = [c for c in session.exec(select(Concept)) if c.id not in known]
        assert len(imported) == 45 and {(c.part, c.status) for c in imported} == {(1, "draft")}

    def test_export_keeps_every_modelled_count_and_reimports_unchanged(self, engine, seeded):
        run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        exported = export_bytes(engine, "terms", "tbx")
        again = tbx.read_tbx(io.BytesIO(exported), source="export.tbx")
        source = read(ASTRONOMY).counts
        assert again.problems == [] and {k: again.counts[k] for k in KEPT_COUNTS} == {k: source[k] for k in KEPT_COUNTS}
        cited = sum(1 for row in read(ASTRONOMY).rows if row.fields.get("source"))
        assert again.counts["admin:source"] == cited > 30  # each concept's definition source, once
        assert [_terms(r) for r in again.rows] == [_terms(r) for r in read(ASTRONOMY).rows]
        assert run(engine, "terms", exported, "export.tbx").counts["unchanged"] == 45

    def test_a_draft_without_a_chinese_preferred_term_cannot_be_proposed(self, engine, seeded, client, tokens):
        run(engine, "terms", ASTRONOMY.read_bytes(), ASTRONOMY.name, default_part=1)
        with Session(engine) as session:
            concept = session.exec(select(Concept).where(Concept.subject_field == "Stellar Death")).first()
        response = client.post(f"/api/v1/concepts/{concept.id}/transitions", json={"to": "proposed"},
                               headers=bearer(tokens["editor"]))
        assert response.status_code == 422 and "zh-CN preferred term" in response.json()["detail"]


def _terms(row):
    terms = [(t["text"], t["lang"], t["status"], t.get("type", "full_form")) for t in row.fields["terms"]]
    definition = {k: v for k, v in row.fields["definition"].items() if v}
    return row.fields["subject_field"], definition, row.fields["notes"], sorted(terms)


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
    def test_four_concepts_and_eight_terms_are_read(self):
        result = read(WEBLATE)
        assert result.version == "2008" and result.problems == [] and len(result.rows) == 4
        assert (result.counts["termSec:en"], result.counts["termSec:cs"]) == (4, 4)
        assert [(t["lang"], t["text"]) for t in result.rows[0].fields["terms"]] == [("en", "address bar"),
                                                                                   ("cs", "adresní řádek")]
        assert all(t["status"] == "preferred" for r in result.rows for t in r.fields["terms"])

    def test_imports_four_concepts_and_eight_terms(self, engine, seeded):
        before = concept_count(engine)
        report = run(engine, "terms", WEBLATE.read_bytes(), WEBLATE.name, default_part=1)
        assert not report.rejected and report.counts["created"] == 4 and concept_count(engine) == before + 4
        again = tbx.read_tbx(io.BytesIO(export_bytes(engine, "terms", "tbx")), source="export.tbx")
        assert (again.counts["termSec:cs"], sum(len(r.fields["terms"]) for r in again.rows[before:])) == (4, 8)


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
