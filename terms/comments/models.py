"""A comment (意见) on a 征求意见稿 and its disposition (处理意见), and their API shapes.

A comment belongs to a comment period (so to one release and one standard) and, when given, to one entry
of that release (by 条目编号) and one field of it. Its disposition is proposed by an editor and
confirmed by a reviewer; when accepted, it names the revision of the entry that carries the change.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from pydantic import Field as PField
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.clock import utcnow
from terms.models import MAX_ID, clean_text

MAX_CONTENT = 5000   # characters of 意见内容 and of 修改建议


class CommentType(StrEnum):
    technical = "technical"   # 技术
    editorial = "editorial"   # 编辑
    general = "general"       # 一般


class CommentField(StrEnum):
    term = "term"             # 术语
    definition = "definition"  # 定义
    note = "note"             # 注
    example = "example"       # 示例
    english = "english"       # 英文对应词


class Decision(StrEnum):
    accepted = "accepted"                      # 采纳
    partially_accepted = "partially_accepted"  # 部分采纳
    rejected = "rejected"                      # 不采纳
    deferred = "deferred"                      # 暂缓
    merged = "merged"                          # 合并到 #N


class CommentStatus(StrEnum):
    submitted = "submitted"   # 已提交
    proposed = "proposed"     # 处理意见待确认
    confirmed = "confirmed"   # 处理意见已确认
    withdrawn = "withdrawn"   # 已撤回


TYPE_LABELS = {CommentType.technical: "技术", CommentType.editorial: "编辑", CommentType.general: "一般"}
FIELD_LABELS = {CommentField.term: "术语", CommentField.definition: "定义", CommentField.note: "注",
                CommentField.example: "示例", CommentField.english: "英文对应词"}
DECISION_LABELS = {Decision.accepted: "采纳", Decision.partially_accepted: "部分采纳", Decision.rejected: "不采纳",
                   Decision.deferred: "暂缓", Decision.merged: "合并"}
STATUS_LABELS = {CommentStatus.submitted: "已提交", CommentStatus.proposed: "待确认",
                 CommentStatus.confirmed: "已确认", CommentStatus.withdrawn: "已撤回"}
NEEDS_REASON = frozenset({Decision.partially_accepted, Decision.rejected})
CHANGES_ENTRY = frozenset({Decision.accepted, Decision.partially_accepted})


class Comment(SQLModel, table=True):
    __tablename__ = "comment"
    __table_args__ = (UniqueConstraint("period_id", "number", name="uq_comment_period_number"),
                      Index("ix_comment_period_organization", "period_id", "organization"))

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="comment_period.id")
    number: int                                   # 序号 within the period: #N
    release_seq: int = Field(foreign_key="release.seq")
    standard_id: int = Field(foreign_key="standard.id")
    concept_id: int | None = Field(default=None, foreign_key="concept.id", index=True)
    part: int | None = None
    entry_number: str | None = Field(default=None, max_length=20)
    sort_key: str = Field(default="", max_length=40)  # entry order; "" (first) for the standard as a whole
    field: str | None = Field(default=None, max_length=20)
    type: str = Field(max_length=20)
    content: str = Field(max_length=MAX_CONTENT)
    proposal: str | None = Field(default=None, max_length=MAX_CONTENT)
    organization: str = Field(max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=200)
    submitted_by: str = Field(max_length=100)
    submitted_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default=CommentStatus.submitted, max_length=20)
    decision: str | None = Field(default=None, max_length=20)
    merged_into: int | None = None                # number of the comment this one is merged into
    reason: str | None = Field(default=None, max_length=MAX_CONTENT)
    revision: int | None = None                   # the entry's revision that carries the change
    proposed_by: str | None = Field(default=None, max_length=100)
    confirmed_by: str | None = Field(default=None, max_length=100)
    confirmed_at: datetime | None = None
    rev: int = 1


# ---- API shapes ---------------------------------------------------------------------------------

Content = Annotated[str, StringConstraints(max_length=MAX_CONTENT), AfterValidator(clean_text)]
Organization = Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_text)]
Contact = Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_text)]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [{
        "entry_number": "1.1", "field": "definition", "type": "technical",
        "content": "定义未涵盖存托凭证。", "proposal": "在定义中增加“存托凭证”。", "contact": "张三 010-00000000"}]})

    entry_number: str | None = PField(default=None, pattern=r"^(\d{1,3}/)?\d{1,3}(\.\d{1,3}){1,4}$",
                                      description="条目编号 in the release (`part/number` when ambiguous); "
                                                  "omit for a comment on the standard as a whole")
    field: CommentField | None = None
    type: CommentType = CommentType.technical
    content: Content = PField(description=f"意见内容, at most {MAX_CONTENT} characters")
    proposal: Content | None = PField(default=None, description="修改建议")
    organization: Organization | None = PField(default=None, description="提出单位; a commenter's is their token's")
    contact: Contact | None = PField(default=None, description="联系人")


class CommentEdit(BaseModel):
    """Fields present replace the stored value (the author, while the period is open)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    field: CommentField | None = None
    type: CommentType | None = None
    content: Content | None = None
    proposal: Content | None = None
    contact: Contact | None = None


class DispositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [
        {"decision": "accepted", "revision": 3}, {"decision": "rejected", "reason": "与上位标准一致，不宜改动。"},
        {"decision": "merged", "merged_into": 2}]})

    decision: Decision
    reason: Content | None = PField(default=None, description="理由; required for 部分采纳 and 不采纳")
    merged_into: int | None = PField(default=None, ge=1, le=MAX_ID, description="with merged: comment #N")
    revision: int | None = PField(default=None, ge=1, le=MAX_ID,
                                  description="with accepted: the entry's revision that carries the change")


class CommentPublic(BaseModel):
    id: int
    number: int
    release: str
    standard: str
    entry_number: str | None
    part: int | None
    concept_id: int | None
    field: str | None
    type: str
    type_label: str
    content: str
    proposal: str | None
    organization: str
    contact: str | None
    submitted_at: datetime
    status: str
    decision: str | None
    decision_label: str | None
    merged_into: int | None
    reason: str | None
    revision: int | None


