"""Validation endpoints: verdicts with reasons, registry membership, batches, CSV, bad input."""

import re

import pytest
from support import assert_problem

from codes.validators import isin

SEEDED_ISIN = "CNE0000001L7"


class TestSingle:
    def test_registered_isin(self, client, seeded_codes):
        body = client.get(f"/api/v1/validate/isin/{SEEDED_ISIN}").json()
        assert body["valid"] and body["registered"] and body["record"]["name_zh"] == "世纪星源"

    def test_valid_but_unregistered_isin(self, client, seeded_codes):
        body = client.get("/api/v1/validate/isin/US0378331005").json()
        assert body["valid"] is True and body["registered"] is False and body["record"] is None

    def test_bad_check_digit_names_expected_digit_in_both_languages(self, client, seeded_codes):
        body = client.get("/api/v1/validate/isin/US0378331004").json()
        assert body["valid"] is False
        assert "should be 5" in body["errors"][0]["message"] and "5" in body["errors"][0]["message_zh"]

    @pytest.mark.parametrize("raw", ["cne0000001l7", " CNE 0000 001L7 ", "ＣＮＥ0000001Ｌ7"])
    def test_lowercase_spaces_and_full_width_are_folded(self, client, seeded_codes, raw):
        body = client.get(f"/api/v1/validate/isin/{raw}").json()
        assert body["normalized"] == SEEDED_ISIN and body["valid"] and body["registered"]

    def test_mic_validity_depends_on_register_and_date(self, client, seeded_codes):
        assert client.get("/api/v1/validate/mic/XSHG").json()["valid"] is True
        expired = client.get("/api/v1/validate/mic/XSME").json()
        assert expired["valid"] is False and expired["errors"][0]["code"] == "expired"
        assert client.get("/api/v1/validate/mic/XSME", params={"as_of": "2005-01-01"}).json()["valid"] is True
        unknown = client.get("/api/v1/validate/mic/ZZZZ").json()
        assert unknown["errors"][0]["code"] == "not_registered"

    @pytest.mark.parametrize("raw", ["%01%02", "A" * 10_000, "💥", "%FF"])
    def test_hostile_input_is_a_verdict_never_a_500(self, client, seeded_codes, raw):
        response = client.get(f"/api/v1/validate/isin/{raw}")
        assert response.status_code == 200 and response.json()["valid"] is False

    def test_unknown_kind_is_404_listing_kinds(self, client):
        problem = assert_problem(client.get("/api/v1/validate/cusip/123"), 404)
        assert problem["kinds"] == ["cfi", "cn_futures", "cn_option", "cn_security", "isin", "lei", "mic", "uscc"]

    @pytest.mark.parametrize("kind,code", [("lei", "300300LRJ5FEZ23N8725"), ("cfi", "ESVUFR")])
    def test_other_kinds_have_no_registry(self, client, kind, code):
        body = client.get(f"/api/v1/validate/{kind}/{code}").json()
        assert body["valid"] is True and body["registered"] is None


class TestBatch:
    def test_results_in_input_order(self, client, seeded_codes):
        codes = ["US0378331004", SEEDED_ISIN, "junk", SEEDED_ISIN]
        results = client.post("/api/v1/validate/isin", json={"codes": codes}).json()["results"]
        assert [r["input"] for r in results] == codes
        assert [r["valid"] for r in results] == [False, True, False, True]

    def test_text_plain_in_csv_out_with_formula_neutralised(self, client, seeded_codes):
        response = client.post("/api/v1/validate/isin?format=csv", content="=1+1\nCNE0000001L7\n",
                               headers={"content-type": "text/plain"})
        assert response.headers["content-type"].startswith("text/csv")
        lines = response.text.lstrip("\ufeff").splitlines()
        assert lines[1].startswith("'=1+1") and lines[2].startswith("CNE0000001L7,CNE0000001L7,true,true")

    def test_repeated_codes_get_the_same_answer_once_judged(self, client, seeded_codes):
        codes = ["XSME", "xshg", "XSME", "XSME", "NOPE"]
        results = client.post("/api/v1/validate/mic", json={"codes": codes}).json()["results"]
        assert [r["valid"] for r in results] == [False, True, False, False, False]
        assert [len(r["errors"]) for r in results] == [1, 0, 1, 1, 1]
        assert results[0] == results[2] == results[3]

    def test_large_batch_finds_registered_codes_among_unregistered_ones(self, client, seeded_codes):
        filler = [f"US{n:09d}" for n in range(3000)]
        codes = [body + isin.calc_check_digit(body) for body in filler] + [SEEDED_ISIN]
        results = client.post("/api/v1/validate/isin", json={"codes": codes}).json()["results"]
        assert [r["normalized"] for r in results if r["registered"]] == [SEEDED_ISIN]
        assert all(r["valid"] for r in results)

    def test_server_timing_reports_the_server_time(self, client, seeded_codes):
        response = client.post("/api/v1/validate/isin", json={"codes": [SEEDED_ISIN]})
        assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["server-timing"])

    def test_more_than_ten_thousand_is_413(self, client):
        assert_problem(client.post("/api/v1/validate/isin", json={"codes": ["X"] * 10_001}), 413)

    @pytest.mark.parametrize("payload", [{"codes": "CNE0000001L7"}, ["CNE0000001L7"], {"codes": [1, 2]}, {}])
    def test_batch_that_is_not_a_list_of_strings_is_422(self, client, payload):
        assert_problem(client.post("/api/v1/validate/isin", json=payload), 422)

    def test_non_utf8_body_is_422(self, client):
        response = client.post("/api/v1/validate/isin", content=b"\xff\xfe", headers={"content-type": "text/plain"})
        assert_problem(response, 422)


class TestFastRouteParameters:
    def test_bad_as_of_and_unknown_parameters_are_422(self, client):
        assert_problem(client.get("/api/v1/validate/isin/CNE0000001L7", params={"as_of": "2025-13-01"}), 422)
        assert_problem(client.get("/api/v1/validate/isin/CNE0000001L7", params={"bogus": "1"}), 422)
        assert_problem(client.get("/api/v1/validate/isin/CNE0000001L7", params={"release": "x" * 61}), 422)
        assert_problem(client.get("/api/v1/validate/isin/CNE0000001L7", params={"release": "nope"}), 404)

    def test_private_reads_apply_to_the_fast_route(self, client, tokens, monkeypatch):
        from support import bearer

        from registry.settings import get_settings
        monkeypatch.setenv("SFREG_PUBLIC_READ", "false")
        get_settings.cache_clear()
        assert_problem(client.get("/api/v1/validate/isin/CNE0000001L7"), 401)
        assert client.get("/api/v1/validate/isin/CNE0000001L7", headers=bearer(tokens["editor"])).status_code == 200


class TestRegistryFreshness:
    def test_a_code_registered_in_this_process_validates_as_registered_at_once(self, client, tokens):
        from support import bearer
        url = "/api/v1/validate/isin/US0378331005"
        assert client.get(url).json()["registered"] is False
        created = client.post("/api/v1/schemes/isin/codes", json={"code": "US0378331005", "name_en": "Apple"},
                              headers=bearer(tokens["editor"]))
        assert created.status_code == 201
        assert client.get(url).json()["registered"] is True
