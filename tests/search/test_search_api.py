"""GET /api/v1/search and /api/v1/suggest over the app, on both databases."""

import pytest
from support import assert_problem, bearer

CONCEPTS = [
    {"part": 3, "entry_number": "3.1.2", "terms": [
        {"text": "融资融券", "lang": "zh-CN", "status": "preferred"},
        {"text": "两融", "lang": "zh-CN", "status": "admitted", "type": "short_form"},
        {"text": "保证金交易", "lang": "zh-CN", "status": "deprecated"},
        {"text": "margin trading and securities lending", "lang": "en", "status": "preferred"}],
     "definition": {"zh-CN": "投资者向证券公司提供担保物，借入资金买入证券或借入证券卖出的交易。"}},
    {"part": 1, "entry_number": "1.2.1", "terms": [
        {"text": "证券登记结算机构", "lang": "zh-CN", "status": "preferred"},
        {"text": "securities depository and clearing institution", "lang": "en", "status": "preferred"}],
     "definition": {"zh-CN": "为证券交易提供集中登记、存管与结算服务的法人。"}},
    {"part": 1, "entry_number": "1.3.1", "terms": [
        {"text": "银行间市场", "lang": "zh-CN", "status": "preferred"},
        {"text": "interbank market", "lang": "en", "status": "preferred"}]},
]


@pytest.fixture
def concepts(client, tokens):
    ids = []
    for body in CONCEPTS:
        response = client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"]))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def search(client, **params):
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


class TestSearch:
    def test_a_write_is_searchable_at_once_with_the_issue_shape(self, client, concepts):
        body = search(client, q="登记结算")
        assert body["total"] == 1 and body["took_ms"] >= 0
        assert body["hits"] == [{
            "concept_id": concepts[1], "entry_number": "1.2.1", "part": 1, "term": "证券登记结算机构",
            "en": "securities depository and clearing institution", "matched_term": "证券登记结算机构",
            "matched_field": "term", "status": "draft", "snippet": "证券<mark>登记结算</mark>机构"}]

    @pytest.mark.parametrize(("q", "term"), [("rzrq", "融资融券"), ("zhengquandengji", "证券登记结算机构"),
                                             ("yinhangjian", "银行间市场"),
                                             ("證券登記結算機構", "证券登记结算机构"),
                                             ("ＲＺＲＱ", "融资融券"), ("Interbank", "银行间市场"),
                                             ("担保物", "融资融券")])
    def test_query_classes(self, client, concepts, q, term):
        assert search(client, q=q)["hits"][0]["term"] == term

    def test_a_deprecated_term_answers_with_the_preferred_one(self, client, concepts):
        hit = search(client, q="保证金交易")["hits"][0]
        assert (hit["term"], hit["matched_term"]) == ("融资融券", "保证金交易")

    def test_filters(self, client, concepts):
        assert search(client, q="市场", part=3)["total"] == 0
        assert search(client, q="市场", part=1, status="draft", lang="zh-CN")["total"] == 1
        assert search(client, q="融资融券", status="approved")["total"] == 0

    @pytest.mark.parametrize("q", ['"融资"', "融资*", "term:融资", "(融资)", "融资 AND 融券", "融" * 1000])
    def test_syntax_characters_and_long_queries_are_text(self, client, concepts, q):
        assert search(client, q=q)["total"] >= 0


class TestBadRequests:
    @pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 1001},
                                        {"q": "a", "status": "gone"}, {"q": "a", "lang": "f r"},
                                        {"q": "a", "part": 1000}, {"q": "a", "part": 0}, {"q": "a", "limit": 0},
                                        {"q": "a", "limit": 101}, {"q": "a", "offset": -1}])
    def test_invalid_parameters_are_422(self, client, params):
        assert_problem(client.get("/api/v1/search", params=params), 422, "invalid-input")

    def test_suggest_needs_a_query(self, client):
        assert_problem(client.get("/api/v1/suggest", params={"q": " "}), 422, "invalid-input")


class TestSuggest:
    def test_initials_complete_to_terms(self, client, concepts):
        response = client.get("/api/v1/suggest", params={"q": "zq"})
        assert response.status_code == 200
        assert [s["text"] for s in response.json()["suggestions"]] == ["证券登记结算机构"]

    def test_english_prefix(self, client, concepts):
        suggestions = client.get("/api/v1/suggest", params={"q": "marg"}).json()["suggestions"]
        assert suggestions[0]["text"] == "margin trading and securities lending"
        assert suggestions[0]["term"] == "融资融券" and suggestions[0]["concept_id"] == concepts[0]
