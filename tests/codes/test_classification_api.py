"""Classification schemes over HTTP: an admin creates a scheme, nodes are versioned code entries checked
against the tree and the level rules, the tree reads a level at a time, validation answers level and path."""

from classification_fixtures import fresh_cache as fresh_cache
from classification_fixtures import sample as sample
from support import assert_problem, bearer

SCHEME = {"slug": "practitioner", "name_zh": "从业人员分类", "name_en": "Practitioner classification",
          "kind": "classification", "structure": "1-2-2"}


def create(client, tokens, body=SCHEME, role="admin"):
    return client.post("/api/v1/schemes", json=body, headers=bearer(tokens[role]))


def add(client, tokens, code, parent=None, name="节点", scheme="practitioner"):
    return client.post(f"/api/v1/schemes/{scheme}/codes", json={"code": code, "parent": parent, "name_zh": name},
                       headers=bearer(tokens["editor"]))


class TestCreateScheme:
    def test_admin_creates_a_classification_from_a_structure(self, client, tokens):
        response = create(client, tokens)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["kind"] == "classification" and [lv["length"] for lv in body["levels"]] == [1, 3, 5]
        assert "practitioner" in {s["slug"] for s in client.get("/api/v1/schemes").json()}

    def test_admin_creates_a_flat_scheme_with_a_pattern(self, client, tokens):
        body = {"slug": "desk", "name_zh": "席位", "name_en": "Desks", "code_pattern": "[0-9]{6}"}
        assert create(client, tokens, body).json()["code_pattern"] == "^[0-9]{6}$"
        assert add(client, tokens, "123456", scheme="desk").status_code == 201
        assert_problem(add(client, tokens, "12345", scheme="desk"), 422)

    def test_editor_may_not_create_a_scheme(self, client, tokens):
        assert_problem(create(client, tokens, role="editor"), 403)

    def test_taken_slug_is_409(self, client, tokens):
        create(client, tokens)
        assert_problem(create(client, tokens), 409, "conflict")
        assert "validator" in assert_problem(create(client, tokens, {**SCHEME, "slug": "lei"}), 409)["detail"]

    def test_bad_regex_and_levels_are_422(self, client, tokens):
        flat = {"slug": "bad", "name_zh": "坏", "name_en": "Bad", "code_pattern": "[0-9"}
        assert "regular expression" in assert_problem(create(client, tokens, flat), 422)["detail"]
        shrinking = {**SCHEME, "structure": None, "levels": [{"length": 3}, {"length": 2}]}
        assert "level 2" in assert_problem(create(client, tokens, shrinking), 422)["detail"]
        assert_problem(create(client, tokens, {**SCHEME, "structure": "1-x"}), 422)


class TestNodes:
    def test_a_node_needs_its_parent_and_the_level_pattern(self, client, tokens):
        create(client, tokens)
        assert add(client, tokens, "1").status_code == 201
        assert add(client, tokens, "101", parent="1").status_code == 201
        orphan = assert_problem(add(client, tokens, "20101", parent="201"), 422)
        assert "201 is not registered" in orphan["detail"]
        wrong_prefix = assert_problem(add(client, tokens, "20201", parent="101"), 422)
        assert wrong_prefix["errors"][0]["position"] == 1 and wrong_prefix["errors"][0]["expected"] == "101"
        wrong_length = assert_problem(add(client, tokens, "1011", parent="101"), 422)
        assert "5" in wrong_length["detail"]

    def test_full_width_codes_and_parents_fold(self, client, tokens):
        create(client, tokens)
        add(client, tokens, "1")
        response = add(client, tokens, "１０１", parent="１")
        assert response.status_code == 201 and response.json()["code"] == "101"

    def test_moving_a_node_below_itself_is_a_cycle(self, client, tokens):
        create(client, tokens)
        add(client, tokens, "1")
        add(client, tokens, "101", parent="1")
        etag = client.get("/api/v1/schemes/practitioner/codes/1").headers["ETag"]
        response = client.patch("/api/v1/schemes/practitioner/codes/1", json={"parent": "101"},
                                headers={**bearer(tokens["editor"]), "If-Match": etag})
        assert "cycle" in assert_problem(response, 422)["detail"]

    def test_history_is_kept_like_other_codes(self, client, tokens):
        create(client, tokens)
        add(client, tokens, "1", name="甲")
        etag = client.get("/api/v1/schemes/practitioner/codes/1").headers["ETag"]
        client.patch("/api/v1/schemes/practitioner/codes/1", json={"name_zh": "乙"},
                     headers={**bearer(tokens["editor"]), "If-Match": etag})
        history = client.get("/api/v1/schemes/practitioner/codes/1/history").json()
        assert len(history) == 2


