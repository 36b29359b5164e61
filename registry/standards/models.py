"""A standard project (标准项目) and its stages: 预研 → 立项 → 起草 → 征求意见 → 送审 → 报批 → 发布 (and 废止).

The parts of the term base point at their standard (`terms.models.Part.standard_id`); releases carry the
standard they are a draft of (`registry.releases.models.Release.standard_id`).
"""

from datetime import date as Date
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PField
from sqlmodel import JSON, Field, SQLModel

from registry.clock import utcnow

KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class StandardStage(StrEnum):
    preliminary = "preliminary"  # 预研
    project = "project"          # 立项
    drafting = "drafting"        # 起草 (草案)
    comment = "comment"          # 征求意见
    review = "review"            # 送审
    approval = "approval"        # 报批
    published = "published"      # 发布
    withdrawn = "withdrawn"      # 废止

    @property
    def label_zh(self) -> str:
        return STAGE_LABELS_ZH[self]

    @property
    def label_en(self) -> str:
        return STAGE_LABELS_EN[self]

    @property
    def order(self) -> int:
        return list(StandardStage).index(self)


STAGE_LABELS_ZH = {
    StandardStage.preliminary: "预研", StandardStage.project: "立项", StandardStage.drafting: "起草",
    StandardStage.comment: "征求意见", StandardStage.review: "送审", StandardStage.approval: "报批",
    StandardStage.published: "发布", StandardStage.withdrawn: "废止",
}
STAGE_LABELS_EN = {
    StandardStage.preliminary: "preliminary", StandardStage.project: "approved project",
    StandardStage.drafting: "drafting", StandardStage.comment: "comment period",
    StandardStage.review: "review", StandardStage.approval: "approval", StandardStage.published: "published",
    StandardStage.withdrawn: "withdrawn",
}


class Standard(SQLModel, table=True):
    __tablename__ = "standard"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=40)          # URL slug, immutable: sfterms-1
    code: str = Field(unique=True, max_length=60)         # JR/T XXXX.1, editable until published
    collection: str = Field(max_length=40, index=True)    # family slug: sfterms
    title_zh: str = Field(max_length=200)
    title_en: str = Field(max_length=300)
    working_group: str | None = Field(default=None, max_length=200)
    stage: str = Field(max_length=20)
    # [{stage, date (YYYY-MM-DD, Asia/Shanghai), note, actor}], oldest first
    stage_history: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # ics, ccs, proposer, drafting_organizations, drafters, bilingual, scope_zh, scope_en, normative_references
    meta: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# ---- API shapes ---------------------------------------------------------------------------------

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Note = Annotated[str, StringConstraints(max_length=2000, strip_whitespace=True)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=40)]
Short = Annotated[str, StringConstraints(max_length=500)]


class StandardMeta(BaseModel):
    """The front-matter facts of a standard (document generation reads them)."""

    model_config = ConfigDict(extra="forbid")

    ics: Annotated[str, StringConstraints(max_length=40)] | None = None
    ccs: Annotated[str, StringConstraints(max_length=40)] | None = None
    proposer: Short | None = None
    drafting_organizations: list[Short] = PField(default_factory=list, max_length=200)
    drafters: list[Short] = PField(default_factory=list, max_length=200)
    bilingual: bool = True
    scope_zh: Annotated[str, StringConstraints(max_length=5000)] | None = None
    scope_en: Annotated[str, StringConstraints(max_length=5000)] | None = None
    normative_references: list[Short] = PField(default_factory=list, max_length=200)


class PartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title_zh: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    title_en: Text200


class StandardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [{
        "key": "itterms", "code": "JR/T XXXX", "collection": "itterms",
        "title_zh": "证券期货业信息技术应用创新术语",
        "title_en": "Terminology of information technology application innovation for securities and futures",
        "working_group": "信创工作组", "stage": "project",
        "parts": [{"title_zh": "信息技术应用创新术语", "title_en": "IT application innovation terms"}]}]})

    key: Key = PField(description="URL slug, immutable (e.g. itterms-1)")
    code: Code = PField(description="standard code, e.g. JR/T XXXX.7; editable until published")
    collection: Key = PField(description="family slug; the standards of one collection share an entry numbering")
    title_zh: Text200
    title_en: Text300
    working_group: Text200 | None = None
    stage: StandardStage = StandardStage.preliminary
    date: Date | None = PField(default=None, description="date of the stage (Asia/Shanghai); default today")
    meta: StandardMeta = PField(default_factory=StandardMeta)
    parts: list[PartIn] = PField(default_factory=list, max_length=20,
                                 description="new parts of the term base held by this standard (numbered 7, 8, …)")


class StandardUpdate(BaseModel):
    """Fields present replace the stored value; the code only until the standard is published."""

    model_config = ConfigDict(extra="forbid")

    code: Code | None = None
    title_zh: Text200 | None = None
    title_en: Text300 | None = None
    working_group: Text200 | None = None
    meta: StandardMeta | None = None

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> "StandardUpdate":
        nulls = [name for name in ("code", "title_zh", "title_en", "meta")
                 if name in self.model_fields_set and getattr(self, name) is None]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null: leave a field out to keep its value")
        return self


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True,
                              json_schema_extra={"examples": [{"to": "comment", "date": "2024-06-30"}]})

    to: StandardStage
    date: Date | None = PField(default=None, description="date of the transition (Asia/Shanghai); default today")
    note: Note | None = None


class StageEvent(BaseModel):
    stage: str
    label_zh: str
    date: str
    note: str | None = None
    actor: str | None = None


class StandardPublic(BaseModel):
    id: int
    key: str
    code: str
    collection: str
    title_zh: str
    title_en: str
    working_group: str | None
    stage: str
    stage_label: str
    stage_history: list[StageEvent]
    meta: dict[str, Any]
    parts: list[int] = PField(default_factory=list, description="parts of the term base this standard holds")
    created_at: datetime
    updated_at: datetime


# ---- comment periods (征求意见期) ------------------------------------------------------------------

class CommentPeriod(SQLModel, table=True):
    """The window in which a 征求意见稿 release takes comments: [opens_on, closes_on], Asia/Shanghai days."""

    __tablename__ = "comment_period"

    id: int | None = Field(default=None, primary_key=True)
    release_seq: int = Field(foreign_key="release.seq", unique=True)
    standard_id: int = Field(foreign_key="standard.id", index=True)
    opens_on: Date
    closes_on: Date                      # the last day comments are taken
    closed: bool = False                 # closed early by a reviewer
    published_at: datetime | None = None  # the disposition table was published: comments become public
    # [{action: open|close|reopen|publish, date, note, actor}]
    events: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    rev: int = 1


class PeriodOpen(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"release": "2025.1-cd", "opens_on": "2025-03-01", "closes_on": "2025-04-30"}]})

    release: Annotated[str, StringConstraints(max_length=60)] = PField(description="the 征求意见稿 release")
    opens_on: Date | None = PField(default=None, description="first day (Asia/Shanghai); default today")
    closes_on: Date = PField(description="last day comments are taken (Asia/Shanghai)")
    note: Note | None = None


class PeriodReopen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closes_on: Date = PField(description="the new last day (today or later, Asia/Shanghai)")
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)] = PField(
        description="why the period is reopened (required)")


class PeriodClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class PeriodPublic(BaseModel):
    id: int
    release: str
    standard: str
    opens_on: Date
    closes_on: Date
    state: str = PField(description="scheduled, open or closed")
    days_left: int | None = PField(description="days until it closes, counting today; null unless open")
    published: bool
    events: list[dict[str, Any]]
