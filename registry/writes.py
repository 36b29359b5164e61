"""Checks every domain's writes share: lifecycle edges by role, If-Match freshness, constraint conflicts.

A constraint the database enforces (the backstop of checks made in Python, and the only check that holds
when two writers race) is read into a `Violation` — kind, table, columns — from the driver's structured
fields (PostgreSQL) or its fixed message shape (SQLite), so that each domain can answer precisely and no
database text ever reaches a user.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from registry.auth import Role
from registry.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    RegistryError,
)

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


@dataclass(frozen=True)
class Violation:
    """Which constraint refused a write: `kind` is unique, foreign_key, not_null, check or other."""

    kind: str
    table: str | None = None
    columns: tuple[str, ...] = ()

    def is_revision_clash(self) -> bool:
        """Two writers appended the same revision number: the loser's If-Match (or read) was stale."""
        return self.kind == "unique" and bool(self.table) and str(self.table).endswith("_revision") \
            and set(self.columns) == {"entity_id", "rev"}


_PG_KINDS = {"23505": "unique", "23503": "foreign_key", "23502": "not_null", "23514": "check"}
_SQLITE_KINDS = {"UNIQUE": "unique", "FOREIGN KEY": "foreign_key", "NOT NULL": "not_null", "CHECK": "check",
                 "PRIMARY KEY": "unique"}
_SQLITE_MESSAGE = re.compile(r"^(UNIQUE|FOREIGN KEY|NOT NULL|CHECK|PRIMARY KEY) constraint failed(?:: (.*))?$")
_PG_KEY = re.compile(r"^Key \((.*?)\)=")


def violation(error: IntegrityError) -> Violation:
    """The Violation an IntegrityError reports (PostgreSQL: sqlstate and diagnostics; SQLite: its message)."""
    orig = error.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:
        kind = _PG_KINDS.get(getattr(orig, "sqlstate", "") or "", "other")
        key = _PG_KEY.match(diag.message_detail or "")
        columns = tuple(c.strip() for c in key.group(1).split(",")) if key else \
            ((diag.column_name,) if diag.column_name else ())
        return Violation(kind, diag.table_name, columns)
    found = _SQLITE_MESSAGE.match(str(orig))
    if found is None:
        return Violation("other")
    names = [n.strip() for n in (found.group(2) or "").split(",") if "." in n]
    table = names[0].split(".", 1)[0] if names else None
    return Violation(_SQLITE_KINDS[found.group(1)], table, tuple(n.split(".", 1)[1] for n in names))


def refused(found: Violation, what: str) -> RegistryError:
    """The answer to a violation no domain explained more precisely: a revision clash is a stale
    precondition (412), anything else a conflict with `what` (409), worded without database text."""
    if found.is_revision_clash():
        return PreconditionFailed(f"{what} was changed by another request at the same time; read it again "
                                  "and send its new ETag in If-Match")
    subject = f"{found.table} ({', '.join(found.columns)})" if found.table and found.columns else \
        found.table or "a stored row"
    wording = {"unique": f"the same value is already stored for {subject}",
               "foreign_key": "it refers to a row that does not exist or is still referred to",
               "not_null": f"a required value is missing for {subject}"}
    return Conflict(f"the change conflicts with {what}: {wording.get(found.kind, 'a database rule refused it')}")


Explain = Callable[[Violation], RegistryError | None]


@contextmanager
def conflicts(what: str, explain: Explain | None = None) -> Iterator[None]:
    """Turn an IntegrityError raised inside (at any flush, autoflush included) into the error `explain`
    gives for its Violation, else `refused(violation, what)`."""
    try:
        yield
    except IntegrityError as error:
        found = violation(error)
        raise ((explain(found) if explain else None) or refused(found, what)) from None


def flush_or_conflict(session: Session, what: str, explain: Explain | None = None) -> None:
    """Flush; a constraint the database enforces becomes the error `explain` gives, else a 409/412 naming
    `what` it conflicts with."""
    with conflicts(what, explain):
        session.flush()
