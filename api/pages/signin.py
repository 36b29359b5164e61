"""Sign-in for the pages (a server-side session) and CSRF protection for every form post.

Signing in with an API token opens a session (registry/sessions.py): the `sfreg_session` cookie holds its
random id, never the token, and the database only the id's hash. The cookie is HttpOnly (no script can read
it), SameSite=Strict (no other site's page makes the browser send it) and Secure over https. The session is
checked on every request: it ends when it expires, when its token is revoked, or at sign-out (deleted).
Failed sign-ins count towards the IP's back-off (api/ratelimit.py).

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

from api import ratelimit
from api.deps import SessionDep
from registry import sessions
from registry.auth import Actor, Role
from registry.errors import PermissionDenied, Unauthenticated
from registry.settings import get_settings

SESSION_COOKIE = ratelimit.SESSION_COOKIE
LEGACY_COOKIE = "sfreg_token"  # older versions kept the raw token in this cookie
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


def sign_in(session: Session, request: Request, response: Response, secret: str) -> Actor | None:
    """Open a session for the token `secret` and set its cookie on `response`; None when the token is
    unknown or revoked (a failed sign-in, counted towards this IP's back-off)."""
    opened = sessions.open_session(session, secret, hours=get_settings().session_hours)
    if opened is None:
        ratelimit.note_failure(request)
        return None
    ratelimit.note_success(request)
    actor, session_id = opened
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=int(get_settings().session_hours * 3600))
    response.delete_cookie(LEGACY_COOKIE, path="/", httponly=True, samesite="strict")
    return actor


def sign_out(session: Session, request: Request, response: Response) -> None:
    """End this browser's session (deleted from the database) and clear its cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        sessions.close_session(session, session_id)
    for name in (SESSION_COOKIE, LEGACY_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="strict")


def find_actor(session: Session, request: Request) -> Actor | None:
    """The actor behind the session cookie, or None (no cookie; an unknown, expired or revoked session)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    return sessions.find_actor(session, session_id) if session_id else None


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
