"""Render a page: the Jinja2 environment (autoescape on), the shared context and the security headers."""

import time
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.pages import i18n, signin

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Everything a page needs comes from this origin; no inline script or style is ever emitted.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@lru_cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["query_url"] = query_url
    env.filters["when"] = when
    env.filters["iso"] = iso
    return env


def page(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """Render `template` for this request's language and sign-in, with the security headers."""
    lang = i18n.pick_lang(request)
    values = {"request": request, "lang": lang, "actor": getattr(request.state, "actor", None),
              "t": lambda key, **kw: i18n.translate(lang, key, **kw), "csrf": signin.csrf_token(request),
              "switch_url": query_url(request, lang="zh" if lang == "en" else "en"), **context}
    response = HTMLResponse(environment().get_template(template).render(values), status_code=status,
                            headers=SECURITY_HEADERS)
    finish(request, response)
    return response


def finish(request: Request, response: Response) -> None:
    """Set the cookies this request decided on: a fresh CSRF token, a language chosen by `?lang=`."""
    signin.store_csrf(request, response)
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        response.set_cookie(i18n.LANG_COOKIE, asked, max_age=365 * 86400, samesite="lax",
                            secure=request.url.scheme == "https")


def when(value: Any) -> str:
    """A time as 'YYYY-MM-DD HH:MM' (UTC); a date as 'YYYY-MM-DD'; None as ''."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))


def query_url(request: Request, **changes: Any) -> str:
    """The current path with query parameters replaced by `changes` (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


class TimedRoute(APIRoute):
    """A route that reports its server time in a `Server-Timing` header (read by bench/pages.py)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def timed(request: Request) -> Response:
            start = time.perf_counter()
            response = await handler(request)
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.2f}"
            return response
        return timed
