"""The term base over HTTP: create, read, edit with If-Match, lifecycle, history, revert, errors."""

import copy

import pytest
from support import assert_problem, bearer

BODY = {
    "part": 3, "entry_number": "3.1.2", "subject_field": "交易",
    "terms": [
        {"text": "融资融券", "lang": "zh-CN", "status": "preferred"},
        {"text": "两融", "lang": "zh-CN", "status": "admitted", "type": "short_form"},
        {"text": "margin trading and securities lending", "lang": "en", "status": "preferred"},
    ],
    "definition": {"zh-CN": "投资者以担保物借入资金买入证券或借入证券卖出的交易。", "en": "Trading on credit."},
    "notes": ["注一"], "examples": ["示例一"], "source": {"text": "sfreg 示例", "modified": False},
}


def body(**changes):
    out = copy.deepcopy(BODY)
    out.update(changes)
    return out


def create(client, tokens, payload=None):
    response = client.post("/api/v1/concepts", json=payload or BODY, headers=bearer(tokens["editor"]))
    assert response.status_code == 201, response.text
    return response


class TestCreate:
    def test_created_concept_is_draft_with_location_etag_and_pinyin(self, client, tokens):
        response = create(client, tokens)
        data = response.json()
        assert response.headers["Location"] == f"/api/v1/concepts/{data['id']}"
        assert response.headers["ETag"] == f'"c{data["id"]}.r1"'
        assert data["status"] == "draft" and data["revision"] == 1
        zh = data["terms"][0]
        assert zh["pinyin"] == "rong zi rong quan" and zh["pinyin_curated"] is False
        assert data["definition"]["zh-CN"].startswith("投资者")

    def test_curated_pinyin_is_kept(self, client, tokens):
        terms = copy.deepcopy(BODY["terms"])
        terms[0]["pinyin"] = "rong zi rong quan"
        terms[1]["pinyin"] = "liang rong"
        data = create(client, tokens, body(terms=terms)).json()
        assert data["terms"][1]["pinyin_curated"] is True

    def test_read_by_part_and_entry_number(self, client, tokens):
        concept_id = create(client, tokens).json()["id"]
        response = client.get("/api/v1/parts/3/entries/3.1.2")
        assert response.status_code == 200 and response.json()["id"] == concept_id

    def test_without_token_401_and_wrong_token_401(self, client, tokens):
        assert_problem(client.post("/api/v1/concepts", json=BODY), 401, "unauthenticated")
        assert_problem(client.post("/api/v1/concepts", json=BODY, headers=bearer("sfr_nope")), 401)
        assert client.get("/api/v1/concepts").json()["items"] == []

    def test_two_preferred_terms_in_one_language_is_422_and_writes_nothing(self, client, tokens):
        terms = copy.deepcopy(BODY["terms"])
        terms[1]["status"] = "preferred"
        problem = assert_problem(client.post("/api/v1/concepts", json=body(terms=terms),
                                             headers=bearer(tokens["editor"])), 422, "invalid-input")
        assert "zh-CN" in problem["detail"] and problem["errors"][0]["pointer"] == "/terms/0"
        assert client.get("/api/v1/concepts").json()["items"] == []

    @pytest.mark.parametrize("text", ["", "   ", "\u3000\t"])
    def test_empty_term_is_422_naming_the_field(self, client, tokens, text):
        terms = copy.deepcopy(BODY["terms"])
        terms[1]["text"] = text
        problem = assert_problem(client.post("/api/v1/concepts", json=body(terms=terms),
                                             headers=bearer(tokens["editor"])), 422)
        assert problem["errors"][0]["pointer"] == "/terms/1/text"

    @pytest.mark.parametrize("field,value,pointer", [
        ("part", 7, "/part"), ("entry_number", "3..1", "/entry_number"), ("entry_number", "abc", "/entry_number"),
    ])
    def test_bad_part_or_entry_number_is_422(self, client, tokens, field, value, pointer):
        problem = assert_problem(client.post("/api/v1/concepts", json=body(**{field: value}),
                                             headers=bearer(tokens["editor"])), 422)
        assert problem["errors"][0]["pointer"] == pointer

    def test_same_chinese_preferred_term_in_two_live_concepts_is_409_naming_the_other(self, client, tokens):
        first = create(client, tokens).json()["id"]
        problem = assert_problem(client.post("/api/v1/concepts", json=body(entry_number="3.1.3"),
                                             headers=bearer(tokens["editor"])), 409, "conflict")
        assert f"concept {first}" in problem["detail"] and problem["other_concept"] == first

    def test_same_entry_number_in_part_is_409(self, client, tokens):
        create(client, tokens)
        terms = copy.deepcopy(BODY["terms"])
        terms[0]["text"] = "另一个术语"
        assert_problem(client.post("/api/v1/concepts", json=body(terms=terms),
                                   headers=bearer(tokens["editor"])), 409)

    def test_deprecated_term_of_one_concept_may_be_preferred_in_another(self, client, tokens):
        terms = [*copy.deepcopy(BODY["terms"]), {"text": "信用交易", "lang": "zh-CN", "status": "deprecated"}]
        create(client, tokens, body(terms=terms))
        other = [{"text": "信用交易", "lang": "zh-CN", "status": "preferred"}]
        create(client, tokens, body(entry_number="3.1.9", terms=other))

    def test_oversized_body_is_413(self, client, tokens):
        big = b'{"part": 3, "notes": ["' + b"x" * 1_100_000 + b'"]}'
        response = client.post("/api/v1/concepts", content=big,
                               headers={**bearer(tokens["editor"]), "content-type": "application/json"})
        assert_problem(response, 413, "too-large")

    def test_invalid_utf8_is_422(self, client, tokens):
        response = client.post("/api/v1/concepts", content=b'{"part": 3, "entry_number": "\xff\xfe"}',
                               headers={**bearer(tokens["editor"]), "content-type": "application/json"})
        assert_problem(response, 422)


