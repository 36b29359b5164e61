"""Scaffolding of the browser tests (importable as `browser_support`): the service in uvicorn on a free port over
a seeded temporary SQLite database, set up through the `sfreg` CLI and the API with bearer tokens, driven by
Playwright with Debian's /usr/bin/chromium. Screenshots go to test-artifacts/browser/.

A module of browser tests sets `pytestmark = BROWSER` and takes the fixtures it needs with
`from browser_support import browser as browser` (the `as` re-exports them to pytest); a module that needs its
own data defines its own `server` from `seeded_env`, `token`, `uvicorn` and `api`.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}

BROWSER = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
           pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at "
                              "/usr/bin/chromium (make browser-deps installs it)")]


def browser_test(test: Callable) -> Callable:
    """BROWSER's marks on one test (for a module that also holds tests without a browser)."""
    for mark in BROWSER:
        test = mark(test)
    return test


# ---- the service -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sfreg(env: dict[str, str], *args: str) -> str:
    """Run the `sfreg` CLI of this environment; its standard output."""
    done = subprocess.run([str(Path(sys.executable).parent / "sfreg"), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout


def token(env: dict[str, str], name: str, role: str, *options: str) -> str:
    """A new bearer secret made with `sfreg token create` (options such as "--organization", ORG)."""
    return sfreg(env, "token", "create", "--name", name, "--role", role, *options).split()[-1]


def seeded_env(tmp_path_factory, name: str) -> dict[str, str]:
    """The environment of a fresh home (named `name`) whose SQLite database is migrated and seeded with the
    samples (`sfreg db upgrade`, `sfreg db seed --samples`)."""
    home = tmp_path_factory.mktemp(name)
    env = {**os.environ, "SFREG_HOME": str(home), "SFREG_DATABASE_URL": f"sqlite:///{home / 'sfreg.db'}",
           "SFREG_INDEX_DIR": str(home / "index")}
    sfreg(env, "db", "upgrade")
    sfreg(env, "db", "seed", "--samples")
    return env


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
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


@contextmanager
def uvicorn(env: dict[str, str]) -> Iterator[str]:
    """The service in uvicorn on a free port over `env`'s database, answering /healthz; yields its base URL and
    stops it at the end. Its log is uvicorn.log in the home folder."""
    port, log = free_port(), Path(env["SFREG_HOME"]) / "uvicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                                    "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                   env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def api(base: str, method: str, path: str, secret: str, body: dict | None = None, **headers: str) -> dict:
    """One JSON API call with a bearer secret: {"body": the decoded answer, "etag": its ETag}."""
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}",
                                              "Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {"body": json.loads(response.read() or b"null"), "etag": response.headers.get("ETag")}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A migrated service seeded with the samples, on a free port: {"base": its URL}."""
    with uvicorn(seeded_env(tmp_path_factory, "browser-samples")) as base:
        yield {"base": base}


# ---- the browser -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, for the tests of one module."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    """A desktop page (zh-CN, 1280×900) on the module's `server`; its last state is screenshotted as
    <test>-last.png."""
    context = browser.new_context(base_url=server["base"], **DESKTOP)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()


@contextmanager
def no_script_page(browser, base: str) -> Iterator:
    """A desktop page (zh-CN, 1280×900) on `base` with JavaScript off, in a context of its own closed at the end."""
    context = browser.new_context(base_url=base, java_script_enabled=False, **DESKTOP)
    yield context.new_page()
    context.close()


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def sign_in(page, secret: str) -> None:
    page.goto("/signin")
    page.get_by_label("令牌").fill(secret)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
