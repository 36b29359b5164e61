"""Imports and exports over HTTP: multipart upload (editor), the report, 422 listing every bad row, dry runs,
413 for oversized uploads, streamed exports with a file name."""

import io

import pytest
from bulk_helpers import concept_csv, csv_rows
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from support import assert_problem, bearer

from registry.settings import get_settings

ROWS = [{"部分": "3", "条目编号": "3.1.1", "首选术语": "融资融券", "英文对应词": "margin trading",
         "定义": "投资者借入资金或证券的交易。", "注": "=1+1"},
        {"部分": "3", "条目编号": "3.1.2", "首选术语": "融券", "相关条目": "broader 3.1.1"}]


def upload(client, tokens, dataset, data, filename="terms.csv", role="editor", **params):
    return client.post(f"/api/v1/imports/{dataset}", params=params, files={"file": (filename, data)},
                       headers=bearer(tokens[role]))


class TestImport:
    def test_editor_imports_and_gets_the_report(self, client, tokens):
        response = upload(client, tokens, "terms", concept_csv(ROWS))
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
        assert report["written"] is True and [r["key"] for r in report["rows"]] == ["3/3.1.1", "3/3.1.2"]
        assert client.get("/api/v1/parts/3/entries/3.1.2").json()["cross_references"][0]["type"] == "broader"

    def test_dry_run_reports_without_writing(self, client, tokens):
        report = upload(client, tokens, "terms", concept_csv(ROWS), dry_run="true").json()
        assert report["counts"]["created"] == 2 and report["written"] is False
        assert client.get("/api/v1/concepts").json()["items"] == []

    def test_bad_rows_are_422_listing_every_one_and_nothing_is_written(self, client, tokens):
        rows = [*ROWS, {"部分": "3", "条目编号": "3.x", "首选术语": "坏"}, {"部分": "3", "条目编号": "3.1.9"}]
        problem = assert_problem(upload(client, tokens, "terms", concept_csv(rows)), 422, "import-rejected")
        assert {e["line"] for e in problem["errors"]} == {4, 5}
        assert all({"line", "column", "detail"} <= set(e) for e in problem["errors"])
        assert problem["report"]["counts"]["error"] == 2
        assert client.get("/api/v1/concepts").json()["items"] == []

    def test_codes_dataset_with_a_slash_and_the_mic_dataset(self, client, tokens):
        data = b"isin,name_en\nUS0378331005,Apple Inc.\n"
        response = upload(client, tokens, "codes/isin", data, "isin.csv")
        assert response.status_code == 200 and response.json()["counts"]["created"] == 1
        assert client.get("/api/v1/schemes/isin/codes/US0378331005").json()["name_en"] == "Apple Inc."
        not_mic = upload(client, tokens, "mic", b"isin\nUS0378331005\n", "x.csv")
        assert_problem(not_mic, 422, "import-rejected")

    def test_code_dry_run_is_rolled_back(self, client, tokens):
        response = upload(client, tokens, "isin", b"isin\nUS0378331005\n", "isin.csv", dry_run="true")
        assert response.json()["counts"]["created"] == 1
        assert_problem(client.get("/api/v1/schemes/isin/codes/US0378331005"), 404)

    def test_needs_an_editor_token(self, client, tokens):
        response = client.post("/api/v1/imports/terms", files={"file": ("t.csv", concept_csv(ROWS))})
        assert_problem(response, 401)

    def test_unknown_dataset_and_format(self, client, tokens):
        assert_problem(upload(client, tokens, "nothing", b"x"), 404)
        assert_problem(upload(client, tokens, "terms", b"x", "terms.pdf"), 422, "invalid-input")

    def test_hostile_xml_is_a_clear_422(self, client, tokens):
        evil = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><tbx>&b;</tbx>'
        problem = assert_problem(upload(client, tokens, "terms", evil, "evil.tbx"), 422, "import-rejected")
        assert "entity" in problem["detail"]


class TestUploadLimit:
    @pytest.fixture
    def small_client(self, engine, seeded, monkeypatch):
        monkeypatch.setenv("SFREG_MAX_UPLOAD_BYTES", "2000")
        get_settings.cache_clear()
        from api.app import create_app
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            yield client

    def test_an_upload_over_the_limit_is_413(self, small_client, tokens):
        response = upload(small_client, tokens, "terms", concept_csv(ROWS * 40))
        assert_problem(response, 413, "too-large")


class TestExport:
    def test_csv_is_streamed_with_a_file_name_and_neutralised_cells(self, client, tokens):
        upload(client, tokens, "terms", concept_csv(ROWS))
        response = client.get("/api/v1/exports/terms", params={"format": "csv"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"] == 'attachment; filename="sfreg-terms.csv"'
        rows = csv_rows(response.content)
        assert rows[0][:3] == ["ID", "部分", "条目编号"] and rows[1][rows[0].index("注")] == "'=1+1"

    def test_xlsx_cells_are_neutralised_too(self, client, tokens):
        upload(client, tokens, "terms", concept_csv(ROWS))
        response = client.get("/api/v1/exports/terms", params={"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][rows[0].index("注")] == "'=1+1"
        again = upload(client, tokens, "terms", response.content, "terms.xlsx").json()
        assert again["counts"]["unchanged"] == 2

    def test_tbx_and_json_and_codes(self, client, tokens, seeded_codes):
        upload(client, tokens, "terms", concept_csv(ROWS))
        tbx = client.get("/api/v1/exports/terms", params={"format": "tbx"})
        assert tbx.text.startswith("<?xml") and 'type="TBX-Basic"' in tbx.text
        items = client.get("/api/v1/exports/terms", params={"format": "json"}).json()
        assert items[0]["entry_number"] == "3.1.1"
        venues = client.get("/api/v1/exports/codes/venue")
        assert venues.headers["content-disposition"].endswith('sfreg-codes-venue.csv"')
        assert csv_rows(venues.content)[0][0] == "mic"

    def test_a_release_exports_what_it_froze(self, client, tokens):
        rows = [{**row, "状态": "proposed"} for row in ROWS]
        upload(client, tokens, "terms", concept_csv(rows), role="reviewer")
        created = client.post("/api/v1/releases", json={"name": "2026.1", "stage": "comment_draft"},
                              headers=bearer(tokens["reviewer"]))
        assert created.status_code == 201, created.text
        changed = [{**row, "定义": "发布后修改的定义。"} for row in rows]
        assert upload(client, tokens, "terms", concept_csv(changed)).json()["counts"]["updated"] == 2
        frozen = client.get("/api/v1/exports/terms", params={"format": "json", "release": "2026.1"})
        assert frozen.headers["content-disposition"].endswith('sfreg-terms-2026.1.json"')
        assert [c["definition"].get("zh-CN") for c in frozen.json()] == ["投资者借入资金或证券的交易。", None]
        live = client.get("/api/v1/exports/terms", params={"format": "json"}).json()
        assert {c["definition"]["zh-CN"] for c in live} == {"发布后修改的定义。"}

    def test_bad_format_scheme_and_release(self, client):
        assert_problem(client.get("/api/v1/exports/terms", params={"format": "pdf"}), 422)
        assert_problem(client.get("/api/v1/exports/codes/venue", params={"format": "tbx"}), 422)
        assert_problem(client.get("/api/v1/exports/codes/nothing"), 404)
        assert_problem(client.get("/api/v1/exports/terms", params={"release": "no-such-release"}), 404)
