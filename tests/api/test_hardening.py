"""Odd input over HTTP (issue 11): NUL refused everywhere as 422 naming where, LIKE wildcards literal."""

import pytest
from support import assert_problem, bearer

CONCEPT = {"part": 3, "entry_number": "3.1.2",
           "terms": [{"text": "融资融券", "lang": "zh-CN", "status": "preferred"}]}


class TestNul:
    def test_unauthenticated_code_search_with_nul_is_422_naming_q(self, client):
        problem = assert_problem(client.get("/api/v1/schemes/venue/codes?q=%00"), 422, "invalid-input")
        assert problem["errors"][0]["pointer"] == "/query/q" and "U+0000" in problem["detail"]

    @pytest.mark.parametrize("url", ["/api/v1/search?q=a%00b", "/api/v1/concepts?subject=%00",
                                     "/api/v1/validate/isin/CNE%00100000296"])
    def test_any_query_parameter_or_path_with_nul_is_422(self, client, url):
        assert_problem(client.get(url), 422, "invalid-input")

    @pytest.mark.parametrize(("change", "pointer"), [
        ({"terms": [{"text": "融资\u0000融券", "lang": "zh-CN", "status": "preferred"}]}, "/terms/0/text"),
        ({"definition": {"zh-CN": "定义\u0000"}}, "/definition/zh-CN"),
        ({"notes": ["注", "\u0000"]}, "/notes/1"),
    ])
    def test_a_json_body_names_the_field_and_nothing_is_stored(self, client, tokens, change, pointer):
        response = client.post("/api/v1/concepts", json={**CONCEPT, **change}, headers=bearer(tokens["editor"]))
        problem = assert_problem(response, 422, "invalid-input")
        assert [e["pointer"] for e in problem["errors"]] == [pointer]
        assert client.get("/api/v1/concepts").json()["items"] == []

    def test_a_patch_and_a_code_write_too(self, client, tokens):
        created = client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
        headers = {**bearer(tokens["editor"]), "If-Match": created.headers["ETag"]}
        assert_problem(client.patch(f"/api/v1/concepts/{created.json()['id']}", json={"subject_field": "\u0000"},
                                    headers=headers), 422)
        code = {"code": "CNE100000296", "name_zh": "示例\u0000"}
        problem = assert_problem(client.post("/api/v1/schemes/isin/codes", json=code,
                                             headers=bearer(tokens["editor"])), 422)
        assert problem["errors"][0]["pointer"] == "/name_zh"

    def test_a_form_post_names_the_field(self, client):
        response = client.post("/signin", data={"token": "a\x00b"}, headers={"accept": "application/json"})
        assert response.status_code == 422 and "token" in response.text

    def test_a_literal_backslash_u0000_is_not_nul(self, client, tokens):
        body = {**CONCEPT, "notes": ["C:\\u0000"]}
        response = client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"]))
        assert response.status_code == 201 and response.json()["notes"] == ["C:\\u0000"]


class TestCodeSearchWildcards:
    @pytest.mark.parametrize("q", ["%", "_", "X_HG", "XS%G", "%上海%", "\\", "_____"])
    def test_like_wildcards_and_backslash_are_literal(self, client, seeded_codes, q):
        response = client.get("/api/v1/schemes/venue/codes", params={"q": q, "limit": 500})
        assert response.status_code == 200 and response.json()["items"] == []

    def test_plain_prefix_and_name_search_still_match(self, client, seeded_codes):
        codes = {c["code"] for c in client.get("/api/v1/schemes/venue/codes", params={"q": "XSH"}).json()["items"]}
        assert "XSHG" in codes
        names = client.get("/api/v1/schemes/venue/codes", params={"q": "上海证券"}).json()["items"]
        assert "XSHG" in {c["code"] for c in names}