class TestUpdate:
    def test_patch_needs_if_match(self, client, tokens):
        concept_id = create(client, tokens).json()["id"]
        response = client.patch(f"/api/v1/concepts/{concept_id}", json={"subject_field": "信用"},
                                headers=bearer(tokens["editor"]))
        assert_problem(response, 428, "if-match-required")

    def test_stale_if_match_is_412_and_fresh_one_updates(self, client, tokens):
        created = create(client, tokens)
        concept_id, etag = created.json()["id"], created.headers["ETag"]
        headers = {**bearer(tokens["editor"]), "If-Match": etag}
        first = client.patch(f"/api/v1/concepts/{concept_id}", json={"subject_field": "信用",
                                                                     "change_note": "改专业领域"}, headers=headers)
        assert first.status_code == 200 and first.json()["subject_field"] == "信用"
        assert first.headers["ETag"] != etag
        stale = client.patch(f"/api/v1/concepts/{concept_id}", json={"subject_field": "x"}, headers=headers)
        problem = assert_problem(stale, 412, "stale-revision")
        assert problem["current_revision"] == 2

    def test_history_lists_revisions_with_field_diff_and_revert_restores(self, client, tokens):
        created = create(client, tokens)
        concept_id = created.json()["id"]
        client.patch(f"/api/v1/concepts/{concept_id}", json={"notes": ["新注"], "change_note": "注修订"},
                     headers={**bearer(tokens["editor"]), "If-Match": created.headers["ETag"]})
        history = client.get(f"/api/v1/concepts/{concept_id}/history").json()
        assert [h["revision"] for h in history] == [1, 2]
        assert history[1]["actor"] == "test-editor" and history[1]["change_note"] == "注修订"
        assert history[1]["changes"] == [{"field": "notes", "old": ["注一"], "new": ["新注"]}]
        reverted = client.post(f"/api/v1/concepts/{concept_id}/revert", json={"revision": 1},
                               headers=bearer(tokens["editor"]))
        assert reverted.status_code == 200 and reverted.json()["notes"] == ["注一"]
        assert reverted.json()["revision"] == 3


