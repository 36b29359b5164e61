"""Operating the HTTP service (issue 11 items 3, 4 and 12): /docs without a CDN, chunked bodies over the limit
are 413, a 405 names every allowed method, and an unexpected error is answered and logged once."""

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from support import assert_problem, bearer

from registry.settings import get_settings


def chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    """The body as a generator: the client sends it chunked, with no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


class TestDocs:
    @pytest.mark.parametrize("page", ["/docs", "/redoc"])
    def test_the_docs_load_only_local_assets_and_they_answer(self, client, page):
        response = client.get(page)
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", response.text)
        urls += re.findall(r"""(?:url|spec-url)\s*:\s*["']([^"']+)["']""", response.text)
        assert urls, response.text
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url} from elsewhere"
            assert client.get(url).status_code == 200, url
        assert "cdn." not in response.text and "https://" not in response.text.replace("https://sfreg", "")


class TestLimits:
    @pytest.fixture
    def small_client(self, engine, seeded, monkeypatch):
        monkeypatch.setenv("SFREG_MAX_BODY_BYTES", "2000")
        monkeypatch.setenv("SFREG_MAX_UPLOAD_BYTES", "3000")
        get_settings.cache_clear()
        from api.app import create_app
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            yield client

    def test_a_chunked_json_body_over_the_limit_is_413(self, small_client, tokens):
        big = b'{"part": 3, "notes": ["' + b"x" * 5000 + b'"]}'
        headers = {**bearer(tokens["editor"]), "content-type": "application/json"}
        response = small_client.post("/api/v1/concepts", content=chunks(big), headers=headers)
        assert "content-length" not in response.request.headers
        assert_problem(response, 413, "too-large")
        patched = small_client.patch("/api/v1/concepts/1", content=chunks(big),
                                     headers={**headers, "If-Match": '"c1.r1"'})
        assert_problem(patched, 413, "too-large")

    def test_a_chunked_multipart_upload_over_the_limit_is_413(self, small_client, tokens):
        boundary = "sfregboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + b"x,y\r\n" * 2000 + f"\r\n--{boundary}--\r\n".encode()
        response = small_client.post("/api/v1/imports/terms", content=chunks(body),
                                     headers={**bearer(tokens["editor"]),
                                              "content-type": f"multipart/form-data; boundary={boundary}"})
        assert_problem(response, 413, "too-large")


class TestMethodNotAllowed:
    def test_405_allows_every_method_of_the_path(self, client, tokens):
        response = client.delete("/api/v1/concepts", headers=bearer(tokens["admin"]))
        assert_problem(response, 405)
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert {"GET", "POST"} <= allowed and "DELETE" not in allowed


class TestUnexpectedErrors:
    @pytest.fixture
    def failing_app(self, engine, seeded):
        from api.app import create_app
        app = create_app()

        def boom() -> dict:
            raise RuntimeError("the disk caught fire")
        app.router.routes.insert(0, APIRoute("/api/v1/boom", boom, methods=["GET"]))
        return app

    def test_a_500_is_answered_logged_once_and_not_raised_to_the_server(self, failing_app, caplog):
        caplog.set_level(logging.ERROR)
        # raise_server_exceptions=True: an exception leaving the app is what the server logs a second time.
        with TestClient(failing_app, raise_server_exceptions=True) as client:
            response = client.get("/api/v1/boom")
        problem = assert_problem(response, 500)
        assert "fire" not in problem["detail"]
        logged = [r for r in caplog.records if r.exc_info and "fire" in str(r.exc_info[1])]
        assert len(logged) == 1
