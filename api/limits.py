"""Request body size limits, enforced while the body streams in (413 before it is all read)."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, PROBLEM_TYPE_BASE
from registry.errors import TooLarge


class BodyLimit:
    """Reject bodies over `default` bytes (`upload` bytes under `upload_prefix`, or the limit `paths` gives
    a path starting with one of its keys) with problem+json 413."""

    def __init__(self, app: ASGIApp, *, default: int, upload: int, upload_prefix: str,
                 paths: dict[str, int] | None = None) -> None:
        self.app, self.default, self.upload, self.upload_prefix = app, default, upload, upload_prefix
        self.paths = paths or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload if scope["path"].startswith(self.upload_prefix) else self._limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, scope["path"], limit)
            return
        await self.app(scope, _counting(receive, limit), send)

    def _limit(self, path: str) -> int:
        return next((limit for prefix, limit in self.paths.items() if path.startswith(prefix)), self.default)


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise TooLarge(f"request body exceeds the limit of {limit} bytes")
        return message
    return wrapped


async def _reject(send: Send, path: str, limit: int) -> None:
    body = json.dumps({"type": PROBLEM_TYPE_BASE + TooLarge.slug, "title": TooLarge.title, "status": 413,
                       "detail": f"request body exceeds the limit of {limit} bytes", "instance": path}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
