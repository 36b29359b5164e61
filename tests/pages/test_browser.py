"""The pages in a real browser: uvicorn on a free port over a seeded temporary SQLite database, driven
through Playwright with Debian's /usr/bin/chromium (scaffolding in tests/browser_support.py). Screenshots go to
test-artifacts/browser/."""

from collections.abc import Iterator

import pytest
from browser_support import BROWSER, api, seeded_env, shot, sign_in, token, uvicorn
from browser_support import browser as browser
from browser_support import page as page

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A migrated and seeded service on a free port, with an editor and a reviewer token."""
    env = seeded_env(tmp_path_factory, "browser-home")
    secrets = {role: token(env, f"browser-{role}", role) for role in ("editor", "reviewer")}
    with uvicorn(env) as base:
        yield {"base": base, **secrets}


def test_type_zq_and_pick_a_suggestion_with_the_keyboard(page):
    page.goto("/")
    box = page.get_by_role("combobox", name="检索术语")
    box.press_sequentially("zq", delay=80)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert any(text.startswith("证券") for text in options.all_inner_texts())
    shot(page, "01-suggestions-zq")
    target = next(i for i, text in enumerate(options.all_inner_texts()) if text.startswith("证券"))
    for _ in range(target + 1):
        box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/concepts/*")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("证券")
    assert page.locator("strong.preferred").count() == 1
    shot(page, "02-entry")


def test_search_page_without_javascript(browser, server):
    context = browser.new_context(base_url=server["base"], java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("检索术语").fill("证券")
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.hits li").count() > 0
    assert page.locator("ol.hits mark").count() > 0
    shot(page, "03-search-no-js")
    context.close()


def test_editor_edits_an_entry(page, server):
    sign_in(page, server["editor"])
    page.goto("/parts/1")
    page.locator(".tree a").first.click()
    page.wait_for_url("**/concepts/*")
    page.get_by_role("link", name="编辑").click()
    page.wait_for_url("**/edit")
    definition = page.get_by_label("中文定义")
    definition.fill(definition.input_value() + "（浏览器测试修订）")
    page.get_by_label("修改说明").fill("browser test")
    rows = page.locator("fieldset.term-row").count()
    page.get_by_role("button", name="增加术语").click()
    assert page.locator("fieldset.term-row").count() == rows + 1
    page.keyboard.type("浏览器新增术语")  # the new row's first field has the focus
    shot(page, "04-edit-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/concepts/*?saved=*")
    assert "（浏览器测试修订）" in page.locator("section.definition").inner_text()
    assert "浏览器新增术语" in page.locator("dl.designations").inner_text()
    assert page.get_by_role("status").first.inner_text().startswith("已保存修订")
    shot(page, "05-saved")


def test_edit_errors_are_inline_and_input_is_kept(page, server):
    sign_in(page, server["editor"])
    page.goto("/parts/2")
    page.locator(".tree a").first.click()
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("条目编号").fill("not a number")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_label("条目编号").input_value() == "not a number"
    assert page.locator("#err-entry_number").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    shot(page, "06-inline-errors")


def test_diff_of_two_releases(page, server):
    base, reviewer, editor = server["base"], server["reviewer"], server["editor"]
    api(base, "POST", "/api/v1/releases", reviewer, {"name": "2025.1", "stage": "published", "notes": "第一版"})
    first = api(base, "GET", "/api/v1/concepts?part=3&status=approved&limit=1", editor)["body"]["items"][0]
    etag = api(base, "GET", f"/api/v1/concepts/{first['id']}", editor)["etag"]
    api(base, "PATCH", f"/api/v1/concepts/{first['id']}", editor,
         {"definition": {"zh-CN": "第二版的定义。"}}, **{"If-Match": etag})
    api(base, "POST", "/api/v1/releases", reviewer, {"name": "2025.2", "stage": "published"})
    page.goto("/releases")
    page.get_by_label("从版本").select_option("2025.1")
    page.get_by_label("到版本").select_option("2025.2")
    page.get_by_role("button", name="比较").click()
    page.wait_for_url("**/releases/2025.1/diff/2025.2")
    changed = page.locator("section.diff-group-changed li.diff-changed")
    assert changed.count() >= 1
    assert "第二版的定义。" in changed.first.locator("ins").all_inner_texts()[0] or \
        any("第二版的定义。" in t for t in changed.first.locator("ins").all_inner_texts())
    shot(page, "07-release-diff")


def test_phone_width_has_no_sideways_scroll(browser, server):
    context = browser.new_context(base_url=server["base"], viewport={"width": 360, "height": 740},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path, name in (("/", "08-phone-home"), ("/parts/1", "09-phone-part")):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        shot(page, name)
    page.locator(".tree a").first.click()
    page.wait_for_url("**/concepts/*")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "10-phone-entry")
    context.close()


def test_keyboard_skip_link_and_404_page(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    response = page.goto("/concepts/99999999")
    assert response.status == 404 and "404" in page.title()
    shot(page, "11-not-found")
