"""Comment periods (征求意见期) on 征求意见稿 releases: open, close early, reopen with a note, publish.

A period is open on the days [opens_on, closes_on] in Asia/Shanghai unless a reviewer closed it early.
Only a reviewer (or admin) opens, closes, reopens or publishes; every change is audited.
"""

from datetime import date

from sqlmodel import Session, select, update

from registry import audit
from registry.auth import Actor, Role
from registry.clock import today_shanghai, utcnow
from registry.errors import Conflict, InvalidInput, NotFound
from registry.releases.models import Release, Stage
from registry.standards.models import CommentPeriod, PeriodOpen, Standard, StandardStage
from registry.standards.service import get_standard_by_id


def state(period: CommentPeriod, today: date | None = None) -> str:
    """scheduled, open or closed, on `today` (default: today in Asia/Shanghai)."""
    today = today or today_shanghai()
    if period.closed or today > period.closes_on:
        return "closed"
    return "scheduled" if today < period.opens_on else "open"


def days_left(period: CommentPeriod, today: date | None = None) -> int | None:
    """Days comments are still taken, today included; None unless open."""
    today = today or today_shanghai()
    return (period.closes_on - today).days + 1 if state(period, today) == "open" else None


def find_period(session: Session, release: Release) -> CommentPeriod | None:
    return session.exec(select(CommentPeriod).where(CommentPeriod.release_seq == release.seq)).first()


def get_period(session: Session, release: Release) -> CommentPeriod:
    """The comment period of `release`; raise NotFound."""
    period = find_period(session, release)
    if period is None:
        raise NotFound(f"release '{release.name}' has no comment period")
    return period


def open_period(session: Session, release: Release, data: PeriodOpen, *, actor: Actor) -> CommentPeriod:
    """Open the comment period of a 征求意见稿 of a standard; raise Conflict for another kind of release, a
    standard not at 征求意见 or a period already there, InvalidInput for dates out of order."""
    actor.require(Role.reviewer)
    standard = _comment_draft_standard(session, release)
    if find_period(session, release) is not None:
        raise Conflict(f"release '{release.name}' already has a comment period; close or reopen it")
    opens_on = data.opens_on or today_shanghai()
    _check_dates(opens_on, data.closes_on, "/closes_on")
    period = CommentPeriod(release_seq=release.seq, standard_id=standard.id, opens_on=opens_on,
                           closes_on=data.closes_on, created_by=actor.name,
                           events=[_event("open", data.note, actor)])
    session.add(period)
    session.flush()
    audit.record(session, actor, "period.open", "comment_period", period.id, release=release.name,
                 opens_on=opens_on.isoformat(), closes_on=data.closes_on.isoformat())
    return period


def close_period(session: Session, period: CommentPeriod, *, actor: Actor, note: str | None = None) -> CommentPeriod:
    """Close the period now (no new comments from today); raise Conflict when it is already closed."""
    actor.require(Role.reviewer)
    if state(period) == "closed":
        raise Conflict(f"comment period {period.id} is already closed")
    period.closed = True
    return _changed(session, period, "close", note, actor)


def reopen_period(session: Session, period: CommentPeriod, closes_on: date, note: str, *,
                  actor: Actor) -> CommentPeriod:
    """Take comments again until `closes_on`; raise Conflict unless closed (and unpublished)."""
    actor.require(Role.reviewer)
    if state(period) != "closed":
        raise Conflict(f"comment period {period.id} is not closed; only a closed period is reopened")
    if period.published_at is not None:
        raise Conflict(f"the disposition table of comment period {period.id} is published; it cannot reopen")
    _check_dates(today_shanghai(), closes_on, "/closes_on")
    period.closed, period.closes_on = False, closes_on
    return _changed(session, period, "reopen", note, actor, closes_on=closes_on.isoformat())


def publish_period(session: Session, period: CommentPeriod, *, actor: Actor) -> CommentPeriod:
    """Publish the disposition table: the period's comments become public. Raise Conflict while open."""
    actor.require(Role.reviewer)
    if state(period) != "closed":
        raise Conflict(f"comment period {period.id} is still {state(period)}; publish after it closes")
    if period.published_at is not None:
        raise Conflict(f"the disposition table of comment period {period.id} is already published")
    period.published_at = utcnow()
    return _changed(session, period, "publish", None, actor)


def lock_period(session: Session, period: CommentPeriod) -> None:
    """Take the period's row lock (PostgreSQL) or the database write lock (SQLite) before numbering."""
    session.exec(update(CommentPeriod).where(CommentPeriod.id == period.id).values(rev=CommentPeriod.rev))


def _changed(session: Session, period: CommentPeriod, action: str, note: str | None, actor: Actor,
             **detail: str) -> CommentPeriod:
    period.events = [*period.events, _event(action, note, actor)]
    period.rev += 1
    audit.record(session, actor, f"period.{action}", "comment_period", period.id, note=note, **detail)
    session.flush()
    return period


def _comment_draft_standard(session: Session, release: Release) -> Standard:
    if release.stage != Stage.comment_draft or release.standard_id is None:
        raise Conflict(f"release '{release.name}' is not a 征求意见稿 of a standard "
                       f"({Stage(release.stage).label_zh}); comment periods are opened on those only")
    standard = get_standard_by_id(session, release.standard_id)
    if StandardStage(standard.stage) != StandardStage.comment:
        raise Conflict(f"standard {standard.key} is at {StandardStage(standard.stage).label_zh}, not 征求意见; "
                       f"a comment period opens while it is out for comments")
    return standard


def _check_dates(first: date, last: date, pointer: str) -> None:
    if last < first:
        raise InvalidInput(f"closing date {last} is before {first}", errors=[{"pointer": pointer,
                                                                              "detail": last.isoformat()}])


def _event(action: str, note: str | None, actor: Actor) -> dict[str, str | None]:
    return {"action": action, "date": today_shanghai().isoformat(), "note": note, "actor": actor.name}
