"""Done when (issue 13): the whole drafting loop end to end on each database — open a period, comments from
two organisations through the page, the API and an XLSX upload, dispositions, the table exported, the
送审稿 released and the comment-driven diff."""

import io

from docx import Document
from drafting import ORG_A, ORG_B, comment_draft, commenter_tokens, make_entries, open_period, stage
from openpyxl import Workbook, load_workbook
from pages.pages_helpers import HTML, csrf, sign_in
from support import bearer


def xlsx_form(rows: list[list[str]]) -> bytes:
    book = Workbook()
    book.active.append(["序号", "条目编号", "意见类型", "意见内容", "修改建议", "提出单位", "联系人"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit_definition(client, tokens, concept_id: int, text: str) -> int:
    current = client.get(f"/api/v1/concepts/{concept_id}")
    edited = client.patch(f"/api/v1/concepts/{concept_id}", json={"definition": {"zh-CN": text}},
                          headers={**bearer(tokens["editor"]), "If-Match": current.headers["ETag"]})
    assert edited.status_code == 200, edited.text
    return edited.json()["revision"]


def dispose(client, tokens, comment_id: int, **body) -> None:
    url = f"/api/v1/comments/{comment_id}/disposition"
    assert client.put(url, json=body, headers=bearer(tokens["editor"])).status_code == 200
    assert client.post(url + "/confirm", headers=bearer(tokens["reviewer"])).json()["status"] == "confirmed"


def test_the_drafting_loop(client, tokens, engine):
    members = commenter_tokens(engine)
    ids = make_entries(client, tokens)
    comment_draft(client, tokens)
    assert open_period(client, tokens).json()["state"] == "open"

    # organisation A: one comment through the page under entry 1.1, two rows in an XLSX form
    sign_in(client, members[ORG_A])
    page = client.get(f"/concepts/{ids['1.1']}/comments", headers=HTML).text
    sent = client.post("/releases/p1-cd/comments", headers=HTML, follow_redirects=False, data={
        "csrf": csrf(page), "entry_number": "1/1.1", "type": "technical", "field": "definition",
        "content": "定义应包括存托凭证。", "proposal": "增加“存托凭证”。", "back": f"/concepts/{ids['1.1']}/comments"})
    assert sent.status_code == 303
    form = xlsx_form([["1", "1.2", "编辑", "“股票”定义中的“股份”宜改为“股权”。", "改为“股权”", "", "张三"],
                      ["2", "1.2", "技术", "与上一条相同。", "", "", "张三"]])
    uploaded = client.post("/api/v1/imports/comments/p1-cd", files={"file": ("意见表.xlsx", form)},
                           headers=bearer(members[ORG_A]))
    assert uploaded.status_code == 201 and uploaded.json()["counts"]["created"] == 2
    # organisation B: through the API, on entry 1.3 and on the standard as a whole
    for body in ({"entry_number": "1.3", "content": "债券定义过窄。"},
                 {"content": "建议增加索引。", "type": "general"}):
        assert client.post("/api/v1/releases/p1-cd/comments", json=body,
                           headers=bearer(members[ORG_B])).status_code == 201

    closed = client.post("/api/v1/releases/p1-cd/comment-period/close", json={}, headers=bearer(tokens["reviewer"]))
    assert closed.json()["state"] == "closed"
    by_number = {c["number"]: c for c in client.get("/api/v1/releases/p1-cd/comments",
                                                    headers=bearer(tokens["editor"])).json()}
    assert len(by_number) == 5
    dispose(client, tokens, by_number[1]["id"], decision="accepted",
            revision=edit_definition(client, tokens, ids["1.1"], "第二版定义一，含存托凭证。"))
    dispose(client, tokens, by_number[2]["id"], decision="partially_accepted", reason="仅修改用词。",
            revision=edit_definition(client, tokens, ids["1.2"], "第二版定义二。"))
    dispose(client, tokens, by_number[3]["id"], decision="merged", merged_into=2)
    dispose(client, tokens, by_number[4]["id"], decision="accepted")  # but 1.3 is left unchanged: flagged
    dispose(client, tokens, by_number[5]["id"], decision="deferred")

    data = client.get("/api/v1/releases/p1-cd/disposition-table", headers=bearer(tokens["editor"])).json()
    assert (data["summary"]["organizations"], data["summary"]["comments"]) == (2, 5)
    assert data["summary"]["decisions"] == {"accepted": 2, "partially_accepted": 1, "rejected": 0, "deferred": 1,
                                            "merged": 1}
    assert [(r["clause"], r["disposition"]) for r in data["rows"]] == [
        ("全文", "暂缓"), ("1.1", "采纳"), ("1.2", "部分采纳"), ("1.2", "合并到第 3 条"), ("1.3", "采纳")]
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/releases/p1-cd/disposition-table?format=xlsx",
                                                headers=bearer(tokens["editor"])).content)).active
    assert sheet["A1"].value == "《证券期货业术语　第1部分：基础术语》征求意见汇总处理表" and sheet.max_row == 10
    document = Document(io.BytesIO(client.get("/api/v1/releases/p1-cd/disposition-table?format=docx",
                                              headers=bearer(tokens["editor"])).content))
    assert len(document.tables[0].rows) == 6 and "共收到 2 家单位的 5 条意见" in document.paragraphs[2].text

    stage(client, tokens, "sfterms-1", "review")
    made = client.post("/api/v1/releases", json={"name": "p1-rd", "stage": "review_draft", "standard": "sfterms-1"},
                       headers=bearer(tokens["reviewer"]))
    assert made.status_code == 201, made.text
    result = client.get("/api/v1/releases/p1-cd/comment-diff/p1-rd", headers=bearer(tokens["editor"])).json()
    behind = {c["label"]: [x["number"] for x in c["comments"]] for c in result["changed"]}
    assert behind == {"1.1 证券": [1], "1.2 股票": [2, 3]}
    assert [(u["number"], u["entry_number"]) for u in result["unapplied"]] == [(4, "1.3")]
    assert client.get("/releases/p1-cd/comment-diff/p1-rd", headers=HTML).status_code == 403  # a commenter
    sign_in(client, tokens["editor"])
    diff_page = client.get("/releases/p1-cd/comment-diff/p1-rd", headers=HTML).text
    assert "债券定义过窄" in diff_page and "已采纳但条目未修改" in diff_page

    client.post("/api/v1/releases/p1-cd/comment-period/publish", headers=bearer(tokens["reviewer"]))
    assert len(client.get("/api/v1/releases/p1-cd/comments").json()) == 5
