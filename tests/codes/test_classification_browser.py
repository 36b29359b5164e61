"""The classification tree in real headless Chromium: branches open and close with a click (plain
<details>, no script), a node page names its path, pinyin search finds nodes. Server, browser and page
fixtures are tests/browser_support.py's (a seeded server with the samples)."""

from browser_support import BROWSER, shot
from browser_support import browser as browser
from browser_support import page as page
from browser_support import server as server

pytestmark = BROWSER


def test_open_a_branch_then_its_node_page(page):
    page.goto("/schemes/investor-sample/tree")
    leaf = page.locator("span.leaf", has_text="20101 证券公司")
    assert not leaf.is_visible()  # level 3 is folded inside its division
    page.locator("summary", has_text="201 金融机构").click()
    leaf.wait_for(state="visible")
    shot(page, "classification-tree-open")
    page.locator("summary", has_text="201 金融机构").click()
    leaf.wait_for(state="hidden")
    page.goto("/schemes/investor-sample/tree?q=qhgs")
    page.locator("ul.matches").get_by_role("link", name="20103").click()
    page.wait_for_url("**/tree/20103")
    assert "期货公司" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("navigation", name="breadcrumb").get_by_text("201 金融机构").is_visible()
