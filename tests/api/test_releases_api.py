"""Releases over HTTP: freezing, immutability, stage order, reads as of a release, diffs, CSV delta."""

import copy

import pytest
from support import assert_problem, bearer

CONCEPT = {"part": 1, "entry_number": "1.1", "terms": [{"text": "证券", "lang": "zh-CN", "status": "preferred"}],
           "definition": {"zh-CN": "第一版定义。"}}


def make(client, tokens, text="证券", number="1.1", status="approved", definition="第一版定义。"):
    body = copy.deepcopy(CONCEPT)
    body["terms"][0]["text"], body["entry_number"] = text, number
    body["definition"]["zh-CN"] = definition
    concept = client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"])).json()
    for step, role in (("proposed", "editor"), ("approved", "reviewer")):
        if status == "draft" or (status == "proposed" and step == "approved"):
            break
        client.post(f"/api/v1/concepts/{concept['id']}/transitions", json={"to": step},
                    headers=bearer(tokens[role]))
    return client.get(f"/api/v1/concepts/{concept['id']}")


def release(client, tokens, name, stage="published", role="reviewer", **extra):
    return client.post("/api/v1/releases", json={"name": name, "stage": stage, **extra},
                       headers=bearer(tokens[role]))


def stage(client, tokens, key, to):
    answer = client.post(f"/api/v1/standards/{key}/stage", json={"to": to}, headers=bearer(tokens["admin"]))
    assert answer.status_code == 200, answer.text


class TestCreate:
    def test_reviewer_creates_editor_may_not(self, client, tokens):
        assert_problem(release(client, tokens, "2025.1", role="editor"), 403)
        created = release(client, tokens, "2025.1", stage="comment_draft", title="征求意见稿")
        assert created.status_code == 201 and created.headers["Location"] == "/api/v1/releases/2025.1"
        assert created.json()["stage_label"] == "征求意见稿"

    def test_release_is_immutable(self, client, tokens):
        release(client, tokens, "2025.1")
        assert_problem(release(client, tokens, "2025.1"), 409)
        assert_problem(client.delete("/api/v1/releases/2025.1", headers=bearer(tokens["admin"])), 405)
        assert_problem(client.patch("/api/v1/releases/2025.1", json={}, headers=bearer(tokens["admin"])), 405)

    def test_stage_cannot_go_backwards_in_a_line(self, client, tokens):
        stage(client, tokens, "sfterms-1", "review")
        assert release(client, tokens, "2025.1-rd", stage="review_draft", standard="sfterms-1").json()[
            "line"] == "sfterms-1"
        problem = assert_problem(release(client, tokens, "2025.1-cd", stage="comment_draft", standard="sfterms-1"),
                                 409)
        assert "送审稿" in problem["detail"]
        stage(client, tokens, "sfterms-1", "approval")
        assert release(client, tokens, "2025.1-ad", stage="approval_draft", standard="JR/T XXXX.1").status_code == 201
        assert release(client, tokens, "2026.1-cd", stage="comment_draft").status_code == 201  # no standard

    def test_release_follows_its_standards_stage(self, client, tokens):
        problem = assert_problem(release(client, tokens, "p2-cd", stage="comment_draft", standard="sfterms-2"), 409)
        assert "起草" in problem["detail"] and "征求意见" in problem["detail"]
        created = release(client, tokens, "p1-cd", stage="comment_draft", standard="sfterms-1").json()
        assert created["standard"] == "sfterms-1" and created["scope"] == {"parts": [1], "schemes": []}
        assert_problem(release(client, tokens, "p1-x", stage="comment_draft", standard="sfterms-1",
                               scope={"parts": [2]}), 422)
        assert_problem(release(client, tokens, "p9", stage="comment_draft", standard="nope"), 422)
        assert_problem(release(client, tokens, "p1-pub", standard="sfterms-1"), 409)

    @pytest.mark.parametrize("body,pointer", [({"name": "x y", "stage": "published"}, "/name"),
                                              ({"name": "a", "stage": "final"}, "/stage"),
                                              ({"name": "a", "stage": "published", "scope": {"parts": [9]}},
                                               "/scope/parts")])
    def test_bad_input_is_422(self, client, tokens, body, pointer):
        problem = assert_problem(client.post("/api/v1/releases", json=body, headers=bearer(tokens["admin"])), 422)
        assert problem["errors"][0]["pointer"].startswith(pointer)

    def test_unknown_and_malformed_names(self, client):
        assert_problem(client.get("/api/v1/releases/nope"), 404)
        assert_problem(client.get("/api/v1/concepts", params={"release": "bad name!"}), 422)
        assert_problem(client.get("/api/v1/releases/latest"), 404)


