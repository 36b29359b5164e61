"""Submit, edit, withdraw, read and list comments on a 征求意见稿.

Who sees what: editors and above see every comment; a commenter sees their own organisation's comments
and, once a disposition table is published, everyone's; without a token only published comments show.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from registry import audit
from registry.auth import Actor, Role
from registry.clock import utcnow
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.releases.models import Release, Stage
from registry.standards import periods
from registry.standards.models import CommentPeriod
from terms.comments import entries
from terms.comments.models import Comment, CommentEdit, CommentIn, CommentStatus

EDITABLE = ("field", "type", "content", "proposal", "contact")


# ---- reading --------------------------------------------------------------------------------------

def is_staff(actor: Actor | None) -> bool:
    """Editors, reviewers and admins: the drafting group, who see every comment."""
    return actor is not None and actor.role.rank >= Role.editor.rank


def can_see(comment: Comment, period: CommentPeriod, actor: Actor | None) -> bool:
    return (period.published_at is not None or is_staff(actor)
            or (actor is not None and actor.organization == comment.organization))


def get_comment(session: Session, comment_id: int, *, actor: Actor | None) -> Comment:
    """The comment `comment_id` if `actor` may see it; raise NotFound otherwise (no hint it exists)."""
    comment = session.get(Comment, comment_id)
    if comment is None or not can_see(comment, session.get(CommentPeriod, comment.period_id), actor):
        raise NotFound(f"no comment {comment_id}")
    return comment


def list_comments(session: Session, period: CommentPeriod, *, actor: Actor | None,
                  concept_id: int | None = None, entry: str | None = None, organization: str | None = None,
                  decision: str | None = None, status: str | None = None, mine: bool = False) -> list[Comment]:
    """The comments of `period` that `actor` may see, filtered, by entry number then by submission."""
    query = select(Comment).where(Comment.period_id == period.id)
    if mine and is_staff(actor):
        query = query.where(Comment.submitted_by == actor.name)
    elif not (period.published_at is not None or is_staff(actor)) or mine:
        query = query.where(Comment.organization == (actor.organization if actor else None))
    for column, value in ((Comment.concept_id, concept_id), (Comment.organization, organization),
                          (Comment.decision, decision), (Comment.status, status)):
        if value is not None:
            query = query.where(column == value)
    if entry is not None:
        query = query.where(Comment.entry_number == entries.split(entry)[1])
    return list(session.exec(query.order_by(col(Comment.sort_key), col(Comment.number))))


def comments_on_concept(session: Session, concept_id: int, *, actor: Actor | None) -> list[Comment]:
    """Every comment on a concept, in every period, that `actor` may see (newest period first)."""
    query = (select(Comment, CommentPeriod).join(CommentPeriod, col(CommentPeriod.id) == Comment.period_id)
             .where(Comment.concept_id == concept_id)
             .order_by(col(Comment.period_id).desc(), col(Comment.number)))
    return [c for c, p in session.exec(query) if can_see(c, p, actor)]


def counts(session: Session, period: CommentPeriod) -> dict[str, Any]:
    """Organisations, comments and comments per decision and status of a period (withdrawn ones aside)."""
    live = [Comment.period_id == period.id, Comment.status != CommentStatus.withdrawn]
    organisations = session.exec(select(func.count(func.distinct(Comment.organization))).where(*live)).one()
    by_decision = dict(session.exec(select(Comment.decision, func.count()).where(*live)
                                    .group_by(Comment.decision)).all())
    by_status = dict(session.exec(select(Comment.status, func.count()).where(*live).group_by(Comment.status)).all())
    return {"organizations": organisations, "comments": sum(by_status.values()),
            "decisions": {k or "pending": v for k, v in by_decision.items()}, "statuses": by_status}


# ---- writing --------------------------------------------------------------------------------------

def open_period_of(session: Session, release: Release) -> CommentPeriod:
    """The period of `release` taking comments today; raise Conflict naming why not."""
    if release.stage != Stage.comment_draft:
        raise Conflict(f"release '{release.name}' is a {Stage(release.stage).label_zh}; comments are taken on "
                       f"a 征求意见稿 during its comment period")
    period = periods.find_period(session, release)
    if period is None:
        raise Conflict(f"release '{release.name}' has no comment period open")
    state = periods.state(period)
    if state != "open":
        when = f"opens on {period.opens_on}" if state == "scheduled" else f"closed (last day {period.closes_on})"
        raise Conflict(f"the comment period of release '{release.name}' {when}; comments are not taken")
    return period


def organization_for(actor: Actor, given: str | None, pointer: str = "/organization") -> str:
    """The 提出单位 of a comment: a commenter's token's; the drafting group names the one they enter for."""
    if actor.role == Role.commenter:
        if given and given != actor.organization:
            raise PermissionDenied(f"a token of {actor.organization} submits for {actor.organization}, "
                                   f"not for {given}")
        return actor.organization or actor.name
    actor.require(Role.editor)
    if not given:
        raise InvalidInput("name the organisation (提出单位) the comment comes from",
                           errors=[{"pointer": pointer, "detail": "required"}])
    return given


def submit_comment(session: Session, release: Release, data: CommentIn, *, actor: Actor,
                   source: str = "api") -> Comment:
    """Add one comment to the open period of `release`; raise Conflict (no open period, wrong stage),
    InvalidInput (unknown entry, missing organisation) or PermissionDenied."""
    actor.require(Role.commenter)
    period = open_period_of(session, release)
    organization = organization_for(actor, data.organization)
    entry = entries.find_entry(session, release, data.entry_number) if data.entry_number else None
    periods.lock_period(session, period)
    comment = Comment(**_row(period, next_number(session, period), data.model_dump(), entry, organization,
                             actor, source))
    session.add(comment)
    session.flush()
    audit.record(session, actor, "comment.submit", "comment", comment.id, release=release.name,
                 number=comment.number, entry=comment.entry_number, organization=organization)
    return comment


def add_many(session: Session, period: CommentPeriod, rows: Iterable[tuple[dict[str, Any], entries.Entry | None, str]],
             *, actor: Actor, source: str) -> int:
    """Insert checked rows (fields, entry, organisation) in one statement; return how many (bulk upload)."""
    periods.lock_period(session, period)
    first = next_number(session, period)
    values = [_row(period, first + i, fields, entry, organization, actor, source)
              for i, (fields, entry, organization) in enumerate(rows)]
    if values:
        now = utcnow()
        session.exec(insert(Comment), params=[{**v, "submitted_at": now, "updated_at": now,
                                               "status": CommentStatus.submitted, "rev": 1} for v in values])
    audit.record(session, actor, "comment.upload", "comment_period", period.id, rows=len(values), source=source,
                 numbers=[first, first + len(values) - 1] if values else [])
    session.flush()
    return len(values)


def next_number(session: Session, period: CommentPeriod) -> int:
    return (session.exec(select(func.max(Comment.number)).where(Comment.period_id == period.id)).one() or 0) + 1


def _row(period: CommentPeriod, number: int, fields: dict[str, Any], entry: entries.Entry | None,
         organization: str, actor: Actor, source: str) -> dict[str, Any]:
    located = {"concept_id": entry.concept_id, "part": entry.part, "entry_number": entry.entry_number,
               "sort_key": entry.sort_key} if entry else {"sort_key": ""}
    return {"period_id": period.id, "number": number, "release_seq": period.release_seq,
            "standard_id": period.standard_id, **located, "field": fields.get("field"), "type": fields["type"],
            "content": fields["content"], "proposal": fields.get("proposal"), "organization": organization,
            "contact": fields.get("contact"), "source": source[:200], "submitted_by": actor.name}


def edit_comment(session: Session, comment: Comment, data: CommentEdit, *, actor: Actor) -> Comment:
    """Change the author's own comment while its period is open; raise Conflict after it closes."""
    period = _authored(session, comment, actor)
    fields = data.model_dump(exclude_unset=True)
    for required in ("content", "type"):
        if required in fields and fields[required] is None:
            raise InvalidInput(f"{required} cannot be emptied", errors=[{"pointer": f"/{required}",
                                                                         "detail": "null"}])
    old = {k: getattr(comment, k) for k in fields}
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.updated_at, comment.rev = utcnow(), comment.rev + 1
    audit.record(session, actor, "comment.edit", "comment", comment.id, old=old, new=fields, period=period.id)
    session.flush()
    return comment


