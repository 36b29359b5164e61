"""Checks every domain's writes share: lifecycle edges by role, If-Match freshness, constraint conflicts."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from registry.auth import Role
from registry.errors import Conflict, InvalidInput, PermissionDenied, PreconditionFailed, PreconditionRequired

Transitions = dict[tuple[str, str], Role]


def require_transition(transitions: Transitions, noun: str, current: str, target: str, role: Role) -> None:
    """Raise InvalidInput for an edge that does not exist, PermissionDenied for one the role may not take."""
    needed = transitions.get((current, target))
    if needed is None:
        allowed = sorted(to for (frm, to) in transitions if frm == current)
        raise InvalidInput(f"cannot move a {noun} from '{current}' to '{target}'; allowed: "
                           f"{', '.join(allowed) or 'none'}", errors=[{"pointer": "/to", "detail": target}])
    if role.rank < needed.rank:
        raise PermissionDenied(f"moving a {noun} from '{current}' to '{target}' needs role '{needed}'")


def require_fresh(etag: str, if_match: str | None, *, required: bool, what: str, revision: int) -> None:
    """Raise PreconditionRequired when If-Match is required and absent, PreconditionFailed when it names
    neither the current ETag nor `*`."""
    if if_match is None:
        if required:
            raise PreconditionRequired(f"send If-Match: {etag} (the ETag of the revision you edited)")
        return
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if etag not in candidates and "*" not in candidates:
        raise PreconditionFailed(f"{what} is at revision {revision} ({etag}); your If-Match {if_match} is stale",
                                 current_revision=revision)


def flush_or_conflict(session: Session, what: str) -> None:
    """Flush; a constraint the database enforces becomes a 409 naming `what` it conflicts with."""
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(f"the change conflicts with {what}: {error.orig}") from None