class TestTree:
    def test_sample_tree_draws_every_level_with_counts(self, client, sample):
        tree = client.get("/api/v1/schemes/investor-sample/tree").json()
        assert tree["total"] == 28 and [n["code"] for n in tree["nodes"]] == ["1", "2", "3", "4"]
        individual = tree["nodes"][0]
        assert individual["count"] == 2 and individual["children"][0]["children"][0]["code"] == "10101"
        assert individual["children"][0]["children"][0]["level"] == 3

    def test_subtree_names_its_path(self, client, sample):
        tree = client.get("/api/v1/schemes/investor-sample/tree", params={"root": "201"}).json()
        assert [p["code"] for p in tree["path"]] == ["2", "201"]
        assert [n["code"] for n in tree["nodes"]][:2] == ["20101", "20102"]

    def test_flat_scheme_has_no_tree(self, client, sample):
        assert_problem(client.get("/api/v1/schemes/isin/tree"), 404)


class TestValidate:
    def test_registered_code_answers_level_and_path(self, client, sample):
        body = client.get("/api/v1/validate/investor-sample/20103").json()
        assert body["valid"] and body["registered"]
        assert body["components"]["level"] == 3 and body["components"]["level_name_zh"] == "小类"
        assert [p["code"] for p in body["components"]["path"]] == ["2", "201"]
        assert body["components"]["path"][0]["name_zh"] == "机构投资者"

    def test_full_width_input_is_folded(self, client, sample):
        body = client.get("/api/v1/validate/investor-sample/２０１０３").json()
        assert body["normalized"] == "20103" and body["valid"]

    def test_malformed_code_gets_position_expected_found(self, client, sample):
        body = client.get("/api/v1/validate/investor-sample/201A3").json()
        error = body["errors"][0]
        assert not body["valid"] and error["code"] == "invalid_character"
        assert (error["position"], error["found"]) == (4, "A") and "第 4 位" in error["message_zh"]

    def test_wrong_length_and_unregistered(self, client, sample):
        short = client.get("/api/v1/validate/investor-sample/2010").json()["errors"][0]
        assert short["code"] == "invalid_length" and short["position"] == 5
        absent = client.get("/api/v1/validate/investor-sample/20199").json()
        assert not absent["registered"] and absent["errors"][0]["code"] == "not_registered"
        assert [p["code"] for p in absent["components"]["path"]] == ["2", "201"]

    def test_as_of_before_validity_is_not_registered(self, client, sample, tokens):
        etag = client.get("/api/v1/schemes/investor-sample/codes/402").headers["ETag"]
        client.patch("/api/v1/schemes/investor-sample/codes/402", json={"valid_from": "2026-01-01"},
                     headers={**bearer(tokens["editor"]), "If-Match": etag})
        assert client.get("/api/v1/validate/investor-sample/402", params={"as_of": "2025-06-01"}).json()[
            "registered"] is False
        assert client.get("/api/v1/validate/investor-sample/402", params={"as_of": "2026-06-01"}).json()["valid"]

    def test_release_answers_as_frozen(self, client, sample, tokens):
        scope = {"parts": [], "schemes": ["investor-sample"]}
        created = client.post("/api/v1/releases", json={"name": "cls-1", "stage": "published", "scope": scope},
                              headers=bearer(tokens["reviewer"]))
        assert created.status_code == 201, created.text
        add(client, tokens, "403", parent="4", scheme="investor-sample")
        assert client.get("/api/v1/validate/investor-sample/403").json()["valid"]
        frozen = client.get("/api/v1/validate/investor-sample/403", params={"release": "cls-1"}).json()
        assert frozen["registered"] is False and frozen["errors"][0]["code"] == "not_registered"
        held = client.get("/api/v1/validate/investor-sample/20103", params={"release": "cls-1"}).json()
        assert held["valid"] and [p["code"] for p in held["components"]["path"]] == ["2", "201"]

    def test_superseded_node_names_its_successor(self, client, sample, tokens):
        move = {"to": "superseded", "successor": "401", "valid_to": "2026-01-01"}
        response = client.post("/api/v1/schemes/investor-sample/codes/402/transitions", json=move,
                               headers=bearer(tokens["reviewer"]))
        assert response.status_code == 200, response.text
        before = client.get("/api/v1/validate/investor-sample/402", params={"as_of": "2025-12-31"}).json()
        after = client.get("/api/v1/validate/investor-sample/402", params={"as_of": "2026-01-01"}).json()
        assert before["valid"] and not after["valid"]
        assert after["errors"][0]["code"] == "superseded" and "401" in after["errors"][0]["message_zh"]

    def test_listed_among_the_kinds(self, client, sample):
        listed = {item["kind"]: item for item in client.get("/api/v1/validate").json()}
        assert "isin" in listed and "投资者分类" in listed["investor-sample"]["description_zh"]

    def test_batch_and_unknown_scheme(self, client, sample):
        results = client.post("/api/v1/validate/investor-sample", json={"codes": ["1", "9", "x"]}).json()["results"]
        assert [r["valid"] for r in results] == [True, False, False]
        assert_problem(client.get("/api/v1/validate/no-such-scheme/1"), 404)
