"""Smaller wrong answers (issue 11 item 15): release parts come back as numbers, `as_of=0` is refused, release
names are unique ignoring case and the selectors are reserved in any case, If-Match is required on PATCH in
the OpenAPI schema, the diff has a response schema, a bare JSON list to batch validation is a clean problem,
and batch CSV writes true/false like the JSON."""

import pytest
from support import assert_problem, bearer


def release(client, tokens, name, **extra):
    body = {"name": name, "stage": "comment_draft", "scope": {"parts": [1, 2], "schemes": []}, **extra}
    return client.post("/api/v1/releases", json=body, headers=bearer(tokens["reviewer"]))


class TestReleases:
    def test_scope_parts_come_back_as_numbers(self, client, tokens):
        created = release(client, tokens, "2026.1")
        assert created.status_code == 201, created.text
        assert created.json()["scope"]["parts"] == [1, 2]
        assert client.get("/api/v1/releases/2026.1").json()["scope"]["parts"] == [1, 2]

    @pytest.mark.parametrize("name", ["LATEST", "Latest-Any", "latest"])
    def test_selectors_are_reserved_in_any_case(self, client, tokens, name):
        assert_problem(release(client, tokens, name), 422)

    def test_names_are_unique_ignoring_case_and_found_so(self, client, tokens):
        assert release(client, tokens, "v1.0").status_code == 201
        problem = assert_problem(release(client, tokens, "V1.0"), 409)
        assert "v1.0" in problem["detail"]
        assert client.get("/api/v1/releases/V1.0").json()["name"] == "v1.0"
        assert client.get("/api/v1/releases/LATEST-ANY").json()["name"] == "v1.0"


class TestDates:
    @pytest.mark.parametrize("path", ["/api/v1/schemes/venue/codes/XSHG", "/api/v1/schemes/venue/codes"])
    def test_as_of_zero_is_refused(self, client, seeded_codes, path):
        problem = assert_problem(client.get(path, params={"as_of": "0"}), 422)
        assert problem["errors"][0]["pointer"].endswith("as_of")
        assert client.get(path, params={"as_of": "2024-01-02"}).status_code == 200

    def test_as_of_zero_is_refused_by_validation(self, client, seeded_codes):
        assert_problem(client.get("/api/v1/validate/mic/XSHG", params={"as_of": "0"}), 422)
        assert_problem(client.post("/api/v1/validate/mic", params={"as_of": "0"}, json={"codes": ["XSHG"]}), 422)


class TestOpenApi:
    def test_if_match_is_required_on_patch(self, client):
        schema = client.get("/openapi.json").json()
        patches = [op for ops in schema["paths"].values() for method, op in ops.items() if method == "patch"]
        needing = [op for op in patches if "428" in op["responses"]]
        assert len(needing) >= 2  # concepts and codes
        for operation in needing:
            (if_match,) = [p for p in operation["parameters"] if p["name"].lower() == "if-match"]
            assert if_match["required"] is True

    def test_the_diff_has_a_response_schema(self, client):
        schema = client.get("/openapi.json").json()
        (path,) = [p for p in schema["paths"] if p.endswith("/diff/{b}")]
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        properties = schema["components"]["schemas"][ref]["properties"]
        assert {"from", "to", "counts", "added", "removed", "changed"} <= set(properties)
        assert "text/csv" in content


class TestBatchValidation:
    def test_a_bare_json_list_is_a_clean_problem_at_the_root(self, client):
        problem = assert_problem(client.post("/api/v1/validate/isin", json=["CNE000001R84"]), 422)
        assert "bare list" in problem["detail"] and '{"codes"' in problem["detail"]
        assert "errors.pydantic.dev" not in problem["detail"] and "http" not in problem["detail"]
        assert [e["pointer"] for e in problem["errors"]] == ["/"]

    def test_a_wrong_item_points_at_it(self, client):
        problem = assert_problem(client.post("/api/v1/validate/isin", json={"codes": ["A", 3]}), 422)
        assert [e["pointer"] for e in problem["errors"]] == ["/codes/1"]

    def test_csv_flags_are_true_false_like_the_json(self, client, seeded_codes):
        response = client.post("/api/v1/validate/mic?format=csv", json={"codes": ["XSHG", "NOPE"]})
        rows = [line.split(",") for line in response.text.lstrip("\ufeff").splitlines()]
        assert rows[1][2:4] == ["true", "true"] and rows[2][2] == "false"
        assert "True" not in response.text and "False" not in response.text
