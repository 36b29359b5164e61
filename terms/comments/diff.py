"""The comment-driven diff: the release diff from a 征求意见稿 to the next release, with the comments behind
each changed entry, and the accepted comments whose entry did not change (flagged)."""

from typing import Any

from sqlmodel import Session, col, select

from registry.releases import service as releases
from registry.releases.models import Release
from registry.releases.versioned import VersionedTable
from registry.standards.models import CommentPeriod
from terms.comments.models import CHANGES_ENTRY, DECISION_LABELS, Comment, CommentStatus, Decision


def comment_diff(session: Session, old: Release, new: Release, tables: list[VersionedTable],
                 period: CommentPeriod) -> dict[str, Any]:
    """`releases.diff(old, new)` where each concept entry carries `comments` (those on it), plus
    `unapplied`: accepted or partly accepted comments on entries the new release did not change."""
    result = releases.diff(session, old, new, tables)
    by_concept = _comments_by_concept(session, period)
    touched = set()
    for key in ("changed", "removed", "added"):
        for entry in result[key]:
            if entry["kind"] == "concept":
                entry["comments"] = [_brief(c) for c in by_concept.get(entry["id"], [])]
                touched.add(entry["id"])
    result["unapplied"] = [_brief(c) for cid, found in sorted(by_concept.items()) if cid not in touched
                           for c in found if c.decision in CHANGES_ENTRY]
    result["comment_counts"] = {"on_changed_entries": sum(len(by_concept.get(i, [])) for i in touched),
                                "unapplied": len(result["unapplied"])}
    return result


def _comments_by_concept(session: Session, period: CommentPeriod) -> dict[int, list[Comment]]:
    query = (select(Comment).where(Comment.period_id == period.id, col(Comment.concept_id).is_not(None),
                                   Comment.status != CommentStatus.withdrawn)
             .order_by(col(Comment.sort_key), col(Comment.number)))
    found: dict[int, list[Comment]] = {}
    for comment in session.exec(query):
        found.setdefault(comment.concept_id, []).append(comment)
    return found


def _brief(comment: Comment) -> dict[str, Any]:
    label = DECISION_LABELS[Decision(comment.decision)] if comment.decision else None
    return {"number": comment.number, "id": comment.id, "entry_number": comment.entry_number,
            "concept_id": comment.concept_id, "organization": comment.organization, "content": comment.content,
            "decision": comment.decision, "decision_label": label, "status": comment.status,
            "revision": comment.revision}