class TestTransitions:
    def move(self, client, token, concept_id, to, **extra):
        return client.post(f"/api/v1/concepts/{concept_id}/transitions", json={"to": to, **extra},
                           headers=bearer(token))

    def test_editor_proposes_reviewer_approves(self, client, tokens):
        concept_id = create(client, tokens).json()["id"]
        assert self.move(client, tokens["editor"], concept_id, "proposed").json()["status"] == "proposed"
        assert_problem(self.move(client, tokens["editor"], concept_id, "approved"), 403, "forbidden")
        assert self.move(client, tokens["reviewer"], concept_id, "approved").json()["status"] == "approved"

    def test_unknown_transition_is_422(self, client, tokens):
        concept_id = create(client, tokens).json()["id"]
        problem = assert_problem(self.move(client, tokens["admin"], concept_id, "approved"), 422)
        assert "draft" in problem["detail"] and "proposed" in problem["detail"]
        assert_problem(self.move(client, tokens["admin"], concept_id, "flying"), 422)

    def test_approving_without_chinese_definition_is_422_and_writes_nothing(self, client, tokens):
        concept_id = create(client, tokens, body(definition={"en": "only English"})).json()["id"]
        self.move(client, tokens["editor"], concept_id, "proposed")
        problem = assert_problem(self.move(client, tokens["reviewer"], concept_id, "approved"), 422)
        assert problem["errors"][0]["pointer"] == "/definition/zh-CN"
        assert client.get(f"/api/v1/concepts/{concept_id}").json()["status"] == "proposed"

    def test_deprecate_with_successor_and_retire_frees_the_number(self, client, tokens):
        old = create(client, tokens).json()["id"]
        terms = [{"text": "保证金交易", "lang": "zh-CN", "status": "preferred"}]
        new = create(client, tokens, body(entry_number="3.1.3", terms=terms)).json()["id"]
        for step in ("proposed",):
            self.move(client, tokens["editor"], old, step)
        self.move(client, tokens["reviewer"], old, "approved")
        deprecated = self.move(client, tokens["reviewer"], old, "deprecated", superseded_by=new).json()
        assert deprecated["status"] == "deprecated" and deprecated["superseded_by"] == new
        self.move(client, tokens["reviewer"], old, "retired")
        create(client, tokens, body(terms=[{"text": "融资融券", "lang": "zh-CN", "status": "preferred"}]))


class TestReads:
    def test_list_filters_and_cursor_pagination(self, client, tokens):
        ids = []
        for n in range(5):
            terms = [{"text": f"术语{n}", "lang": "zh-CN", "status": "preferred"}]
            ids.append(create(client, tokens, body(entry_number=f"3.2.{n + 1}", terms=terms)).json()["id"])
        first = client.get("/api/v1/concepts", params={"limit": 2, "part": 3}).json()
        second = client.get("/api/v1/concepts", params={"limit": 2, "cursor": first["next_cursor"]}).json()
        third = client.get("/api/v1/concepts", params={"limit": 2, "cursor": second["next_cursor"]}).json()
        assert [c["id"] for c in first["items"] + second["items"] + third["items"]] == ids
        assert third["next_cursor"] is None
        assert client.get("/api/v1/concepts", params={"part": 2}).json()["items"] == []
        assert client.get("/api/v1/concepts", params={"status": "approved"}).json()["items"] == []
        assert_problem(client.get("/api/v1/concepts", params={"status": "bogus"}), 422)
        assert_problem(client.get("/api/v1/concepts", params={"cursor": "!!!"}), 422)

    def test_parts_lists_six_parts(self, client):
        parts = client.get("/api/v1/parts").json()
        assert [p["number"] for p in parts] == [1, 2, 3, 4, 5, 6]
        assert parts[0]["title_zh"] == "基础术语"

    def test_unknown_part_and_entry_are_404(self, client):
        assert_problem(client.get("/api/v1/parts/3/entries/3.9.9"), 404, "not-found")
        assert_problem(client.get("/api/v1/parts/9/entries/3.1"), 404, "not-found")  # no standard holds part 9
        assert_problem(client.get("/api/v1/parts/1000/entries/3.1"), 422)
        assert_problem(client.get("/api/v1/concepts/999999"), 404)


