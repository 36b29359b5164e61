"""The drafting workbench pages: standards, timeline, comment forms, filters, dispositions, my comments."""

from drafting import ORG_A, ORG_B
from drafting import draft as draft
from drafting import members as members
from pages.pages_helpers import EVIL, HTML, assert_page, csrf, sign_in
from support import bearer


class TestStandardPages:
    def test_list_and_timeline_chinese_first_english_on_switch(self, client):
        body = assert_page(client.get("/standards", headers=HTML), 200, "术语标准项目")
        assert "JR/T XXXX.1" in body and "征求意见" in body
        page = assert_page(client.get("/standards/sfterms-2", headers=HTML), 200, "JR/T XXXX.2")
        assert 'aria-current="step"' in page and "起草" in page and "2024-06-30" in page
        english = client.get("/standards/sfterms-2?lang=en", headers=HTML).text
        assert "Stage timeline" in english and "drafting" in english

    def test_open_period_shows_countdown_and_statistics(self, client, tokens, members, draft):
        client.post("/api/v1/releases/p1-cd/comments", json={"content": "意见", "entry_number": "1.1"},
                    headers=bearer(members[ORG_A]))
        page = client.get("/standards/sfterms-1", headers=HTML).text
        assert "距截止还有 31 天" in page and "征求意见中" in page
        assert '<dt>回复单位</dt><dd>1</dd>' in page and '<dt>意见条数</dt><dd>1</dd>' in page

    def test_unknown_standard_is_an_html_404(self, client):
        assert client.get("/standards/nope", headers=HTML).status_code == 404


class TestCommentForms:
    def test_commenter_comments_under_an_entry_and_sees_it_escaped(self, client, tokens, members, draft):
        url = f"/concepts/{draft['1.2']}/comments"
        assert "登录后提出意见" in client.get(url, headers=HTML).text
        sign_in(client, members[ORG_B])
        page = client.get(url, headers=HTML).text
        assert 'name="entry_number" value="1/1.2"' in page
        sent = client.post("/releases/p1-cd/comments", headers=HTML, follow_redirects=False, data={
            "csrf": csrf(page), "entry_number": "1/1.2", "type": "editorial", "field": "term", "content": EVIL,
            "back": url})
        assert sent.status_code == 303 and sent.headers["location"].startswith(url + "?sent=1")
        shown = client.get(url, headers=HTML).text
        assert EVIL not in shown and "&lt;script&gt;" in shown and ORG_B in shown
        mine = assert_page(client.get("/my/comments", headers=HTML), 200, "我的意见")
        assert "&lt;script&gt;" in mine

    def test_a_bad_comment_comes_back_with_its_error_and_input(self, client, tokens, members, draft):
        sign_in(client, members[ORG_A])
        page = client.get("/releases/p1-cd/comments", headers=HTML).text
        answer = client.post("/releases/p1-cd/comments", headers=HTML, data={
            "csrf": csrf(page), "entry_number": "7.7", "type": "technical", "content": "保留的意见"})
        assert answer.status_code == 422 and "no entry 7.7" in answer.text and "保留的意见" in answer.text

    def test_filters_and_the_disposition_workflow(self, client, tokens, members, draft):
        for org in (ORG_A, ORG_B):
            client.post("/api/v1/releases/p1-cd/comments", json={"content": f"{org}的意见", "entry_number": "1.1"},
                        headers=bearer(members[org]))
        client.post("/api/v1/releases/p1-cd/comment-period/close", json={}, headers=bearer(tokens["reviewer"]))
        sign_in(client, tokens["reviewer"])
        page = client.get("/releases/p1-cd/comments", params={"organization": ORG_B}, headers=HTML).text
        assert f"{ORG_B}的意见" in page and f"{ORG_A}的意见" not in page
        first = client.get("/api/v1/releases/p1-cd/comments", headers=bearer(tokens["editor"])).json()[0]
        url = f"/comments/{first['id']}/disposition"
        bad = client.post(url, headers=HTML, data={"csrf": csrf(page), "decision": "rejected"})
        assert bad.status_code == 422 and "reason" in bad.text
        ok = client.post(url, headers=HTML, follow_redirects=False,
                         data={"csrf": csrf(page), "decision": "rejected", "reason": "不宜修改"})
        assert ok.status_code == 303
        client.post(url, headers=HTML, data={"csrf": csrf(page), "confirm": "1"})
        table = assert_page(client.get("/releases/p1-cd/disposition", headers=HTML), 200, "意见汇总处理表")
        assert "不采纳" in table and "不宜修改" in table and "共收到 2 家单位的 2 条意见" in table
        xlsx = client.get("/releases/p1-cd/disposition.xlsx", headers=HTML)  # the signed-in reviewer's
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert client.get("/releases/p1-cd/disposition.pdf", headers=HTML).status_code == 404

    def test_disposition_table_is_not_public_before_publication(self, client, draft):
        assert client.get("/releases/p1-cd/disposition", headers=HTML).status_code == 403

    def test_reviewer_closes_and_reopens_from_the_standard_page(self, client, tokens, draft):
        sign_in(client, tokens["reviewer"])
        page = client.get("/standards/sfterms-1", headers=HTML).text
        client.post("/releases/p1-cd/comment-period/close", headers=HTML, data={"csrf": csrf(page)})
        page = client.get("/standards/sfterms-1", headers=HTML).text
        assert "已截止" in page and "重新开启" in page
        refused = client.post("/releases/p1-cd/comment-period/reopen", headers=HTML,
                              data={"csrf": csrf(page), "closes_on": "2099-12-31"})
        assert refused.status_code == 422
        client.post("/releases/p1-cd/comment-period/reopen", headers=HTML,
                    data={"csrf": csrf(page), "closes_on": "2099-12-31", "note": "延期"})
        assert "征求意见中" in client.get("/standards/sfterms-1", headers=HTML).text
