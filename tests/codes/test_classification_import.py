"""Classification files in and out: CSV/XLSX (parent column, level columns, codes alone), SKOS (Turtle,
JSON-LD); all or nothing, every bad row named; round trips; the CLI and HTTP take them like code lists."""

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlmodel import Session
from support import assert_problem, bearer
from typer.testing import CliRunner

from codes import classification
from codes.classification_seed import seed_classification_samples
from importers import service
from registry.auth import SYSTEM
from registry.database import transaction
from registry.errors import ImportRejected, RegistryError

HEADER = "code,name_zh,name_en,parent\n"
GOOD = HEADER + "1,个人,Individuals,\n101,普通个人,Ordinary,1\n10101,境内自然人,Domestic,101\n2,机构,Institutions,\n"


@pytest.fixture
def scheme(engine, seeded) -> str:
    body = classification.SchemeCreate(slug="practitioner", name_zh="从业人员分类", name_en="Practitioners",
                                       kind="classification", structure="1-2-2")
    with transaction(engine) as session:
        classification.create_scheme(session, body, actor=SYSTEM)
    return "practitioner"


def run(engine, scheme, data: bytes | str, filename="tree.csv", **options):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with Session(engine, expire_on_commit=False) as session:
        report = service.run_import(session, f"codes/{scheme}", io.BytesIO(raw), filename=filename, actor=SYSTEM,
                                    **options)
        session.rollback() if report.rejected or options.get("dry_run") else session.commit()
    return report


def export(engine, scheme, fmt) -> bytes:
    with Session(engine) as session:
        out = service.export(session, engine, f"codes/{scheme}", fmt)
    return b"".join(c.encode() if isinstance(c, str) else c for c in out.chunks)


def tree(engine, scheme) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, parent, name_zh, name_en, status FROM code_entry WHERE scheme = :s"),
                            {"s": scheme})
        return {r[0]: tuple(r[1:]) for r in rows}


def problems(report) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for error in report.errors:
        out.setdefault(error["line"], []).append(f"{error['column']}: {error['detail']}")
    return out


class TestParentColumn:
    @pytest.mark.parametrize("parallel", [False, True])
    def test_good_file_creates_the_tree(self, engine, scheme, parallel):
        report = run(engine, scheme, GOOD, parallel=parallel)
        assert not report.rejected and report.counts["created"] == 4
        assert tree(engine, scheme)["10101"][0] == "101"
        with engine.connect() as conn:
            searched = conn.execute(text("SELECT search_text FROM code_entry WHERE code = '10101'")).scalar()
        assert "jingneiziranren" in searched and "jnzrr" in searched  # pinyin, initials: searchable

    def test_children_may_come_before_their_parents(self, engine, scheme):
        report = run(engine, scheme, HEADER + "10101,甲,,101\n101,乙,,1\n1,丙,,\n")
        assert not report.rejected and len(tree(engine, scheme)) == 3

    def test_each_bad_row_is_named_and_nothing_is_written(self, engine, scheme):
        bad = (HEADER + "1,个人,,\n"          # line 2: fine
               "101,普通,,1\n"               # line 3: fine
               "101,重复,,1\n"               # line 4: duplicate
               "30101,孤儿,,301\n"           # line 5: orphan
               "1A1,字母,,1\n"               # line 6: breaks level 2's pattern
               "20101,前缀,,101\n"           # line 7: does not begin with its parent
               "501,环甲,,50102\n"            # line 8 and 9: a cycle
               "50102,环乙,,501\n"
               "1011,长度,,101\n")           # line 10: level 3 codes have 5 characters
        report = run(engine, scheme, bad)
        found = problems(report)
        assert report.rejected and set(found) == {4, 5, 6, 7, 8, 9, 10}
        assert "more than once" in found[4][0] and "(line 3)" in found[4][0]
        assert "orphan" in found[5][0] and found[5][0].startswith("parent:")
        assert "position 2" in found[6][0] and "'A'" in found[6][0]
        assert "begin with its parent's code 101" in found[7][0]
        assert "cycle" in found[8][0] and "cycle" in found[9][0]
        assert "5 characters" in found[10][0]
        assert tree(engine, scheme) == {}
        zh = next(e for e in report.errors if e["line"] == 6)
        assert zh["position"] == 2 and zh["found"] == "A" and "第 2 位" in zh["detail_zh"]

    def test_full_width_codes_are_folded(self, engine, scheme):
        assert not run(engine, scheme, HEADER + "１,甲,,\n１０１,乙,,１\n").rejected
        assert tree(engine, scheme)["101"][0] == "1"

    def test_parent_may_already_be_registered(self, engine, scheme):
        run(engine, scheme, GOOD)
        report = run(engine, scheme, HEADER + "102,新,,1\n10101,境内自然人（改）,Domestic,101\n")
        assert report.counts["created"] == 1 and report.counts["updated"] == 1

    def test_dry_run_writes_nothing(self, engine, scheme):
        report = run(engine, scheme, GOOD, dry_run=True)
        assert report.counts["created"] == 4 and tree(engine, scheme) == {}


