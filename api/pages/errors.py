"""The HTML error page browsers get instead of problem+json (installed as api.problems.html_renderer)."""

import logging
import re
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.pages import i18n, render
from registry.errors import RegistryError

CONCEPT_PATH = re.compile(r"^/concepts/(\d+)(/|$)")
log = logging.getLogger("sfreg")


def render_error(request: Request, error: RegistryError) -> Response:
    """A page naming the error and what to do next; a bare page if even that cannot be rendered."""
    try:
        return _error_page(request, error)
    except Exception:  # the error page must never fail in turn
        log.exception("error page for %s failed", request.url.path)
        body = (f"<!doctype html><html lang=\"zh-CN\"><title>{error.status} {escape(error.title)}</title>"
                f"<h1>{error.status} {escape(error.title)}</h1><p>{escape(error.detail)}</p><a href=\"/\">/</a>")
        return HTMLResponse(body, status_code=error.status)


def _error_page(request: Request, error: RegistryError) -> Response:
    """A page naming the error and what to do next; the detail is user-facing text, escaped like any."""
    key = f"error.{error.status}"
    heading = i18n.translate(i18n.pick_lang(request), key) if key in i18n.MESSAGES else error.title
    context = {"error": error, "status": error.status, "heading": heading,
               "newer": _newer_revision(request, error),
               "signin_next": request.url.path if error.status == 401 else None}
    return render.page(request, "error.html", context, status=error.status)


def _newer_revision(request: Request, error: RegistryError) -> str | None:
    """For a stale edit (412) of a concept: the link to the revision that replaced the one edited."""
    match = CONCEPT_PATH.match(request.url.path)
    if error.status != 412 or match is None:
        return None
    return f"/concepts/{match.group(1)}"
