"""Term standards as data: the seeded six, a new standard with its own parts, stages, codes, releases."""

import pytest
from support import assert_problem, bearer

NEW = {"key": "itterms", "code": "JR/T YYYY", "collection": "itterms",
       "title_zh": "证券期货业信息技术应用创新术语", "title_en": "IT application innovation terms",
       "stage": "project", "date": "2026-01-05",
       "parts": [{"title_zh": "信创基础术语", "title_en": "Basic terms"},
                 {"title_zh": "信创产品术语", "title_en": "Product terms"}]}


def create(client, tokens, body=None, role="admin"):
    return client.post("/api/v1/standards", json=body or NEW, headers=bearer(tokens[role]))


def move(client, tokens, key, to, **extra):
    return client.post(f"/api/v1/standards/{key}/stage", json={"to": to, **extra}, headers=bearer(tokens["admin"]))


class TestSeeded:
    def test_six_parts_at_the_2024_h1_stages(self, client):
        listed = client.get("/api/v1/standards").json()
        assert [(s["key"], s["stage"], s["parts"]) for s in listed] == [
            ("sfterms-1", "comment", [1]), ("sfterms-2", "drafting", [2]), ("sfterms-3", "project", [3]),
            ("sfterms-4", "project", [4]), ("sfterms-5", "project", [5]), ("sfterms-6", "project", [6])]
        assert listed[0]["stage_history"][0]["date"] == "2024-06-30"
        assert listed[0]["stage_label"] == "征求意见"

    @pytest.mark.parametrize("ref", ["sfterms-2", "JR/T XXXX.2", "jr%2Ft%20xxxx.2"])
    def test_read_by_key_or_code(self, client, ref):
        assert client.get(f"/api/v1/standards/{ref}").json()["key"] == "sfterms-2"

    def test_unknown_is_404(self, client):
        assert_problem(client.get("/api/v1/standards/JR/T 0000"), 404, "not-found")


class TestNewStandard:
    def test_admin_adds_a_standard_with_new_parts(self, client, tokens):
        assert_problem(create(client, tokens, role="reviewer"), 403)
        created = create(client, tokens)
        assert created.status_code == 201, created.text
        assert created.json()["parts"] == [7, 8] and created.headers["Location"] == "/api/v1/standards/itterms"
        assert [p["number"] for p in client.get("/api/v1/parts").json()][-2:] == [7, 8]
        assert_problem(create(client, tokens), 409)
        assert_problem(create(client, tokens, {**NEW, "key": "other"}), 409)  # the code is taken

    def test_its_parts_hold_entries_with_their_own_numbering(self, client, tokens):
        create(client, tokens)
        for part in (1, 7):
            body = {"part": part, "entry_number": "1.1", "terms": [
                {"text": f"信创{part}", "lang": "zh-CN", "status": "preferred"}]}
            assert client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"])).status_code == 201
        problem = assert_problem(client.post("/api/v1/concepts", json={**body, "part": 9},
                                             headers=bearer(tokens["editor"])), 422)
        assert problem["errors"][0]["pointer"] == "/part"
        assert client.get("/api/v1/parts/7/entries/1.1").json()["terms"][0]["text"] == "信创7"
        hits = client.get("/api/v1/search", params={"q": "信创", "part": 7}).json()
        assert [h["part"] for h in hits["hits"]] == [7]
        page = client.get("/parts/7")
        assert page.status_code == 200 and "信创基础术语" in page.text
        exported = client.get("/api/v1/exports/terms", params={"format": "csv"})
        assert "信创7" in exported.text

    def test_stages_go_forward_dated_and_withdrawn_from_any(self, client, tokens):
        create(client, tokens)
        assert_problem(move(client, tokens, "itterms", "preliminary"), 409)
        assert_problem(move(client, tokens, "itterms", "drafting", date="2025-12-31"), 422)  # before 立项
        moved = move(client, tokens, "itterms", "comment", date="2026-03-01", note="征求意见稿印发").json()
        assert [(e["stage"], e["date"]) for e in moved["stage_history"]] == [
            ("project", "2026-01-05"), ("comment", "2026-03-01")]
        assert move(client, tokens, "itterms", "withdrawn").json()["stage"] == "withdrawn"
        assert_problem(move(client, tokens, "itterms", "published"), 409)

    def test_code_is_editable_until_published(self, client, tokens):
        create(client, tokens)
        url, admin = "/api/v1/standards/itterms", bearer(tokens["admin"])
        assert client.patch(url, json={"code": "JR/T 0321"}, headers=admin).json()["code"] == "JR/T 0321"
        for stage in ("comment", "review", "approval", "published"):
            move(client, tokens, "itterms", stage)
        assert_problem(client.patch(url, json={"code": "JR/T 0322"}, headers=admin), 409)
        assert client.patch(url, json={"title_en": "IT terms"}, headers=admin).json()["title_en"] == "IT terms"

    @pytest.mark.parametrize("field", ["code", "title_zh", "title_en", "meta"])
    def test_a_required_field_sent_as_null_is_422_and_changes_nothing(self, client, tokens, field):
        create(client, tokens)
        url, admin = "/api/v1/standards/itterms", bearer(tokens["admin"])
        problem = assert_problem(client.patch(url, json={field: None}, headers=admin), 422)
        assert field in problem["detail"]
        assert client.get(url).json()["code"] == NEW["code"]

    def test_its_releases_follow_its_stage(self, client, tokens):
        create(client, tokens)
        body = {"name": "it-cd", "stage": "comment_draft", "standard": "itterms"}
        assert_problem(client.post("/api/v1/releases", json=body, headers=bearer(tokens["reviewer"])), 409)
        move(client, tokens, "itterms", "comment")
        made = client.post("/api/v1/releases", json=body, headers=bearer(tokens["reviewer"])).json()
        assert made["scope"]["parts"] == [7, 8] and made["standard"] == "itterms"
