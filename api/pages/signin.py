"""Sign-in for the pages (an API token kept in a cookie) and CSRF protection for every form post.

The token lives in the `sfreg_token` cookie: HttpOnly (no script can read it), SameSite=Strict (no other
site's page makes the browser send it) and Secure when the page is served over https. It is checked
against the token table on every request, so revoking a token signs its browser out.

CSRF: every POST from a page passes two independent checks.
1. Origin: when the browser sends `Origin` (or, lacking it, `Referer`), its host must be this host.
2. Double submit: the hidden `csrf` field must equal the `sfreg_csrf` cookie, a random value set by the
   page that rendered the form. Another site can neither read that cookie nor make the browser send it.
"""

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import SessionDep
from registry.auth import Actor, Role, authenticate
from registry.errors import PermissionDenied, Unauthenticated
from registry.settings import get_settings

TOKEN_COOKIE = "sfreg_token"  # noqa: S105 (a cookie name, not a secret)
CSRF_COOKIE = "sfreg_csrf"
CSRF_FIELD = "csrf"


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: the cookie's value, or a new one that the response will set."""
    token = getattr(request.state, "csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE, "")
        if len(token) < 32:
            token, request.state.csrf_new = secrets.token_urlsafe(32), True
        request.state.csrf = token
    return token


def store_csrf(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")


def check_csrf(request: Request, form: FormData) -> None:
    """Raise PermissionDenied unless the post comes from this site's own form."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed and claimed != "null" and urlsplit(claimed).netloc != request.headers.get("host"):
        raise PermissionDenied(f"form posted from another site ({claimed[:100]}); reload the page and retry")
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), form.get(CSRF_FIELD)
    if not cookie or not isinstance(field, str) or not secrets.compare_digest(cookie, field):
        raise PermissionDenied("the form's security token is missing or expired; reload the page and retry")


async def checked_form(request: Request) -> FormData:
    """The posted form, after the CSRF checks."""
    form = await request.form()
    check_csrf(request, form)
    return form


def remember_token(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(TOKEN_COOKIE, secret, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)


def forget_token(response: Response) -> None:
    response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")


def find_actor(session: Session, request: Request) -> Actor | None:
    """The actor behind the sign-in cookie, or None (no cookie, or a revoked or unknown token)."""
    secret = request.cookies.get(TOKEN_COOKIE)
    if not secret:
        return None
    try:
        return authenticate(session, secret)
    except Unauthenticated:
        return None


def page_actor(request: Request, session: SessionDep) -> Actor | None:
    """Dependency of every page: who is signed in (shown in the header); enforces SFREG_PUBLIC_READ."""
    request.state.actor = find_actor(session, request)
    if request.state.actor is None and not get_settings().public_read and not _is_signin(request):
        raise Unauthenticated("sign in with your token to read this registry")
    return request.state.actor


def _is_signin(request: Request) -> bool:
    return request.url.path in ("/signin", "/signout")


def signed_in(role: Role):
    """Dependency: the signed-in actor holding at least `role`; raise Unauthenticated or PermissionDenied."""
    def dependency(actor: Annotated[Actor | None, Depends(page_actor)]) -> Actor:
        if actor is None:
            raise Unauthenticated("sign in with an editor, reviewer or admin token to change entries")
        actor.require(role)
        return actor
    return dependency


PageActor = Annotated[Actor | None, Depends(page_actor)]
PageEditor = Annotated[Actor, Depends(signed_in(Role.editor))]
CheckedForm = Annotated[FormData, Depends(checked_form)]