class TestOtherLayouts:
    def test_level_columns_one_code_per_row(self, engine, scheme):
        data = ("一级,二级,三级,中文名称\n1,,,个人\n,101,,普通个人\n,,10101,境内\n,,10102,境外\n"
                ",102,,专业\n,,10201,资产\n2,,,机构\n,201,,金融\n")
        report = run(engine, scheme, data)
        assert not report.rejected, report.errors
        stored = tree(engine, scheme)
        assert stored["10201"][0] == "102" and stored["201"][0] == "2" and stored["10102"][1] == "境外"

    def test_level_columns_full_path_per_row(self, engine, scheme):
        report = run(engine, scheme, "level1,level2,level3,name_zh\n1,,,甲\n1,101,,乙\n1,101,10101,丙\n")
        assert not report.rejected and tree(engine, scheme)["10101"][0] == "101"

    def test_level_column_that_contradicts_the_tree(self, engine, scheme):
        report = run(engine, scheme, "level1,level2,level3\n1,,\n,,10101\n")
        assert report.rejected and problems(report)[3][0].startswith("level3:")

    def test_codes_alone_take_their_parents_from_the_structure(self, engine, scheme):
        report = run(engine, scheme, "code,name_zh\n1,甲\n101,乙\n10101,丙\n")
        assert not report.rejected and tree(engine, scheme)["10101"][0] == "101"

    def test_xlsx_with_a_parent_column(self, engine, scheme):
        book = Workbook()
        sheet = book.active
        for row in (["代码", "中文名称", "上级代码"], ["1", "甲", None], ["101", "乙", "1"], ["10101", "丙", "102"]):
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        report = run(engine, scheme, out.getvalue(), "tree.xlsx")
        assert report.rejected and problems(report) == {4: [problems(report)[4][0]]}
        assert "102" in problems(report)[4][0]


class TestSkos:
    @pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
    def test_round_trip_into_a_new_scheme(self, engine, seeded, fmt):
        with transaction(engine) as session:
            seed_classification_samples(session)
            copy = classification.SchemeCreate(slug="copy", name_zh="副本", name_en="Copy", kind="classification",
                                               structure="1-2-2")
            classification.create_scheme(session, copy, actor=SYSTEM)
        data = export(engine, "investor-sample", fmt).replace(b"investor-sample", b"copy")
        report = run(engine, "copy", data, f"tree.{fmt}")
        assert not report.rejected, report.errors
        original = tree(engine, "investor-sample")
        assert tree(engine, "copy") == original and len(original) == 28
        assert not run(engine, "copy", data, f"tree.{fmt}").counts["created"]

    def test_turtle_cycle_and_two_parents_are_rejected_naming_lines(self, engine, scheme):
        ttl = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:x:1> a skos:Concept ; skos:notation "1" ; skos:prefLabel "甲"@zh .
