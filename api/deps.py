"""Dependencies shared by routes: sessions, the acting token, request limits."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api import ratelimit
from registry.auth import Actor, Role, authenticate
from registry.database import get_engine
from registry.errors import InvalidInput, Unauthenticated
from registry.releases import service as releases
from registry.releases.models import SELECTORS, Release
from registry.settings import get_settings

bearer = HTTPBearer(auto_error=False, description="API token from `sfreg token create`")


def read_session() -> Iterator[Session]:
    """A request-scoped session for reads; never commits."""
    with Session(get_engine()) as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    """A session that commits after the route returns and before the response is sent, so a
    constraint error at commit still becomes an error response, never a false success."""
    if "release" in request.query_params:
        raise InvalidInput("?release= selects a frozen release for reading; writes always go to the live "
                           "working state", errors=[{"pointer": "/release", "detail": "not allowed on writes"}])
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
    on_commit = getattr(request.app.state, "on_commit", None)
    if on_commit is not None:
        on_commit()


SessionDep = Annotated[Session, Depends(read_session)]
WriteSessionDep = Annotated[Session, Depends(write_session, scope="function")]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _actor(session: Session, credentials: HTTPAuthorizationCredentials | None) -> Actor:
    if credentials is None:
        raise Unauthenticated("this request needs 'Authorization: Bearer <token>'")
    return authenticate(session, credentials.credentials)


def require(role: Role):
    def dependency(request: Request, session: SessionDep, credentials: Credentials) -> Actor:
        try:
            actor = _actor(session, credentials)
        except Unauthenticated:
            if credentials is not None:  # a wrong secret, like a failed sign-in, counts towards the back-off
                ratelimit.note_failure(request)
            raise
        actor.require(role)
        return actor
    dependency.__name__ = f"require_{role}"
    return dependency


async def reader(request: Request) -> Actor | None:
    """Reads are public unless SFREG_PUBLIC_READ=false; then any valid token may read. Async and free of
    sub-dependencies, so the public fast path costs neither a thread hop nor header parsing."""
    if get_settings().public_read:
        return None
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    credentials = HTTPAuthorizationCredentials(scheme=scheme, credentials=secret) if scheme.lower() == "bearer" \
        and secret else None
    return await run_in_threadpool(_authenticate_reader, credentials)


def _authenticate_reader(credentials: HTTPAuthorizationCredentials | None) -> Actor:
    with Session(get_engine()) as session:
        return _actor(session, credentials)


ReleaseQuery = Annotated[str | None, Query(
    max_length=60, description="read as of this release: a name, `latest` (newest published) or `latest-any` "
                               "(newest of any stage); default: the live working state")]


def release_cache_control(release: str | None) -> str | None:
    """A read of a named release is immutable and cached for a year; a selector's (latest, latest-any)
    target moves, so it is cached briefly."""
    if release is None:
        return None
    return "public, max-age=60" if release in SELECTORS else "public, max-age=31536000, immutable"


async def release_name(response: Response, release: ReleaseQuery = None) -> str | None:
    """The ?release= asked for, with its Cache-Control set."""
    if release is not None:
        response.headers["Cache-Control"] = release_cache_control(release)
    return release


ReleaseName = Annotated[str | None, Depends(release_name)]


def release_param(session: SessionDep, name: ReleaseName) -> Release | None:
    """Resolve ?release= to a release; NotFound or InvalidInput when it names none."""
    return None if name is None else releases.resolve(session, name)


ReleaseDep = Annotated[Release | None, Depends(release_param)]

EditorDep = Annotated[Actor, Depends(require(Role.editor))]
ReviewerDep = Annotated[Actor, Depends(require(Role.reviewer))]
AdminDep = Annotated[Actor, Depends(require(Role.admin))]