class TestProtocol:
    def test_unknown_route_and_wrong_method_are_problems(self, client):
        assert_problem(client.get("/api/v1/nowhere"), 404, "not-found")
        assert_problem(client.delete("/api/v1/parts"), 405, "method-not-allowed")

    def test_health_and_ready(self, client):
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json()["status"] == "ready"

    def test_openapi_has_examples_and_problem_schema(self, client):
        schema = client.get("/openapi.json").json()
        assert "Problem" in schema["components"]["schemas"]
        assert schema["components"]["schemas"]["ConceptCreate"]["examples"]

    def test_private_reads_need_a_token(self, client, tokens, monkeypatch):
        from registry.settings import get_settings
        monkeypatch.setenv("SFREG_PUBLIC_READ", "false")
        get_settings.cache_clear()
        assert_problem(client.get("/api/v1/parts"), 401)
        assert client.get("/api/v1/parts", headers=bearer(tokens["editor"])).status_code == 200

    def test_writes_are_audited_with_actor(self, client, tokens, session):
        from registry.audit import list_events
        concept_id = create(client, tokens).json()["id"]
        events = list_events(session, "concept", concept_id)
        assert [(e.actor, e.action) for e in events] == [("test-editor", "concept.create")]


class TestIntegerBounds:
    def test_ids_beyond_a_32_bit_column_are_422_not_500(self, client, tokens):
        concept_id = create(client, tokens).json()["id"]
        assert_problem(client.get("/api/v1/concepts/99999999999"), 422)
        assert_problem(client.post(f"/api/v1/concepts/{concept_id}/revert", json={"revision": 2**70},
                                   headers=bearer(tokens["editor"])), 422)
        refs = [{"type": "see", "target": 2**40}]
        assert_problem(client.post("/api/v1/concepts", json=body(entry_number="3.1.9", cross_references=refs),
                                   headers=bearer(tokens["editor"])), 422)


SPANISH = {"part": 1, "entry_number": "1.9.1",
           "terms": [{"text": "degeneración electrónica", "lang": "ES", "status": "admitted"},
                     {"text": "degeneración de electrones", "lang": "es", "status": "admitted"},
                     {"text": "electron degeneracy", "lang": "en", "status": "preferred"}],
           "definition": {"en": "The state of degenerate matter.", "es-419": "Estado de la materia degenerada."}}


class TestOtherLanguagesAndIncompleteDrafts:
    def test_a_draft_may_hold_equivalents_only_with_their_tags_normalised(self, client, tokens):
        data = create(client, tokens, SPANISH).json()
        assert [(t["lang"], t["pinyin"]) for t in data["terms"]] == [("es", None), ("es", None), ("en", None)]
        assert data["definition"]["es-419"] == "Estado de la materia degenerada."

    def test_it_cannot_be_proposed_until_it_has_its_chinese_and_preferred_terms(self, client, tokens):
        concept_id = create(client, tokens, SPANISH).json()["id"]
        move = {"to": "proposed"}
        problem = assert_problem(client.post(f"/api/v1/concepts/{concept_id}/transitions", json=move,
                                             headers=bearer(tokens["editor"])), 422)
        assert "zh-CN preferred term" in problem["detail"] and "language es has 0 preferred" in problem["detail"]

    @pytest.mark.parametrize("terms,definition", [
        ([{"text": "证券", "lang": "zh", "status": "preferred"}], {}),
        ([{"text": "x", "lang": "not a tag", "status": "preferred"}], {}),
        ([{"text": "x", "lang": "en", "status": "preferred"}], {"zh-cn": "重复的语种"}),
        ([{"text": "x", "lang": "en", "status": "preferred"}], {"x y": "?"}),
        ([{"text": "x", "lang": "es", "status": "preferred"}, {"text": "y", "lang": "es", "status": "preferred"}],
         {}),
    ])
    def test_bad_tags_and_two_preferred_terms_are_422_even_in_a_draft(self, client, tokens, terms, definition):
        payload = {**SPANISH, "terms": terms, "definition": definition}
        assert_problem(client.post("/api/v1/concepts", json=payload, headers=bearer(tokens["editor"])), 422)

    def test_search_finds_an_equivalent_in_its_language(self, client, tokens):
        concept_id = create(client, tokens, SPANISH).json()["id"]
        hits = client.get("/api/v1/search", params={"q": "degeneración", "lang": "es"}).json()["hits"]
        assert [(h["concept_id"], h["matched_term"]) for h in hits][:1] == [(concept_id, "degeneración electrónica")]
        assert client.get("/api/v1/search", params={"q": "degeneración", "lang": "en"}).json()["hits"] == []
