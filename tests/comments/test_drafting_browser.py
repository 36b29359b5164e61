"""The drafting loop in real headless Chromium, without JavaScript: a member firm comments under an entry,
the reviewer closes the period, the editor proposes a disposition, the reviewer confirms it, and the
disposition table shows it. Scaffolding in tests/browser_support.py; screenshots in test-artifacts/."""

from collections.abc import Iterator

import pytest
from browser_support import BROWSER, api, no_script_page, seeded_env, shot, sign_in, token, uvicorn
from browser_support import browser as browser

ORG = "甲证券股份有限公司"

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A seeded service with a 征求意见稿 of part 1 open for comments, and one token per role."""
    env = seeded_env(tmp_path_factory, "drafting-home")
    secrets = {role: token(env, f"drafting-{role}", role) for role in ("editor", "reviewer")}
    secrets["commenter"] = token(env, "drafting-member", "commenter", "--organization", ORG)
    with uvicorn(env) as base:
        api(base, "POST", "/api/v1/releases", secrets["reviewer"],
            {"name": "p1-cd", "stage": "comment_draft", "standard": "sfterms-1"})
        api(base, "POST", "/api/v1/comment-periods", secrets["reviewer"],
            {"release": "p1-cd", "closes_on": "2099-12-31"})
        entry = api(base, "GET", "/api/v1/concepts?part=1&status=approved&limit=1",
                    secrets["editor"])["body"]["items"][0]
        yield {"base": base, "entry": str(entry["id"]), **secrets}


def test_comment_dispose_and_table_without_javascript(browser, server):
    with no_script_page(browser, server["base"]) as page:
        sign_in(page, server["commenter"])
        page.goto("/standards/sfterms-1")
        assert "距截止还有" in page.locator("strong.countdown").first.inner_text()
        shot(page, "20-standard-page")
        page.goto(f"/concepts/{server['entry']}")
        page.get_by_role("link", name="条目意见").click()
        page.get_by_label("意见类型").select_option("technical")
        page.get_by_label("意见内容").fill("定义宜补充适用范围。")
        page.get_by_label("修改建议").fill("增加“在证券期货业中”。")
        page.get_by_role("button", name="提交意见").click()
        page.wait_for_url("**/comments?sent=1*")
        assert page.get_by_role("status").inner_text() == "已提交意见 #1。"
        assert ORG in page.locator("ol.comments").inner_text()
        shot(page, "21-entry-comment-sent")

    with no_script_page(browser, server["base"]) as page:
        sign_in(page, server["reviewer"])
        page.goto("/standards/sfterms-1")
        page.get_by_role("button", name="立即截止").click()
        page.wait_for_url("**/standards/sfterms-1*")
        assert "已截止" in page.locator("#periods").inner_text()
        page.goto("/releases/p1-cd/comments")
        form = page.locator("form.disposition").first
        form.get_by_label("处理意见").select_option("rejected")
        form.get_by_label("理由").fill("适用范围已在第1章规定。")
        form.get_by_role("button", name="提出处理意见").click()
        page.wait_for_url("**/releases/p1-cd/comments*")
        assert "待确认" in page.locator("ol.comments").inner_text()
        page.locator("form.disposition").first.get_by_role("button", name="确认", exact=True).click()
        page.wait_for_url("**/releases/p1-cd/comments*")
        assert "已确认" in page.locator("ol.comments").inner_text()
        page.get_by_role("link", name="意见汇总处理表").first.click()
        row = page.locator("table.disposition tbody tr").first.inner_text()
        assert "不采纳" in row and "适用范围已在第1章规定。" in row
        assert "共收到 1 家单位的 1 条意见" in page.locator("p.summary").inner_text()
        shot(page, "22-disposition-table")
