"""Helpers shared by the tests (importable as `support`; pytest puts tests/ on the path)."""


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    """The one check for every error path: status, RFC 9457 media type and shape, and slug."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if slug is not None:
        assert body["type"].endswith("/" + slug), body["type"]
    return body
