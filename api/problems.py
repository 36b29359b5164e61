"""The one place errors become responses: RFC 9457 problem+json for the API, an HTML page for browsers."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry import writes
from registry.errors import ALL_ERRORS, InternalError, InvalidInput, MethodNotAllowed, NotFound, RegistryError

log = logging.getLogger("sfreg")
PROBLEM_TYPE_BASE = "https://sfreg.example/problems/"
PROBLEM_JSON = "application/problem+json"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# Renders an HTML error page for browser requests; api/pages installs it. Kept as a hook so that this
# module does not depend on the page layer.
html_renderer: Any = None


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_body(status: int, slug: str, title: str, detail: str, instance: str,
                 **extensions: Any) -> dict[str, Any]:
    return {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail,
            "instance": instance, **extensions}


def render(request: Request, error: RegistryError, headers: dict[str, str] | None = None) -> Response:
    if html_renderer is not None and wants_html(request):
        return html_renderer(request, error)
    body = problem_body(error.status, error.slug, error.title, error.detail, request.url.path,
                        **error.extensions)
    return ProblemResponse(jsonable_encoder(body), status_code=error.status, headers=headers)


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith("/api/") and "text/html" in accept


def problems(*errors: type[RegistryError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry documenting the problem types a route can answer with."""
    out: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        out[error.status] = {"description": error.title, "content": {PROBLEM_JSON: {"schema": {
            "$ref": "#/components/schemas/Problem"}}}}
    return out


def _pointer(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location[1:]] if location and location[0] == "body" else [str(p) for p in location]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for item in error.errors():
        entry = {"pointer": _pointer(tuple(item.get("loc", ()))), "detail": item.get("msg", "")}
        if "input" in item and not isinstance(item["input"], (dict, list)) and item["input"] is not None:
            entry["value"] = str(item["input"])[:200]
        out.append(entry)
    return out


async def on_registry_error(request: Request, error: RegistryError) -> Response:
    return render(request, error)


async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
    errors = _validation_errors(error)
    detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors)[:1000]
    return render(request, InvalidInput(detail or "invalid request", errors=errors))


async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
    if error.status_code == 404:
        return render(request, NotFound(f"no route matches {request.method} {request.url.path}"))
    if isinstance(error.__cause__, RegistryError):  # raised while the body was read (a 413 from api/limits.py)
        return render(request, error.__cause__)
    if error.status_code == 405:
        allowed = allowed_methods(request)
        return render(request, MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}; "
                                                f"allowed: {allowed}"), headers={"Allow": allowed})
    if error.status_code == 400:
        return render(request, InvalidInput(f"the request body could not be parsed ({error.detail}); "
                                            "send UTF-8 encoded JSON", errors=[{"pointer": "/", "detail":
                                                                                "unparsable body"}]))
    known = {cls.status: cls for cls in ALL_ERRORS}
    cls = known.get(error.status_code, RegistryError)
    instance = cls(str(error.detail))
    instance.status = error.status_code
    return render(request, instance, headers=dict(error.headers or {}))


async def on_integrity_error(request: Request, error: IntegrityError) -> Response:
    """A constraint that no service turned into a precise answer (one checked at commit): 409 or 412,
    worded from the constraint's table and columns, never the database's own text."""
    return render(request, writes.refused(writes.violation(error), "the current state"))


def allowed_methods(request: Request) -> str:
    """Every method the app answers on this path: Starlette's 405 names only the first matching route's,
    while GET and POST /concepts, say, are two routes (each route, or included router, is asked)."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    return ", ".join(method for method in METHODS
                     if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes))


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return render(request, InternalError("an unexpected error occurred; it has been logged"))


class AnswerUnexpected:
    """Answer an exception no handler took with a 500 problem, logged here once. (Starlette's outermost
    middleware also answers it, but then re-raises it to the server, which logs it a second time.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            if started:  # too late to answer: the server logs it and closes the connection
                raise
            response = await on_unexpected(Request(scope, receive), error)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RegistryError, on_registry_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(IntegrityError, on_integrity_error)
    app.add_exception_handler(Exception, on_unexpected)  # for errors outside AnswerUnexpected (middleware)
    app.add_middleware(AnswerUnexpected)  # the first added, so the innermost middleware