def withdraw_comment(session: Session, comment: Comment, *, actor: Actor) -> Comment:
    """Withdraw the author's own comment while its period is open."""
    _authored(session, comment, actor)
    comment.status, comment.updated_at, comment.rev = CommentStatus.withdrawn, utcnow(), comment.rev + 1
    audit.record(session, actor, "comment.withdraw", "comment", comment.id)
    session.flush()
    return comment


def _authored(session: Session, comment: Comment, actor: Actor) -> CommentPeriod:
    """The open period of a comment its author's organisation may still change; raise otherwise."""
    actor.require(Role.commenter)
    if actor.role == Role.commenter and actor.organization != comment.organization:
        raise NotFound(f"no comment {comment.id}")
    period = session.get(CommentPeriod, comment.period_id)
    if periods.state(period) != "open":
        raise Conflict(f"comment #{comment.number}: the comment period is closed; it can no longer be changed")
    if comment.status != CommentStatus.submitted:
        raise Conflict(f"comment #{comment.number} is {comment.status}; it can no longer be changed")
    return period


def get_for_change(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"no comment {comment_id}")
    return comment


def comments_of(session: Session, actor: Actor, limit: int = 1000) -> list[Comment]:
    """A commenter's organisation's comments, or the ones a drafting-group member entered, newest first."""
    mine = (Comment.organization == actor.organization if actor.role == Role.commenter
            else Comment.submitted_by == actor.name)
    return list(session.exec(select(Comment).where(mine).order_by(col(Comment.id).desc()).limit(limit)))
