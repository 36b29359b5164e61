"""China's instrument codes over HTTP: the kind list, single and batch validation, the BSE switch by date,
and the cross-links between security codes and ISIN records (both databases)."""

from __future__ import annotations

import pytest
from support import bearer

from codes.validators import isin

BSE_ISIN_BODY = "CNE10000Z9Z"  # a synthetic ISIN for the test record, not a real security's
BSE_ISIN = BSE_ISIN_BODY + isin.calc_check_digit(BSE_ISIN_BODY)


class TestKindList:
    def test_every_kind_with_a_one_line_description(self, client):
        listed = client.get("/api/v1/validate").json()
        kinds = {item["kind"]: item for item in listed}
        assert {"isin", "cfi", "lei", "uscc", "mic", "cn_security", "cn_futures", "cn_option"} <= set(kinds)
        assert all(item["description"] and item["description_zh"] for item in listed)
        assert "920" in kinds["cn_security"]["description"]


class TestSingle:
    def test_bse_code_names_its_successor_before_the_switch(self, client):
        body = client.get("/api/v1/validate/cn_security/430047.BJ", params={"as_of": "2025-01-01"}).json()
        assert body["valid"] is True
        assert body["components"]["successor"] == {"code": "920047.BJ", "effective": "2025-10-09"}
        assert body["warnings"][0]["code"] == "code_switch"

    def test_bse_code_is_superseded_after_the_switch(self, client):
        body = client.get("/api/v1/validate/cn_security/430047.BJ", params={"as_of": "2026-01-05"}).json()
        assert body["valid"] is False and body["errors"][0]["code"] == "superseded"
        assert "920047.BJ" in body["errors"][0]["message"] and "920047.BJ" in body["errors"][0]["message_zh"]

    @pytest.mark.parametrize(("kind", "raw", "normalized"), [
        ("cn_security", "ｓｈ600000", "600000.SH"),
        ("cn_futures", "SR2501", "SR501"),
        ("cn_futures", "CU2501.shf", "cu2501"),
        ("cn_option", "m2501c3000", "m2501-C-3000"),
        ("cn_option", "CZCE.SR.202501.C.5000", "SR501C5000"),
    ])
    def test_case_width_and_affixes_are_folded(self, client, kind, raw, normalized):
        body = client.get(f"/api/v1/validate/{kind}/{raw}", params={"as_of": "2024-12-02"}).json()
        assert body["normalized"] == normalized and body["valid"] is True, body

    @pytest.mark.parametrize("kind", ["cn_security", "cn_futures", "cn_option"])
    @pytest.mark.parametrize("raw", ["%01%02", "A" * 5_000, "💥", "%FF", "-", "6.0.0", "IO2412-C-"])
    def test_malformed_input_is_a_verdict_never_a_500(self, client, kind, raw):
        response = client.get(f"/api/v1/validate/{kind}/{raw}")
        assert response.status_code == 200
        body = response.json()
        assert body["valid"] is False and body["errors"][0]["message"] and body["errors"][0]["message_zh"]

    def test_malformed_option_names_position_expected_and_found(self, client):
        body = client.get("/api/v1/validate/cn_option/510050X2412M02500").json()
        finding = body["errors"][0]
        assert finding["message"].endswith("position 7: expected C or P, found 'X'")
        assert "第 7 位应为C 或 P，实际为 'X'" in finding["message_zh"]


class TestBatch:
    def test_mixed_futures_and_options_in_input_order_with_server_timing(self, client):
        codes = ["cu2501", "SR501", "ru2502", "IF2412", "xx2501"]
        response = client.post("/api/v1/validate/cn_futures", json={"codes": codes}, params={"as_of": "2024-12-02"})
        assert response.headers["Server-Timing"].startswith("app;dur=")
        assert [r["valid"] for r in response.json()["results"]] == [True, True, False, True, False]

    def test_option_batch_gives_the_unified_form(self, client):
        codes = ["510050C2412M02500", "IO2412-C-3900", "cu2501C72000"]
        results = client.post("/api/v1/validate/cn_option", json={"codes": codes},
                              params={"as_of": "2024-12-02"}).json()["results"]
        assert [r["components"]["unified"] for r in results] == [
            "SSE.510050.202412.C.2.500", "CFFEX.IO.202412.C.3900", "SHFE.CU.202501.C.72000"]


class TestCrossLinks:
    def test_security_code_links_to_its_isin_record(self, client, seeded_codes):
        body = client.get("/api/v1/validate/cn_security/000005").json()
        assert body["normalized"] == "000005.SZ"
        assert body["links"]["isin"]["code"] == "CNE0000001L7" and body["links"]["isin"]["name_zh"] == "世纪星源"

    def test_isin_links_to_its_security_code(self, client, seeded_codes):
        body = client.get("/api/v1/validate/isin/CNE0000001L7").json()
        link = body["links"]["cn_security"]
        assert link["code"] == "000005.SZ" and link["valid"] is True and link["exchange"] == "SZSE"

    def test_unlinked_security_code_has_no_link(self, client, seeded_codes):
        assert client.get("/api/v1/validate/cn_security/600519.SH").json()["links"] == {}

    def test_bse_record_is_found_through_old_and_new_code_over_time(self, client, seeded_codes, tokens):
        record = {"code": BSE_ISIN, "name_zh": "测试北交所证券（样例）", "attrs": {"local_code": "430047.BJ"}}
        created = client.post("/api/v1/schemes/isin/codes", json=record, headers=bearer(tokens["editor"]))
        assert created.status_code == 201, created.text
        for code in ("430047.BJ", "920047.BJ"):
            body = client.get(f"/api/v1/validate/cn_security/{code}", params={"as_of": "2025-01-01"}).json()
            assert body["links"]["isin"]["code"] == BSE_ISIN
        headers = {**bearer(tokens["editor"]), "If-Match": created.headers["ETag"]}
        moved = client.patch(f"/api/v1/schemes/isin/codes/{BSE_ISIN}", headers=headers,
                             json={"attrs": {"local_code": "920047.BJ"}, "change_note": "北交所代码切换"})
        assert moved.status_code == 200, moved.text
        old = client.get("/api/v1/validate/cn_security/430047.BJ", params={"as_of": "2025-01-02"}).json()
        assert old["links"]["isin"]["code"] == BSE_ISIN and old["links"]["isin"]["local_code"] == "920047.BJ"
        linked = client.get(f"/api/v1/validate/isin/{BSE_ISIN}", params={"as_of": "2026-01-05"}).json()
        assert linked["links"]["cn_security"]["predecessor"] == {"code": "430047.BJ", "effective": "2025-10-09"}
