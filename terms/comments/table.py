"""The disposition table (意见汇总处理表) of a comment period, in the committee's layout, with its summary.

Rows: 序号 · 章条编号 · 意见内容 · 修改建议 · 提出单位 · 处理意见 · 理由, sorted by entry number (comments on the
standard as a whole first) then by submission; withdrawn comments are left out. A merged comment reads
"合并到第 k 条", k being the row of the comment it joins in this table.
"""

from collections import Counter
from typing import Any

from sqlmodel import Session, col, select

from registry.releases.models import Release
from registry.standards.models import CommentPeriod, Standard
from terms.comments.models import DECISION_LABELS, Comment, CommentStatus, Decision

HEADER = ["序号", "章条编号", "意见内容", "修改建议", "提出单位", "处理意见", "理由"]
HEADER_EN = ["No.", "Clause", "Comment", "Proposed change", "Organisation", "Disposition", "Reason"]
SUMMARY_ORDER = [Decision.accepted, Decision.partially_accepted, Decision.rejected, Decision.deferred,
                 Decision.merged]


def table_comments(session: Session, period: CommentPeriod) -> list[Comment]:
    query = (select(Comment).where(Comment.period_id == period.id, Comment.status != CommentStatus.withdrawn)
             .order_by(col(Comment.sort_key), col(Comment.number)))
    return list(session.exec(query))


def disposition_table(session: Session, period: CommentPeriod, release: Release,
                      standard: Standard) -> dict[str, Any]:
    """The table as data: title facts, summary and rows (what every output format renders)."""
    found = table_comments(session, period)
    row_of = {c.number: i for i, c in enumerate(found, 1)}
    rows = [_row(i, c, row_of) for i, c in enumerate(found, 1)]
    return {"standard": {"key": standard.key, "code": standard.code, "title_zh": standard.title_zh,
                         "title_en": standard.title_en},
            "release": release.name, "period": {"opens_on": period.opens_on.isoformat(),
                                                 "closes_on": period.closes_on.isoformat(),
                                                 "published": period.published_at is not None},
            "summary": summary(found), "header": HEADER, "rows": rows}


def summary(found: list[Comment]) -> dict[str, Any]:
    """What the committee reports: organisations that replied, comments, and counts per disposition."""
    decided = Counter(c.decision for c in found)
    return {"organizations": len({c.organization for c in found}), "comments": len(found),
            "decisions": {str(d): decided.get(d, 0) for d in SUMMARY_ORDER},
            "decision_labels": {str(d): DECISION_LABELS[d] for d in SUMMARY_ORDER},
            "pending": decided.get(None, 0),
            "confirmed": sum(1 for c in found if c.status == CommentStatus.confirmed)}


def summary_line(data: dict[str, Any]) -> str:
    """共收到 N 家单位的 M 条意见，其中采纳 a 条、部分采纳 b 条、…"""
    s = data["summary"]
    counts = "、".join(f"{s['decision_labels'][d]} {n} 条" for d, n in s["decisions"].items())
    pending = f"，未处理 {s['pending']} 条" if s["pending"] else ""
    return f"共收到 {s['organizations']} 家单位的 {s['comments']} 条意见，其中{counts}{pending}。"


def disposition_text(comment: Comment, row_of: dict[int, int]) -> str:
    if comment.decision is None:
        return "（待处理）"
    if comment.decision == Decision.merged:
        target = row_of.get(comment.merged_into or 0)
        return f"合并到第 {target} 条" if target else f"合并到 #{comment.merged_into}"
    label = DECISION_LABELS[Decision(comment.decision)]
    return label if comment.status == CommentStatus.confirmed else f"{label}（待确认）"


def _row(index: int, comment: Comment, row_of: dict[int, int]) -> dict[str, Any]:
    return {"row": index, "number": comment.number, "id": comment.id,
            "clause": comment.entry_number or "全文", "content": comment.content, "proposal": comment.proposal or "",
            "organization": comment.organization, "disposition": disposition_text(comment, row_of),
            "decision": comment.decision, "status": comment.status, "reason": comment.reason or "",
            "revision": comment.revision}


def cells(row: dict[str, Any]) -> list[str]:
    """A row's seven cells in the table's column order."""
    return [str(row["row"]), row["clause"], row["content"], row["proposal"], row["organization"],
            row["disposition"], row["reason"]]
