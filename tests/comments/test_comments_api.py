"""Comment periods, comments, uploads, dispositions, the disposition table and the comment-driven diff."""

import io

from docx import Document
from drafting import ORG_A, ORG_B, comment_draft, form_csv, open_period, stage
from drafting import draft as draft
from drafting import members as members
from openpyxl import load_workbook
from sqlmodel import Session
from support import assert_problem, bearer

from registry import audit


def submit(client, secret, entry="1.1", **extra):
    body = {"content": "定义不完整。", "type": "technical", **({"entry_number": entry} if entry else {}), **extra}
    return client.post("/api/v1/releases/p1-cd/comments", json=body, headers=bearer(secret))


def close(client, tokens):
    answer = client.post("/api/v1/releases/p1-cd/comment-period/close", json={}, headers=bearer(tokens["reviewer"]))
    assert answer.status_code == 200, answer.text


class TestPeriods:
    def test_open_only_on_a_comment_draft_of_a_standard_at_comment(self, client, tokens):
        client.post("/api/v1/releases", json={"name": "snap", "stage": "comment_draft"},
                    headers=bearer(tokens["reviewer"]))
        assert "征求意见稿 of a standard" in assert_problem(open_period(client, tokens, "snap"), 409)["detail"]
        comment_draft(client, tokens)
        assert_problem(client.post("/api/v1/comment-periods", json={"release": "p1-cd", "closes_on": "2020-01-01"},
                                   headers=bearer(tokens["reviewer"])), 422)
        assert_problem(client.post("/api/v1/comment-periods", json={"release": "p1-cd", "closes_on": "2099-01-01"},
                                   headers=bearer(tokens["editor"])), 403)
        opened = open_period(client, tokens)
        assert opened.status_code == 201 and opened.json()["state"] == "open" and opened.json()["days_left"] == 31
        assert_problem(open_period(client, tokens), 409)

    def test_close_refuses_comments_and_reopen_needs_a_note(self, client, tokens, members, draft):
        close(client, tokens)
        problem = assert_problem(submit(client, members[ORG_A]), 409)
        assert "closed" in problem["detail"]
        url = "/api/v1/releases/p1-cd/comment-period/reopen"
        assert_problem(client.post(url, json={"closes_on": "2099-01-01"}, headers=bearer(tokens["reviewer"])), 422)
        assert_problem(client.post(url, json={"closes_on": "2099-01-01", "note": "延期"},
                                   headers=bearer(tokens["editor"])), 403)
        reopened = client.post(url, json={"closes_on": "2099-01-01", "note": "应行业协会请求延期"},
                               headers=bearer(tokens["reviewer"]))
        assert reopened.json()["state"] == "open" and reopened.json()["events"][-1]["note"] == "应行业协会请求延期"
        assert submit(client, members[ORG_A]).status_code == 201


class TestSubmit:
    def test_commenter_submits_for_their_organisation(self, client, tokens, members, draft):
        created = submit(client, members[ORG_A], field="definition", proposal="增加“存托凭证”。")
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["organization"] == ORG_A and body["number"] == 1 and body["concept_id"] == draft["1.1"]
        assert body["type_label"] == "技术" and body["standard"] == "sfterms-1"
        assert_problem(submit(client, members[ORG_A], organization=ORG_B), 403)

    def test_bad_submissions_write_nothing(self, client, tokens, members, draft):
        assert "no entry 9.9" in assert_problem(submit(client, members[ORG_A], entry="9.9"), 422)["detail"]
        assert_problem(submit(client, members[ORG_A], content="长" * 5001), 422)
        assert_problem(submit(client, members[ORG_A], content="   "), 422)
        assert_problem(submit(client, tokens["editor"]), 422)  # the drafting group names the organisation
        assert_problem(client.post("/api/v1/releases/p1-cd/comments", json={"content": "x"}), 401)
        assert client.get("/api/v1/releases/p1-cd/comments", headers=bearer(tokens["editor"])).json() == []

    def test_release_of_another_stage_refuses_comments(self, client, tokens, members, draft):
        stage(client, tokens, "sfterms-1", "review")
        client.post("/api/v1/releases", json={"name": "p1-rd", "stage": "review_draft", "standard": "sfterms-1"},
                    headers=bearer(tokens["reviewer"]))
        problem = assert_problem(client.post("/api/v1/releases/p1-rd/comments", json={"content": "x"},
                                             headers=bearer(members[ORG_A])), 409)
        assert "送审稿" in problem["detail"]

    def test_commenters_see_only_their_organisations_comments(self, client, tokens, members, draft):
        submit(client, members[ORG_A])
        submit(client, members[ORG_B], entry=None, type="general")
        url = "/api/v1/releases/p1-cd/comments"
        assert [c["organization"] for c in client.get(url, headers=bearer(members[ORG_A])).json()] == [ORG_A]
        assert client.get(url).json() == []
        assert len(client.get(url, headers=bearer(tokens["editor"])).json()) == 2
        theirs = client.get(url, headers=bearer(tokens["editor"]), params={"organization": ORG_B}).json()[0]
        assert_problem(client.get(f"/api/v1/comments/{theirs['id']}", headers=bearer(members[ORG_A])), 404)
        assert_problem(client.patch(f"/api/v1/comments/{theirs['id']}", json={"content": "改"},
                                    headers=bearer(members[ORG_A])), 404)

    def test_author_edits_while_open_not_after(self, client, tokens, members, draft):
        comment = submit(client, members[ORG_A]).json()
        url = f"/api/v1/comments/{comment['id']}"
        assert client.patch(url, json={"content": "修改后的意见。"}, headers=bearer(members[ORG_A])).json()[
            "content"] == "修改后的意见。"
        close(client, tokens)
        assert_problem(client.patch(url, json={"content": "再改"}, headers=bearer(members[ORG_A])), 409)


