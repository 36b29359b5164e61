"""Releases: named, immutable snapshots at a stage of the standard (征求意见稿 → 送审稿 → 报批稿 → 发布)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlmodel import JSON, Field, SQLModel

from registry.clock import utcnow
from registry.standards.models import Standard  # noqa: F401  (release.standard_id refers to it)

NAME_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$"
SELECTORS = ("latest", "latest-any")


class Stage(StrEnum):
    comment_draft = "comment_draft"
    review_draft = "review_draft"
    approval_draft = "approval_draft"
    published = "published"

    @property
    def label_zh(self) -> str:
        return STAGE_LABELS[self]

    @property
    def order(self) -> int:
        return list(Stage).index(self)


STAGE_LABELS = {Stage.comment_draft: "征求意见稿", Stage.review_draft: "送审稿",
                Stage.approval_draft: "报批稿", Stage.published: "发布"}


class Release(SQLModel, table=True):
    __tablename__ = "release"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str = Field(unique=True, max_length=40)
    line: str = Field(max_length=40, index=True)
    stage: str = Field(max_length=20)
    # the term standard this release is a draft of; NULL: a code-library-only release
    standard_id: int | None = Field(default=None, foreign_key="standard.id", index=True)
    title: str | None = Field(default=None, max_length=300)
    notes: str | None = None
    scope: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # {kind: {scope value: {status: count}}} of every revision the release holds, before stage filters
    stats: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=100)


class ReleaseExport(SQLModel, table=True):
    """Checksums of a release's export files, computed once (exports are deterministic)."""

    __tablename__ = "release_export"

    release_seq: int = Field(primary_key=True, foreign_key="release.seq")
    file: str = Field(primary_key=True, max_length=80)
    sha256: str = Field(max_length=64)
    bytes: int
    rows: int


class ScopeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parts: list[int] | None = PField(default=None, description="parts of the term base; default: the "
                                                                "standard's parts (all parts without one)")
    schemes: list[str] | None = PField(default=None, description="code schemes; default all")


class ReleaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [{
        "name": "2025.1", "stage": "comment_draft", "title": "《证券期货业术语》2025 征求意见稿",
        "notes": "首次征求意见", "scope": {"parts": [1, 2, 3, 4, 5, 6], "schemes": ["venue"]}}]})

    name: str = PField(pattern=NAME_PATTERN, description="unique; not 'latest' or 'latest-any'")
    stage: Stage
    standard: str | None = PField(default=None, max_length=60, description=(
        "key or code of the term standard this release is a draft of (its stage must allow the release's); "
        "omit for a snapshot of no standard (the code library, and the parts asked for)"))
    line: str | None = PField(default=None, pattern=NAME_PATTERN, description=(
        "release line; a standard's releases form the line named by its key; without a standard, "
        "default: the release's own name (stages are ordered within a line)"))
    title: str | None = PField(default=None, max_length=300)
    notes: str | None = PField(default=None, max_length=20_000)
    scope: ScopeIn = PField(default_factory=ScopeIn)


class ReleasePublic(BaseModel):
    name: str
    seq: int
    standard: str | None = PField(default=None, description="key of the term standard; null: none")
    line: str
    stage: str
    stage_label: str
    title: str | None
    notes: str | None
    scope: dict[str, Any]
    counts: dict[str, dict[str, int]]
    created_at: datetime
    created_by: str

    @field_validator("scope")
    @classmethod
    def _parts_as_numbers(cls, scope: dict[str, Any]) -> dict[str, Any]:
        """Parts are numbers, as sent (they are kept as text, like every scope value of a revision)."""
        return {**scope, "parts": [int(p) for p in scope["parts"]]} if "parts" in scope else scope
