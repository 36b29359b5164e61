"""The pages in a real browser: uvicorn on a free port over a seeded temporary SQLite database, driven
through Playwright with Debian's /usr/bin/chromium. Screenshots go to test-artifacts/browser/."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at "
                                 "/usr/bin/chromium (make browser-deps installs it)")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sfreg(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "sfreg"), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer within 60 s: {log.read_text()[-3000:]}")


def _api(base: str, method: str, path: str, secret: str, body: dict | None = None, **headers: str) -> dict:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}",
                                              "Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {"body": json.loads(response.read() or b"null"), "etag": response.headers.get("ETag")}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A migrated and seeded service on a free port, with an editor and a reviewer token."""
    home = tmp_path_factory.mktemp("browser-home")
    env = {**os.environ, "SFREG_HOME": str(home), "SFREG_DATABASE_URL": f"sqlite:///{home / 'sfreg.db'}",
           "SFREG_INDEX_DIR": str(home / "index")}
    _sfreg(env, "db", "upgrade")
    _sfreg(env, "db", "seed")
    secrets = {role: _sfreg(env, "token", "create", "--name", f"browser-{role}", "--role", role).split()[-1]
               for role in ("editor", "reviewer")}
    port, log = _free_port(), home / "uvicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                                    "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                   env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield {"base": base, **secrets}
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(base_url=server["base"], locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, secret: str) -> None:
    page.goto("/signin")
    page.get_by_label("令牌").fill(secret)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


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
    _api(base, "POST", "/api/v1/releases", reviewer, {"name": "2025.1", "stage": "published", "notes": "第一版"})
    first = _api(base, "GET", "/api/v1/concepts?part=3&status=approved&limit=1", editor)["body"]["items"][0]
    etag = _api(base, "GET", f"/api/v1/concepts/{first['id']}", editor)["etag"]
    _api(base, "PATCH", f"/api/v1/concepts/{first['id']}", editor,
         {"definition": {"zh-CN": "第二版的定义。"}}, **{"If-Match": etag})
    _api(base, "POST", "/api/v1/releases", reviewer, {"name": "2025.2", "stage": "published"})
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
