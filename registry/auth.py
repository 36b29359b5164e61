"""API tokens and roles. Tokens are random 256-bit secrets; only their SHA-256 is stored.

A fast hash is right here (unlike passwords): the secret has full entropy, so it cannot be guessed
offline, and every request checks one.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, select

from registry.clock import utcnow
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated

TOKEN_PREFIX = "sfr_"  # noqa: S105  (a public prefix, not a secret)


class Role(StrEnum):
    """Roles are ranked: a reviewer may do what an editor may, an admin what a reviewer may. A commenter
    (a member firm's user, issued to a named organisation) only submits comments in a comment period."""

    commenter = "commenter"
    editor = "editor"
    reviewer = "reviewer"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    role: str = Field(max_length=20)
    token_hash: str = Field(unique=True, max_length=64)
    hint: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    organization: str | None = Field(default=None, max_length=200)  # 提出单位 of a commenter's comments


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does a write: the token's name and role."""

    name: str
    role: Role
    organization: str | None = None

    def require(self, role: Role) -> None:
        """Raise PermissionDenied unless this actor's role is `role` or ranks above it."""
        if self.role.rank < role.rank:
            raise PermissionDenied(f"role '{self.role}' may not do this; '{role}' or higher is required")


SYSTEM = Actor(name="system", role=Role.admin)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, name: str, role: str, organization: str | None = None) -> tuple[ApiToken, str]:
    """Store a new token for `name`; return it with the secret, which is shown once and never stored.
    A commenter's token is issued to an organisation (default: the token's name)."""
    if role not in Role.__members__:
        raise InvalidInput(f"unknown role '{role}'; use one of {', '.join(Role)}")
    if not name.strip():
        raise InvalidInput("token name must not be empty")
    if session.exec(select(ApiToken).where(ApiToken.name == name)).first():
        raise Conflict(f"a token named '{name}' already exists")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    organization = " ".join((organization or "").split())[:200] or (name.strip() if role == Role.commenter else None)
    token = ApiToken(name=name, role=role, token_hash=hash_token(secret), hint=secret[:10],
                     organization=organization)
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, name: str) -> ApiToken:
    """Mark the token `name` revoked; raise NotFound."""
    token = session.exec(select(ApiToken).where(ApiToken.name == name)).first()
    if token is None:
        raise NotFound(f"no token named '{name}'")
    token.revoked_at = token.revoked_at or utcnow()
    session.flush()
    return token


def authenticate(session: Session, secret: str) -> Actor:
    """Return the actor behind a bearer secret; raise Unauthenticated when unknown or revoked."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    if token is None or token.revoked_at is not None:
        raise Unauthenticated("the bearer token is unknown or revoked")
    return actor_of(token)


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The live (unrevoked) token whose secret is `secret`, or None."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    return token if token is not None and token.revoked_at is None else None


def actor_of(token: ApiToken) -> Actor:
    """The actor a stored token stands for (also used by registry/sessions.py for signed-in pages)."""
    return Actor(name=token.name, role=Role(token.role), organization=token.organization)
