"""Refuse the NUL character (U+0000) anywhere in a request's text — path, query parameters, JSON and form
bodies — with one 422 naming where it is, before any route or database sees it (registry.texts says why).

A pure ASGI middleware: a request without NUL costs two byte scans; only JSON and form bodies are read
ahead (they are small: BodyLimit caps them), multipart uploads stream on to the importers, which check
every row of the file themselves.
"""

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from registry import texts
from registry.errors import InvalidInput, RegistryError

TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")
NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})
NUL = texts.NUL


class NulGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope["query_string"]
        # inline: the validation GET's hot path pays three byte scans here and nothing else
        errors = _in_url(scope) if NUL in scope["path"] or b"%00" in query or b"\x00" in query else None
        if not errors and scope["method"] not in NO_BODY and _text_body(scope):
            try:
                body = await _read(receive)
            except RegistryError as error:  # the body limit, raised while reading
                await problems.render(Request(scope), error)(scope, receive, send)
                return
            errors = _in_body(scope, body)
            receive = _replay(body, receive)
        if errors:
            detail = "; ".join(e["detail"] for e in errors)
            await problems.render(Request(scope), InvalidInput(detail, errors=errors))(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _in_url(scope: Scope) -> list[dict[str, Any]]:
    errors = []
    if texts.NUL in scope["path"]:
        errors.append({"pointer": "/path", "detail": texts.nul_detail("the path")})
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if texts.NUL in name + value:
                shown = texts.printable((name,))
                errors.append({"pointer": f"/query/{shown}", "detail": texts.nul_detail(f"query parameter {shown}")})
    return errors


def _text_body(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return content_type in TEXT_BODIES or content_type.endswith(b"+json")


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read ahead, then the original channel (a streaming response listens on it for a
    disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replay


def _in_body(scope: Scope, body: bytes) -> list[dict[str, Any]]:
    if b"\\u0000" not in body and b"%00" not in body and b"\x00" not in body:
        return []
    if _text_body(scope) and b"json" in dict(scope["headers"]).get(b"content-type", b""):
        try:
            document = json.loads(body)
        except ValueError:
            return []  # not JSON: the route answers that
        paths = list(texts.nul_paths(document))
    else:
        fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        paths = [(name,) for name, value in fields if texts.NUL in name + value]
    return [{"pointer": "/" + texts.printable(p), "detail": texts.nul_detail(f"/{texts.printable(p)}")}
            for p in paths]
