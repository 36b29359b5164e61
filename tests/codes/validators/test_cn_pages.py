"""The validator page offers the China code kinds, decodes them in Chinese (English on ?lang=en) and shows
the ISIN ↔ security-code link; one run in headless Chromium without JavaScript."""

from __future__ import annotations

from browser_support import browser as browser
from browser_support import browser_test, no_script_page, shot
from browser_support import server as server

HTML = {"Accept": "text/html"}


class TestValidatePage:
    def test_the_kinds_are_offered_with_their_descriptions(self, client):
        body = client.get("/validate", headers=HTML).text
        for kind in ("cn_security", "cn_futures", "cn_option"):
            assert f'<option value="{kind}">' in body
        assert "北交所 920 代码切换" in body

    def test_security_code_shows_kind_and_isin_link(self, client, seeded_codes):
        body = client.get("/validate", params={"kind": "cn_security", "codes": "000005\n604000.SH"},
                          headers=HTML).text
        assert body.count('<tr class="ok">') == 1 and body.count('<tr class="bad">') == 1
        assert "主板A股" in body and 'href="/schemes/isin/CNE0000001L7"' in body
        assert "第 1–3 位应为SSE 的代码区间" in body

    def test_cfi_attributes_decode_in_the_page_language(self, client):
        zh = client.get("/validate", params={"kind": "cfi", "codes": "ESVUFR"}, headers=HTML).text
        en = client.get("/validate", params={"kind": "cfi", "codes": "ESVUFR", "lang": "en"}, headers=HTML).text
        assert "3 表决权: V 有表决权" in zh and "3 Voting right: V Voting" in en


# ---- one browser run -----------------------------------------------------------------------------------

@browser_test
def test_choose_option_kind_and_read_the_unified_form_without_javascript(browser, server):
    with no_script_page(browser, server["base"]) as page:
        page.goto("/validate")
        page.get_by_label("编码类型").select_option("cn_option")
        page.get_by_label("待校验代码").fill("m2501c3000\nIO2412-C-3900\n510050X2412M02500")
        page.get_by_label("时间").fill("2024-12-02")
        page.get_by_role("button", name="校验").click()
        page.wait_for_url("**/validate?*")
        text = page.locator("table.verdicts").inner_text()
        shot(page, "cn-option-validate")
    assert "DCE.M.202501.C.3000" in text and "CFFEX.IO.202412.C.3900" in text
    assert "第 7 位应为C 或 P" in text