class TestUpload:
    def test_form_with_bad_rows_is_rejected_whole(self, client, tokens, members, draft):
        form = form_csv([["1", "1.1", "技术", "意见一", "", "", ""], ["2", "9.9", "技术", "意见二", "", "", ""],
                         ["3", "1.2", "重要", "意见三", "", "", ""], ["4", "", "一般", "", "", "", ""]])
        problem = assert_problem(upload(client, members[ORG_B], form), 422, "import-rejected")
        where = {(e["line"], e["column"]) for e in problem["errors"]}
        assert where == {(3, "章条编号"), (4, "意见类型"), (5, "意见内容")}
        assert client.get("/api/v1/releases/p1-cd/comments", headers=bearer(tokens["editor"])).json() == []

    def test_form_rows_become_comments(self, client, tokens, members, draft):
        form = form_csv([["1", "1.2", "编辑", "=HYPERLINK(\"x\")", "改为……", "", "李四"],
                         ["2", "全文", "一般", "总体意见", "", "", ""]])
        answer = upload(client, members[ORG_B], form)
        assert answer.status_code == 201, answer.text
        assert answer.json()["counts"]["created"] == 2
        found = client.get("/api/v1/releases/p1-cd/comments", headers=bearer(members[ORG_B])).json()
        assert [(c["entry_number"], c["organization"], c["type"]) for c in found] == [
            (None, ORG_B, "general"), ("1.2", ORG_B, "editorial")]

    def test_a_file_that_is_not_a_workbook_is_rejected(self, client, tokens, members, draft):
        problem = assert_problem(upload(client, members[ORG_B], b"not a zip", name="form.xlsx"), 422)
        assert "XLSX" in problem["detail"]
        assert_problem(upload(client, members[ORG_B], b"x", name="form.pdf"), 422)

    def test_commenter_cannot_upload_for_another_organisation(self, client, tokens, members, draft):
        form = form_csv([["1", "1.1", "技术", "意见", "", ORG_A, ""]])
        problem = assert_problem(upload(client, members[ORG_B], form), 422)
        assert problem["errors"][0]["column"] == "提出单位"


def upload(client, secret, payload: bytes, name="form.csv"):
    return client.post("/api/v1/imports/comments/p1-cd", files={"file": (name, payload)}, headers=bearer(secret))


class TestDispositions:
    def test_propose_confirm_and_the_rules(self, client, tokens, members, draft, engine):
        first = submit(client, members[ORG_A]).json()
        second = submit(client, members[ORG_B]).json()
        url = f"/api/v1/comments/{first['id']}/disposition"
        assert_problem(client.put(url, json={"decision": "accepted"}, headers=bearer(tokens["editor"])), 409)
        close(client, tokens)
        assert_problem(client.put(url, json={"decision": "rejected"}, headers=bearer(tokens["editor"])), 422)
        assert_problem(client.put(url, json={"decision": "accepted"}, headers=bearer(members[ORG_A])), 403)
        assert_problem(client.put(url, json={"decision": "accepted", "revision": 1},
                                  headers=bearer(tokens["editor"])), 422)  # not later than the draft's
        proposed = client.put(url, json={"decision": "partially_accepted", "reason": "仅采纳前半部分。"},
                              headers=bearer(tokens["editor"]))
        assert proposed.json()["status"] == "proposed"
        assert_problem(client.post(url + "/confirm", headers=bearer(tokens["editor"])), 403)
        assert_problem(client.post(url + "/confirm", headers={**bearer(tokens["reviewer"]), "If-Match": '"m1.r1"'}),
                       412)
        confirmed = client.post(url + "/confirm", headers={**bearer(tokens["reviewer"]),
                                                           "If-Match": proposed.headers["ETag"]})
        assert confirmed.json()["status"] == "confirmed"
        assert_problem(client.put(url, json={"decision": "accepted"}, headers=bearer(tokens["editor"])), 403)
        merge = f"/api/v1/comments/{second['id']}/disposition"
        assert_problem(client.put(merge, json={"decision": "merged", "merged_into": 2},
                                  headers=bearer(tokens["editor"])), 422)
        merged = client.put(merge, json={"decision": "merged", "merged_into": 1}, headers=bearer(tokens["editor"]))
        assert merged.json()["merged_into"] == 1
        assert client.get(f"/api/v1/comments/{first['id']}", headers=bearer(tokens["editor"])).json()[
            "decision"] == "partially_accepted"
        with Session(engine) as session:
            actions = [e.action for e in audit.list_events(session, "comment", first["id"])]
        assert actions == ["comment.submit", "comment.dispose", "comment.confirm"]