class TestReadsAsOf:
    def test_concept_reads_as_it_stood_and_writes_reject_release(self, client, tokens):
        concept = make(client, tokens)
        release(client, tokens, "2025.1")
        client.patch(f"/api/v1/concepts/{concept.json()['id']}", json={"definition": {"zh-CN": "第二版定义。"}},
                     headers={**bearer(tokens["editor"]), "If-Match": concept.headers["ETag"]})
        url = f"/api/v1/concepts/{concept.json()['id']}"
        old = client.get(url, params={"release": "2025.1"})
        assert old.json()["definition"]["zh-CN"] == "第一版定义。"
        assert "immutable" in old.headers["Cache-Control"]
        assert client.get(url, params={"release": "latest"}).json()["definition"]["zh-CN"] == "第一版定义。"
        assert client.get(url).json()["definition"]["zh-CN"] == "第二版定义。"
        assert client.get("/api/v1/parts/1/entries/1.1", params={"release": "2025.1"}).json()["revision"] == 3
        assert_problem(client.patch(url + "?release=2025.1", json={}, headers=bearer(tokens["editor"])), 422)
        timeline = client.get(url + "/releases").json()
        assert timeline == [{"release": "2025.1", "stage": "published", "revision": 3, "status": "approved"}]

    def test_comment_draft_shows_proposed_published_does_not(self, client, tokens):
        proposed = make(client, tokens, status="proposed").json()["id"]
        release(client, tokens, "2025.1-cd", stage="comment_draft")
        release(client, tokens, "2025.1", stage="published")
        assert client.get(f"/api/v1/concepts/{proposed}", params={"release": "2025.1-cd"}).status_code == 200
        assert_problem(client.get(f"/api/v1/concepts/{proposed}", params={"release": "2025.1"}), 404)
        listed = client.get("/api/v1/concepts", params={"release": "latest-any"}).json()["items"]
        assert listed == []
        counts = client.get("/api/v1/releases/2025.1-cd").json()["counts"]["concept"]
        assert counts["1"] == 1 and counts["2"] == 0

    def test_scope_limits_what_a_release_shows(self, client, tokens, seeded_codes):
        make(client, tokens)
        release(client, tokens, "p2", scope={"parts": [2], "schemes": ["venue"]})
        assert client.get("/api/v1/concepts", params={"release": "p2"}).json()["items"] == []
        assert client.get("/api/v1/schemes/venue/codes/XSHG", params={"release": "p2"}).status_code == 200
        assert_problem(client.get("/api/v1/schemes/isin/codes/CNE0000001L7", params={"release": "p2"}), 404)
        validated = client.get("/api/v1/validate/isin/CNE0000001L7", params={"release": "p2"}).json()
        assert validated["valid"] and validated["registered"] is False


class TestDiff:
    def test_added_changed_removed_with_fields(self, client, tokens):
        first = make(client, tokens)
        gone = make(client, tokens, text="股票", number="1.2").json()["id"]
        release(client, tokens, "a")
        client.patch(f"/api/v1/concepts/{first.json()['id']}",
                     json={"definition": {"zh-CN": "新定义。"}, "entry_number": "1.3"},
                     headers={**bearer(tokens["editor"]), "If-Match": first.headers["ETag"]})
        client.post(f"/api/v1/concepts/{gone}/transitions", json={"to": "retired"}, headers=bearer(tokens["reviewer"]))
        added = make(client, tokens, text="债券", number="1.4").json()["id"]
        release(client, tokens, "b")
        diff = client.get("/api/v1/releases/a/diff/b").json()
        assert diff["counts"]["concept"] == {"added": 1, "removed": 1, "changed": 1}
        assert [e["id"] for e in diff["added"]] == [added] and [e["id"] for e in diff["removed"]] == [gone]
        fields = {c["field"]: c for c in diff["changed"][0]["changes"]}
        assert fields["definition"]["new"] == {"zh-CN": "新定义。"}
        assert fields["entry_number"]["kind"] == "renumbered"
        assert client.get("/api/v1/releases/a/diff/a").json()["counts"]["concept"] == {
            "added": 0, "removed": 0, "changed": 0}
        csv_delta = client.get("/api/v1/releases/a/diff/b", params={"format": "csv"}).text
        assert "changed,concept" in csv_delta and "added,concept" in csv_delta

    def test_code_status_change_shows_in_diff(self, client, tokens, seeded_codes):
        release(client, tokens, "a")
        client.post("/api/v1/schemes/venue/codes/XSGE/transitions", json={"to": "expired", "valid_to": "2030-01-01"},
                    headers=bearer(tokens["reviewer"]))
        release(client, tokens, "b")
        changed = client.get("/api/v1/releases/a/diff/b").json()["changed"]
        fields = {c["field"] for c in changed[0]["changes"]}
        assert changed[0]["label"].startswith("XSGE") and {"status", "valid_to"} <= fields


