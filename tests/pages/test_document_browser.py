"""The standard's text in a real browser: the release page's button opens the HTML version, a concept
diagram's box leads to its entry, and the part page's diagram leads to the entry's page. Screenshots go to
test-artifacts/browser/ (the PDF page images of tests/terms/document go to test-artifacts/document/)."""

from collections.abc import Iterator

import pytest
from browser_support import BROWSER, api, seeded_env, shot, token, uvicorn
from browser_support import browser as browser
from browser_support import page as page

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A seeded service holding release 2025.1 (a 征求意见稿 of part 1)."""
    env = seeded_env(tmp_path_factory, "document-browser")
    reviewer = token(env, "doc-reviewer", "reviewer")
    with uvicorn(env) as base:
        api(base, "POST", "/api/v1/releases", reviewer,
            {"name": "2025.1", "stage": "comment_draft", "scope": {"parts": [1]}})
        yield {"base": base}


def test_release_button_opens_the_html_version_and_a_diagram_box_its_entry(page):
    page.goto("/releases/2025.1")
    page.get_by_role("link", name="在线阅读").first.click()
    page.wait_for_url("**/standards/sfterms-1/document?release=2025.1")
    assert page.locator(".std-cover .std-stage").inner_text() == "（征求意见稿）"
    assert page.locator("[id='e-1.1.2'] .term .preferred").inner_text() == "银行间市场"
    index = page.locator("#std-index-pinyin").inner_text()
    assert "银行间市场 yínhángjiānshìchǎng" in index and "行情 hángqíng" in index
    shot(page, "10-standard-document", full_page=False)
    diagram = page.locator("figure[id='fig-1.1'] svg")
    diagram.scroll_into_view_if_needed()
    shot(page, "11-concept-diagram", full_page=False)
    diagram.locator("a").filter(has_text="1.1.4").click()
    page.wait_for_url("**#e-1.1.4")
    assert page.locator("[id='e-1.1.4']").is_visible()


def test_part_page_diagram_links_to_the_entry_page(page):
    page.goto("/parts/1")
    box = page.locator("section.diagrams figure svg a").filter(has_text="1.1.2")
    box.scroll_into_view_if_needed()
    shot(page, "12-part-diagram", full_page=False)
    box.click()
    page.wait_for_url("**/concepts/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("银行间市场")


def test_download_buttons_give_the_formats(page):
    page.goto("/standards/sfterms-1")
    with page.expect_download() as download:
        page.get_by_role("link", name="NISO STS XML").first.click()
    assert download.value.suggested_filename == "sfterms-1.sts.xml"