class TestTableAndDiff:
    def test_the_whole_loop_through_the_api(self, client, tokens, members, draft):
        a1 = submit(client, members[ORG_A], entry="1.1").json()
        a2 = submit(client, members[ORG_A], entry="1.3").json()
        upload(client, members[ORG_B], form_csv([["1", "1.2", "编辑", "意见乙", "", "", ""]]))
        close(client, tokens)
        concept = client.get(f"/api/v1/concepts/{draft['1.1']}")
        edited = client.patch(f"/api/v1/concepts/{draft['1.1']}", json={"definition": {"zh-CN": "第二版定义一。"}},
                              headers={**bearer(tokens["editor"]), "If-Match": concept.headers["ETag"]})
        revision = edited.json()["revision"]
        dispose(client, tokens, a1["id"], {"decision": "accepted", "revision": revision})
        dispose(client, tokens, a2["id"], {"decision": "accepted"})
        b1 = client.get("/api/v1/releases/p1-cd/comments", headers=bearer(tokens["editor"]),
                        params={"organization": ORG_B}).json()[0]
        dispose(client, tokens, b1["id"], {"decision": "rejected", "reason": "与通用用法一致。"})
        assert_problem(client.get("/api/v1/releases/p1-cd/disposition-table"), 403)
        data = client.get("/api/v1/releases/p1-cd/disposition-table", headers=bearer(tokens["editor"])).json()
        assert data["summary"]["organizations"] == 2 and data["summary"]["comments"] == 3
        assert data["summary"]["decisions"]["accepted"] == 2 and data["summary"]["decisions"]["rejected"] == 1
        assert [r["clause"] for r in data["rows"]] == ["1.1", "1.2", "1.3"]
        xlsx = client.get("/api/v1/releases/p1-cd/disposition-table", params={"format": "xlsx"},
                          headers=bearer(tokens["editor"]))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[4] == ["序号", "章条编号", "意见内容", "修改建议", "提出单位", "处理意见", "理由"]
        assert values[6][1:] == ["1.2", "意见乙", None, ORG_B, "不采纳", "与通用用法一致。"]
        assert "2 家单位的 3 条意见" in values[2][0]
        docx = client.get("/api/v1/releases/p1-cd/disposition-table", params={"format": "docx"},
                          headers=bearer(tokens["editor"]))
        table = Document(io.BytesIO(docx.content)).tables[0]
        assert [c.text for c in table.rows[1].cells] == ["1", "1.1", "定义不完整。", "", ORG_A, "采纳", ""]
        stage(client, tokens, "sfterms-1", "review")
        made = client.post("/api/v1/releases", json={"name": "p1-rd", "stage": "review_draft",
                                                     "standard": "sfterms-1"}, headers=bearer(tokens["reviewer"]))
        assert made.status_code == 201, made.text
        result = client.get("/api/v1/releases/p1-cd/comment-diff/p1-rd", headers=bearer(tokens["editor"])).json()
        assert [(c["id"], [x["number"] for x in c["comments"]]) for c in result["changed"]] == [(draft["1.1"], [1])]
        assert [u["entry_number"] for u in result["unapplied"]] == ["1.3"]
        publish = client.post("/api/v1/releases/p1-cd/comment-period/publish", headers=bearer(tokens["reviewer"]))
        assert publish.json()["published"] is True
        assert len(client.get("/api/v1/releases/p1-cd/comments").json()) == 3


def dispose(client, tokens, comment_id, body):
    url = f"/api/v1/comments/{comment_id}/disposition"
    proposed = client.put(url, json=body, headers=bearer(tokens["editor"]))
    assert proposed.status_code == 200, proposed.text
    assert client.post(url + "/confirm", headers=bearer(tokens["reviewer"])).status_code == 200
