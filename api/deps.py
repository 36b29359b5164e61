"""Dependencies shared by routes: sessions, the acting token, request limits."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from registry.auth import Actor, Role, authenticate
from registry.database import get_engine
from registry.errors import Unauthenticated
from registry.settings import get_settings

bearer = HTTPBearer(auto_error=False, description="API token from `sfreg token create`")


def read_session() -> Iterator[Session]:
    """A request-scoped session for reads; never commits."""
    with Session(get_engine()) as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    """A session that commits after the route returns and before the response is sent, so a
    constraint error at commit still becomes an error response, never a false success."""
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
    def dependency(session: SessionDep, credentials: Credentials) -> Actor:
        actor = _actor(session, credentials)
        actor.require(role)
        return actor
    dependency.__name__ = f"require_{role}"
    return dependency


def reader(session: SessionDep, credentials: Credentials) -> Actor | None:
    """Reads are public unless SFREG_PUBLIC_READ=false; then any valid token may read."""
    if get_settings().public_read:
        return None
    return _actor(session, credentials)


EditorDep = Annotated[Actor, Depends(require(Role.editor))]
ReviewerDep = Annotated[Actor, Depends(require(Role.reviewer))]
AdminDep = Annotated[Actor, Depends(require(Role.admin))]
