"""Sign-in sessions of the pages: the browser holds a random session id, never the API token.

Only the id's SHA-256 is stored (a fast hash suffices: the id has 256 bits of entropy), with the token it
was opened with and an expiry. A session counts only while its token is unrevoked, so revoking a token ends
its sessions at once; revoked and expired rows are swept whenever a session is opened.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Field, Session, SQLModel, select

from registry.auth import Actor, ApiToken, actor_of, find_token
from registry.clock import utcnow


class SigninSession(SQLModel, table=True):
    __tablename__ = "signin_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, max_length=64)
    token_id: int = Field(foreign_key="api_token.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(session: Session, secret: str, *, hours: float) -> tuple[Actor, str] | None:
    """Open a session for the API token `secret`; return its actor and the new session id (shown to the
    browser only), or None when the token is unknown or revoked."""
    token = find_token(session, secret) if secret else None
    if token is None:
        return None
    _sweep(session)
    session_id = secrets.token_urlsafe(32)
    session.add(SigninSession(session_hash=_hash(session_id), token_id=token.id,
                              expires_at=utcnow() + timedelta(hours=hours)))
    session.flush()
    return actor_of(token), session_id


def find_actor(session: Session, session_id: str) -> Actor | None:
    """The actor of a live session (unexpired, token unrevoked), or None."""
    row = session.exec(select(ApiToken).join(SigninSession, SigninSession.token_id == ApiToken.id)
                       .where(SigninSession.session_hash == _hash(session_id),
                              SigninSession.expires_at > utcnow(), ApiToken.revoked_at.is_(None))).first()
    return None if row is None else actor_of(row)


def close_session(session: Session, session_id: str) -> None:
    """Delete the session (sign-out); nothing happens when it does not exist."""
    session.execute(delete(SigninSession).where(SigninSession.session_hash == _hash(session_id)))
    session.flush()


def _sweep(session: Session) -> None:
    """Delete expired sessions and those of revoked tokens."""
    revoked = select(ApiToken.id).where(ApiToken.revoked_at.is_not(None))
    session.execute(delete(SigninSession).where(or_(SigninSession.expires_at <= utcnow(),
                                                    SigninSession.token_id.in_(revoked))))
