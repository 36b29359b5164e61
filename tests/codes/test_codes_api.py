"""The code library over HTTP: schemes, seeded venues, search, as_of, writes with history and locking."""

from support import assert_problem, bearer


class TestSchemes:
    def test_lists_the_three_schemes_with_standard_and_validator(self, client):
        schemes = {s["slug"]: s for s in client.get("/api/v1/schemes").json()}
        assert set(schemes) == {"venue", "participant", "isin"}
        assert schemes["venue"]["validator"] == "mic" and "10383" in schemes["venue"]["standard"]
        assert schemes["isin"]["hierarchical"] is False

    def test_unknown_scheme_is_404_listing_schemes(self, client):
        problem = assert_problem(client.get("/api/v1/schemes/bogus/codes"), 404)
        assert "venue" in problem["detail"]


class TestSeededVenues:
    def test_shanghai_segment_points_to_operating_mic(self, client, seeded_codes):
        xine = client.get("/api/v1/schemes/venue/codes/XINE").json()
        assert xine["parent"] == "XSGE" and xine["attrs"]["oprt_sgmt"] == "SGMT"
        xshg = client.get("/api/v1/schemes/venue/codes/xshg").json()
        assert xshg["name_zh"] == "上海证券交易所" and xshg["attrs"]["lei"] == "300300LRJ5FEZ23N8725"

    def test_expired_xsme_reads_active_before_expiry_and_expired_after(self, client, seeded_codes):
        xsme = client.get("/api/v1/schemes/venue/codes/XSME").json()
        assert xsme["status"] == "expired" and xsme["valid_to"]
        before = client.get("/api/v1/schemes/venue/codes/XSME", params={"as_of": "2005-01-01"}).json()
        assert before["status_as_of"] == "active"

    def test_search_by_chinese_name_pinyin_and_code_prefix(self, client, seeded_codes):
        def codes(q):
            return {c["code"] for c in client.get("/api/v1/schemes/venue/codes", params={"q": q}).json()["items"]}
        assert "XSHG" in codes("上海证券")
        assert "XSHG" in codes("shanghaizhengquan")
        assert "XSHG" in codes("XSH")
        assert "XSHG" in codes("上海證券")

    def test_as_of_filter_excludes_entries_not_valid_then(self, client, seeded_codes):
        items = client.get("/api/v1/schemes/venue/codes", params={"as_of": "2024-01-01", "limit": 500}).json()
        assert "XSME" not in {c["code"] for c in items["items"]}


ISIN = {"code": "CNE100000296", "name_zh": "示例股份", "attrs": {"venue": "XSHG", "cfi": "ESVUFR"}}


class TestWrites:
    def test_create_update_with_if_match_and_history(self, client, tokens):
        created = client.post("/api/v1/schemes/isin/codes", json=ISIN, headers=bearer(tokens["editor"]))
        assert created.status_code == 201, created.text
        assert created.headers["Location"].endswith("/CNE100000296")
        url = "/api/v1/schemes/isin/codes/CNE100000296"
        assert_problem(client.patch(url, json={"name_zh": "新名"}, headers=bearer(tokens["editor"])), 428)
        headers = {**bearer(tokens["editor"]), "If-Match": created.headers["ETag"]}
        updated = client.patch(url, json={"name_zh": "新名", "change_note": "更名"}, headers=headers)
        assert updated.status_code == 200 and updated.json()["name_zh"] == "新名"
        assert_problem(client.patch(url, json={"name_zh": "x"}, headers=headers), 412)
        history = client.get(url + "/history").json()
        assert [h["revision"] for h in history] == [1, 2]
        assert history[1]["changes"] == [{"field": "name_zh", "old": "示例股份", "new": "新名"}]

    def test_bad_check_digit_bad_cfi_and_duplicate_are_rejected(self, client, tokens):
        bad = {**ISIN, "code": "CNE100000297"}
        problem = assert_problem(client.post("/api/v1/schemes/isin/codes", json=bad,
                                             headers=bearer(tokens["editor"])), 422)
        assert "check digit should be 6" in problem["detail"]
        bad_cfi = {**ISIN, "attrs": {"cfi": "QQQQQQ"}}
        assert_problem(client.post("/api/v1/schemes/isin/codes", json=bad_cfi, headers=bearer(tokens["editor"])), 422)
        client.post("/api/v1/schemes/isin/codes", json=ISIN, headers=bearer(tokens["editor"]))
        assert_problem(client.post("/api/v1/schemes/isin/codes", json=ISIN,
                                   headers=bearer(tokens["editor"])), 409)

    def test_supersede_needs_reviewer_and_registered_successor(self, client, tokens):
        old = {"code": "BSE430047", "name_zh": "旧代码", "attrs": {"category": "其他"}}
        new = {"code": "BSE920047", "name_zh": "新代码", "attrs": {"category": "其他"}}
        for body in (old, new):
            client.post("/api/v1/schemes/participant/codes", json=body, headers=bearer(tokens["editor"]))
        url = "/api/v1/schemes/participant/codes/BSE430047/transitions"
        move = {"to": "superseded", "successor": "BSE920047", "valid_to": "2025-10-09"}
        assert_problem(client.post(url, json=move, headers=bearer(tokens["editor"])), 403)
        assert_problem(client.post(url, json={**move, "successor": "NOPE"}, headers=bearer(tokens["reviewer"])), 404)
        done = client.post(url, json=move, headers=bearer(tokens["reviewer"])).json()
        assert done["status"] == "superseded" and done["successor"] == "BSE920047"
        earlier = client.get("/api/v1/schemes/participant/codes/BSE430047", params={"as_of": "2025-10-08"}).json()
        assert earlier["status_as_of"] == "active"