class TestExport:
    def test_bundle_is_byte_identical_with_manifest_and_strong_etag(self, client, tokens, seeded_codes):
        concept = make(client, tokens)
        release(client, tokens, "2025.1", scope={"parts": [1], "schemes": ["venue"]})
        first = client.get("/api/v1/releases/2025.1/export", params={"format": "csv"})
        assert first.status_code == 200 and first.headers["content-type"] == "application/zip"
        assert "immutable" in first.headers["Cache-Control"]
        client.patch(f"/api/v1/concepts/{concept.json()['id']}", json={"entry_number": "1.9"},
                     headers={**bearer(tokens["editor"]), "If-Match": concept.headers["ETag"]})
        import shutil

        from registry.settings import get_settings
        shutil.rmtree(get_settings().home / "exports")  # a derived cache: rebuilt, and must come out the same
        second = client.get("/api/v1/releases/2025.1/export", params={"format": "csv"})
        assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
        assert client.get("/api/v1/releases/2025.1/export", params={"format": "csv"},
                          headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        manifest = client.get("/api/v1/releases/2025.1/manifest", params={"format": "csv"}).json()
        files = {f["file"]: f for f in manifest["files"]}
        assert files["terms.csv"]["rows"] == 1 and files["codes-venue.csv"]["rows"] == 18
        import hashlib
        import io
        import zipfile
        archive = zipfile.ZipFile(io.BytesIO(first.content))
        assert sorted(archive.namelist()) == ["codes-venue.csv", "manifest.json", "terms.csv"]
        assert hashlib.sha256(archive.read("terms.csv")).hexdigest() == files["terms.csv"]["sha256"]
        assert "1.1" in archive.read("terms.csv").decode("utf-8-sig")

    @pytest.mark.parametrize("fmt", ["json", "tbx"])
    def test_other_formats(self, client, tokens, fmt):
        make(client, tokens)
        release(client, tokens, "r1", scope={"parts": [1], "schemes": []})
        archive_bytes = client.get("/api/v1/releases/r1/export", params={"format": fmt}).content
        import io
        import zipfile
        assert f"terms.{fmt}" in zipfile.ZipFile(io.BytesIO(archive_bytes)).namelist()
        assert_problem(client.get("/api/v1/releases/r1/export", params={"format": "pdf"}), 422)

    def test_references_keep_the_entry_numbers_of_the_release(self, client, tokens):
        import io
        import zipfile
        target = make(client, tokens)
        body = copy.deepcopy(CONCEPT)
        body["entry_number"], body["terms"][0]["text"] = "1.2", "证券市场"
        body["cross_references"] = [{"type": "broader", "target": target.json()["id"]}]
        referring = client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"])).json()["id"]
        client.post(f"/api/v1/concepts/{referring}/transitions", json={"to": "proposed"},
                    headers=bearer(tokens["editor"]))
        release(client, tokens, "r1", stage="comment_draft", scope={"parts": [1], "schemes": []})
        before = client.get("/api/v1/releases/r1/export", params={"format": "csv"}).content
        assert "1.1" in zipfile.ZipFile(io.BytesIO(before)).read("terms.csv").decode("utf-8-sig").split("证券市场")[1]
        client.patch(f"/api/v1/concepts/{target.json()['id']}", json={"entry_number": "1.7"},
                     headers={**bearer(tokens["editor"]), "If-Match": target.headers["ETag"]})
        import shutil

        from registry.settings import get_settings
        shutil.rmtree(get_settings().home / "exports")
        assert client.get("/api/v1/releases/r1/export", params={"format": "csv"}).content == before


class TestSearchAsOf:
    def test_search_finds_what_the_release_held_within_its_stage(self, client, tokens):
        concept = make(client, tokens)
        make(client, tokens, text="股票", number="1.2", status="proposed")
        release(client, tokens, "2025.1-cd", stage="comment_draft")
        release(client, tokens, "2025.1", stage="published")
        client.patch(f"/api/v1/concepts/{concept.json()['id']}",
                     json={"terms": [{"text": "有价证券", "lang": "zh-CN", "status": "preferred"}]},
                     headers={**bearer(tokens["editor"]), "If-Match": concept.headers["ETag"]})

        def terms(q, **params):
            hits = client.get("/api/v1/search", params={"q": q, **params}).json()["hits"]
            return [h["term"] for h in hits]
        assert terms("有价证券") == ["有价证券"]
        assert terms("zhengquan", release="2025.1") == ["证券"]
        assert terms("股票", release="2025.1-cd") == ["股票"] and terms("股票", release="2025.1") == []
        assert_problem(client.get("/api/v1/search", params={"q": "x", "release": "nope"}), 404)
