"""The term-check page in headless Chromium: marks without script, the tooltip on keyboard focus."""

from browser_support import BROWSER, no_script_page, shot
from browser_support import browser as browser
from browser_support import server as server

pytestmark = BROWSER


def test_paste_check_and_read_a_mark_without_javascript(browser, server):
    with no_script_page(browser, server["base"]) as page:
        page.goto("/check")
        page.get_by_label("文本").fill("投资者参与两融业务，即融资融券交易，不得爆仓。")
        page.get_by_role("button", name="检查", exact=True).click()
        page.wait_for_load_state()
        error = page.locator("a.term.lvl-error")
        assert error.count() == 1 and "爆仓" in error.inner_text()
        assert page.locator("a.term.lvl-info").count() == 1
        tip = page.locator("#" + error.get_attribute("aria-describedby"))
        assert not tip.is_visible()
        error.focus()
        assert tip.is_visible() and "强行平仓" in tip.inner_text()
        shot(page, "check-01-focus-tooltip")
        page.get_by_role("heading", name="应修改 (1)").wait_for()
        error.click()
        page.wait_for_url("**/concepts/*")
        assert "强行平仓" in page.get_by_role("heading", level=1).inner_text()