<urn:x:101> a skos:Concept ; skos:notation "101" ; skos:broader <urn:x:10101> .
<urn:x:10101> a skos:Concept ; skos:notation "10101" ; skos:broader <urn:x:101> .
<urn:x:102> a skos:Concept ; skos:notation "102" ; skos:broader <urn:x:1>, <urn:x:101> .
"""
        report = run(engine, scheme, ttl, "tree.ttl")
        found = problems(report)
        assert report.rejected and set(found) == {3, 4, 5}
        assert "cycle" in found[3][0] and "one parent" in found[5][0]

    def test_remote_json_ld_context_is_refused(self, engine, scheme):
        doc = {"@context": "https://example.org/context.jsonld", "@id": "urn:x:1", "skos:notation": "1"}
        with pytest.raises(ImportRejected, match="remote @context"):
            run(engine, scheme, json.dumps(doc), "tree.jsonld")

    def test_broken_turtle_is_rejected(self, engine, scheme):
        with pytest.raises(RegistryError, match="not readable as turtle"):
            run(engine, scheme, "<urn:x:1> skos:notation", "tree.ttl")

    def test_a_flat_scheme_takes_no_skos(self, engine, scheme):
        with pytest.raises(RegistryError, match="classification schemes"):
            run(engine, "isin", "<urn:x> <urn:y> <urn:z> .", "x.ttl")


class TestEntryPoints:
    def test_http_import_rejects_with_every_row(self, client, tokens, scheme):
        bad = HEADER + "1,甲,,\n1,乙,,\n301,丙,,3\n"
        response = client.post("/api/v1/imports/codes/practitioner", headers=bearer(tokens["editor"]),
                               files={"file": ("tree.csv", bad.encode(), "text/csv")})
        body = assert_problem(response, 422, "import-rejected")
        assert {e["line"] for e in body["errors"]} == {3, 4}
        ok = client.post("/api/v1/imports/codes/practitioner", headers=bearer(tokens["editor"]),
                         files={"file": ("tree.csv", GOOD.encode(), "text/csv")})
        assert ok.status_code == 200 and ok.json()["counts"]["created"] == 4
        ttl = client.get("/api/v1/exports/codes/practitioner", params={"format": "ttl"})
        assert ttl.headers["content-type"].startswith("text/turtle") and b'skos:notation "10101"' in ttl.content

    def test_cli_import_codes(self, engine, scheme, tmp_path):
        from sfreg_cli import app
        path = tmp_path / "tree.csv"
        path.write_text(GOOD, "utf-8")
        result = CliRunner().invoke(app, ["import", "codes", scheme, str(path)])
        assert result.exit_code == 0, result.output
        assert "4 created" in result.output and len(tree(engine, scheme)) == 4
        path.write_text(HEADER + "9,甲,,8\n", "utf-8")
        result = CliRunner().invoke(app, ["import", "codes", scheme, str(path)])
        assert result.exit_code == 1 and "orphan" in result.output


class TestSchemeCli:
    def test_create_tree_and_validate(self, engine, seeded, tmp_path):
        from sfreg_cli import app
        runner = CliRunner()
        created = runner.invoke(app, ["scheme", "create", "staff", "--name-zh", "从业人员分类", "--name-en", "Staff",
                                      "--structure", "1-2"])
        assert created.exit_code == 0, created.output
        assert "classification" in created.output
        again = runner.invoke(app, ["scheme", "create", "staff", "--name-zh", "甲", "--name-en", "A",
                                    "--structure", "1-2"])
        assert again.exit_code == 1 and "already exists" in again.output
        flat = runner.invoke(app, ["scheme", "create", "seat", "--name-zh", "席位", "--name-en", "Seats",
                                   "--pattern", "[0-9]{6}"])
        assert flat.exit_code == 0 and "^[0-9]{6}$" in flat.output
        path = tmp_path / "staff.csv"
        path.write_text("code,name_zh\n1,甲\n101,乙\n", "utf-8")
        assert runner.invoke(app, ["import", "codes", "staff", str(path)]).exit_code == 0
        tree = runner.invoke(app, ["scheme", "tree", "staff"])
        assert tree.output.splitlines() == ["1 甲", "  101 乙"]
        checked = runner.invoke(app, ["scheme", "validate", "staff", "101", "1X1"])
        assert checked.exit_code == 1 and "101\tvalid\tlevel 2\t1" in checked.output
        assert "第 2 位" in checked.output


class TestLevelColumnsExport:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_levels_layout_round_trips(self, engine, seeded, fmt):
        with transaction(engine) as session:
            seed_classification_samples(session)
            copy = classification.SchemeCreate(slug="copy", name_zh="副本", name_en="Copy", kind="classification",
                                               structure="1-2-2")
            classification.create_scheme(session, copy, actor=SYSTEM)
        with Session(engine) as session:
            out = service.export(session, engine, "codes/investor-sample", fmt, layout="levels")
        data = b"".join(c.encode() if isinstance(c, str) else c for c in out.chunks)
        if fmt == "csv":
            lines = data.decode("utf-8-sig").splitlines()
            assert lines[0].startswith("level1,level2,level3,name_zh") and lines[3].startswith("1,101,10101,")
        report = run(engine, "copy", data, f"tree.{fmt}")
        assert not report.rejected, report.errors
        assert tree(engine, "copy") == tree(engine, "investor-sample")

    def test_levels_layout_is_for_classifications(self, engine, seeded):
        with Session(engine) as session, pytest.raises(RegistryError, match="layout"):
            service.export(session, engine, "codes/isin", "csv", layout="levels")
