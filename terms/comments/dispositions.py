"""Dispose of comments: an editor proposes 采纳/部分采纳/不采纳/暂缓/合并到 #N, a reviewer confirms.

Dispositions are given once the period has closed. A reason is required for 部分采纳 and 不采纳; an accepted
comment on an entry may name the entry's revision that carries the change (a later revision than the one the
征求意见稿 holds). A confirmed disposition changes again only by a reviewer, and goes back to proposed.
"""

from sqlmodel import Session, select

from registry import audit
from registry.auth import Actor, Role
from registry.clock import utcnow
from registry.errors import Conflict, InvalidInput, PreconditionFailed
from registry.standards import periods
from registry.standards.models import CommentPeriod
from terms.comments.models import CHANGES_ENTRY, NEEDS_REASON, Comment, CommentStatus, Decision, DispositionIn
from terms.models import ConceptRevision


def propose(session: Session, comment: Comment, data: DispositionIn, *, actor: Actor,
            expected_rev: int | None = None) -> Comment:
    """Record the proposed disposition of `comment`; raise InvalidInput, Conflict or PreconditionFailed."""
    actor.require(Role.editor)
    _ready(session, comment, expected_rev)
    if comment.status == CommentStatus.confirmed:
        actor.require(Role.reviewer)
    decision = Decision(data.decision)
    _check(session, comment, decision, data)
    old = _snapshot(comment)
    comment.decision, comment.reason = decision, data.reason
    comment.merged_into = data.merged_into if decision == Decision.merged else None
    comment.revision = data.revision if decision in CHANGES_ENTRY else None
    comment.status, comment.proposed_by = CommentStatus.proposed, actor.name
    comment.confirmed_by = comment.confirmed_at = None
    return _changed(session, comment, actor, "comment.dispose", old)


def confirm(session: Session, comment: Comment, *, actor: Actor, expected_rev: int | None = None) -> Comment:
    """Confirm the proposed disposition (reviewer); raise Conflict when none is proposed."""
    actor.require(Role.reviewer)
    _ready(session, comment, expected_rev)
    if comment.status != CommentStatus.proposed:
        raise Conflict(f"comment #{comment.number} has no proposed disposition to confirm ({comment.status})")
    old = _snapshot(comment)
    comment.status, comment.confirmed_by, comment.confirmed_at = CommentStatus.confirmed, actor.name, utcnow()
    return _changed(session, comment, actor, "comment.confirm", old)


def _ready(session: Session, comment: Comment, expected_rev: int | None) -> None:
    if expected_rev is not None and expected_rev != comment.rev:
        raise PreconditionFailed(f"comment #{comment.number} changed since you read it (now revision "
                                 f"{comment.rev}, you sent {expected_rev}); reload and decide again")
    if comment.status == CommentStatus.withdrawn:
        raise Conflict(f"comment #{comment.number} was withdrawn by its author")
    period = session.get(CommentPeriod, comment.period_id)
    if periods.state(period) != "closed":
        raise Conflict(f"comment #{comment.number}: the comment period is still {periods.state(period)}; "
                       f"dispositions are given after it closes")
    if period.published_at is not None:
        raise Conflict("the disposition table of this period is published; dispositions are final")


def _check(session: Session, comment: Comment, decision: Decision, data: DispositionIn) -> None:
    if decision in NEEDS_REASON and not data.reason:
        raise InvalidInput(f"a reason (理由) is required for {decision}", errors=[{"pointer": "/reason",
                                                                                  "detail": "required"}])
    if decision == Decision.merged:
        _check_merge(session, comment, data.merged_into)
    if data.revision is not None:
        _check_revision(session, comment, decision, data.revision)


def _check_merge(session: Session, comment: Comment, target_number: int | None) -> None:
    pointer = [{"pointer": "/merged_into", "detail": str(target_number)}]
    if target_number is None or target_number == comment.number:
        raise InvalidInput("合并 needs merged_into: the number of another comment of the same period",
                           errors=pointer)
    target = session.exec(select(Comment).where(Comment.period_id == comment.period_id,
                                                Comment.number == target_number)).first()
    if target is None:
        raise InvalidInput(f"there is no comment #{target_number} in this period", errors=pointer)
    if target.decision == Decision.merged:
        raise InvalidInput(f"comment #{target_number} is itself merged into #{target.merged_into}; merge into "
                           f"#{target.merged_into}", errors=pointer)


def _check_revision(session: Session, comment: Comment, decision: Decision, revision: int) -> None:
    pointer = [{"pointer": "/revision", "detail": str(revision)}]
    if decision not in CHANGES_ENTRY or comment.concept_id is None:
        raise InvalidInput("a revision is linked only to an accepted comment on an entry", errors=pointer)
    found = session.exec(select(ConceptRevision.rev).where(ConceptRevision.entity_id == comment.concept_id,
                                                           ConceptRevision.rev == revision)).first()
    held = session.exec(select(ConceptRevision.rev).where(
        ConceptRevision.entity_id == comment.concept_id, ConceptRevision.rel_from <= comment.release_seq,
        (ConceptRevision.rel_to.is_(None)) | (ConceptRevision.rel_to > comment.release_seq))).first()
    if found is None:
        raise InvalidInput(f"entry {comment.entry_number} has no revision {revision}", errors=pointer)
    if held is not None and revision <= held:
        raise InvalidInput(f"revision {revision} of entry {comment.entry_number} is not later than the one the "
                           f"征求意见稿 holds ({held}); link the revision that carries the change", errors=pointer)


def _snapshot(comment: Comment) -> dict[str, object]:
    return {k: getattr(comment, k) for k in ("status", "decision", "reason", "merged_into", "revision")}


def _changed(session: Session, comment: Comment, actor: Actor, action: str, old: dict[str, object]) -> Comment:
    comment.updated_at, comment.rev = utcnow(), comment.rev + 1
    audit.record(session, actor, action, "comment", comment.id, old=old, new=_snapshot(comment))
    session.flush()
    return comment
