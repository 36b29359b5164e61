"""Concurrent writers get precise answers, never a 500 or database text (issue 11, items 6–8).

Ten threads released together by a barrier send their request through one app: each request runs in the
app's thread pool with a database session of its own, so the writes really race (PostgreSQL: the loser
waits on the winner's row or index entry; SQLite: on the write lock).
"""

import copy
import threading
from concurrent.futures import ThreadPoolExecutor

from support import bearer

WRITERS = 10
DB_WORDS = ("constraint", "duplicate key", "UNIQUE", "IntegrityError", "psycopg", "sqlite", "violates")
CONCEPT = {
    "part": 3, "entry_number": "3.1.2",
    "terms": [{"text": "融资融券", "lang": "zh-CN", "status": "preferred"},
              {"text": "margin trading", "lang": "en", "status": "preferred"}],
    "definition": {"zh-CN": "投资者借入资金买入证券或借入证券卖出的交易。"},
}


def together(send, count: int = WRITERS) -> list:
    """Call `send(i)` from `count` threads released at the same moment; return the responses in order."""
    barrier = threading.Barrier(count)

    def one(index):
        barrier.wait()
        return send(index)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def statuses(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


def assert_no_database_text(responses) -> None:
    for response in responses:
        for word in DB_WORDS:
            assert word.lower() not in response.text.lower(), response.text


class TestConcurrentCreates:
    def test_same_chinese_preferred_term_one_201_the_others_409_naming_the_winner(self, client, tokens):
        def send(index):
            concept = copy.deepcopy(CONCEPT)
            concept["entry_number"] = f"3.1.{index + 1}"
            return client.post("/api/v1/concepts", json=concept, headers=bearer(tokens["editor"]))
        responses = together(send)
        assert statuses(responses) == [201] + [409] * (WRITERS - 1), [r.text for r in responses]
        winner = next(r.json()["id"] for r in responses if r.status_code == 201)
        for response in responses:
            if response.status_code == 409:
                problem = response.json()
                assert problem["other_concept"] == winner and f"concept {winner}" in problem["detail"]
                assert "融资融券" in problem["detail"]
        assert_no_database_text(responses)
        assert client.get("/api/v1/concepts").json()["items"][0]["id"] == winner

    def test_same_entry_number_one_201_the_others_409(self, client, tokens):
        def send(index):
            concept = copy.deepcopy(CONCEPT)
            concept["terms"] = [{"text": f"术语{index}", "lang": "zh-CN", "status": "preferred"}]
            return client.post("/api/v1/concepts", json=concept, headers=bearer(tokens["editor"]))
        responses = together(send)
        assert statuses(responses) == [201] + [409] * (WRITERS - 1), [r.text for r in responses]
        winner = next(r.json()["id"] for r in responses if r.status_code == 201)
        assert all(f"concept {winner}" in r.json()["detail"] for r in responses if r.status_code == 409)
        assert_no_database_text(responses)


    def test_same_code_one_201_the_others_409(self, client, tokens):
        isin = {"code": "CNE100000296", "name_zh": "示例股份"}
        responses = together(lambda i: client.post("/api/v1/schemes/isin/codes", json=isin,
                                                   headers=bearer(tokens["editor"])))
        assert statuses(responses) == [201] + [409] * (WRITERS - 1), [r.text for r in responses]
        assert all("CNE100000296 is already registered" in r.json()["detail"]
                   for r in responses if r.status_code == 409)
        assert_no_database_text(responses)


class TestConcurrentPatches:
    def test_concept_same_if_match_one_200_the_others_412(self, client, tokens):
        created = client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
        url, etag = f"/api/v1/concepts/{created.json()['id']}", created.headers["ETag"]
        headers = {**bearer(tokens["editor"]), "If-Match": etag}
        responses = together(lambda i: client.patch(url, json={"subject_field": f"领域{i}"}, headers=headers))
        assert statuses(responses) == [200] + [412] * (WRITERS - 1), [r.text for r in responses]
        assert all(r.json()["type"].endswith("/stale-revision") for r in responses if r.status_code == 412)
        assert_no_database_text(responses)
        assert [h["revision"] for h in client.get(url + "/history").json()] == [1, 2]

    def test_code_same_if_match_one_200_the_others_412(self, client, tokens):
        isin = {"code": "CNE100000296", "name_zh": "示例股份"}
        created = client.post("/api/v1/schemes/isin/codes", json=isin, headers=bearer(tokens["editor"]))
        url = "/api/v1/schemes/isin/codes/CNE100000296"
        headers = {**bearer(tokens["editor"]), "If-Match": created.headers["ETag"]}
        responses = together(lambda i: client.patch(url, json={"name_zh": f"名称{i}"}, headers=headers))
        assert statuses(responses) == [200] + [412] * (WRITERS - 1), [r.text for r in responses]
        assert_no_database_text(responses)
        assert [h["revision"] for h in client.get(url + "/history").json()] == [1, 2]


class TestConcurrentReleases:
    def test_distinct_names_are_serialised(self, client, tokens):
        client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
        responses = together(lambda i: client.post("/api/v1/releases", json={"name": f"r{i}", "stage": "comment_draft"},
                                                   headers=bearer(tokens["reviewer"])))
        assert statuses(responses) == [201] * WRITERS, [r.text for r in responses]
        seqs = sorted(r["seq"] for r in client.get("/api/v1/releases").json())
        assert seqs == list(range(1, WRITERS + 1))

    def test_same_name_one_201_the_others_409(self, client, tokens):
        release = {"name": "2025.1", "stage": "comment_draft"}
        responses = together(lambda i: client.post("/api/v1/releases", json=release,
                                                   headers=bearer(tokens["reviewer"])))
        assert statuses(responses) == [201] + [409] * (WRITERS - 1), [r.text for r in responses]
        assert_no_database_text(responses)
