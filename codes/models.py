"""Code schemes and their versioned entries: trading venues (ISO 10383 MIC), participants, ISIN records.

One generic `CodeEntry` table serves every scheme; scheme-specific fields live in `attrs`, validated by
the scheme's attribute model below. Validity is the half-open date range [valid_from, valid_to): an
entry whose valid_to is 2025-06-01 was valid on 2025-05-31 and not on 2025-06-01 (ISO 10383's expiry
date is the first day a MIC is no longer valid).
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic import Field as PField
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel

from registry.clock import utcnow
from registry.releases.revisions import RevisionBase


class CodeStatus(StrEnum):
    active = "active"
    expired = "expired"
    superseded = "superseded"


class CodeScheme(SQLModel, table=True):
    __tablename__ = "code_scheme"

    slug: str = Field(primary_key=True, max_length=40)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=200)
    standard: str = Field(max_length=200)
    code_pattern: str = Field(max_length=200)
    validator: str | None = Field(default=None, max_length=20)
    hierarchical: bool = False
    description: str | None = None
    kind: str = Field(default="list", max_length=20, description="list, or classification (a tree with levels)")
    levels: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON,
                                                description="classification levels (codes.classification_rules)")


class CodeEntry(SQLModel, table=True):
    __tablename__ = "code_entry"
    __table_args__ = (UniqueConstraint("scheme", "code", name="uq_code_entry_scheme_code"),
                      Index("ix_code_entry_scheme_status", "scheme", "status"),
                      Index("ix_code_entry_scheme_parent", "scheme", "parent"))  # a tree's children

    id: int | None = Field(default=None, primary_key=True)
    scheme: str = Field(foreign_key="code_scheme.slug", max_length=40)
    code: str = Field(max_length=40)
    name_zh: str | None = Field(default=None, max_length=500)
    name_en: str | None = Field(default=None, max_length=500)
    status: str = Field(default=CodeStatus.active, max_length=20)
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = Field(default=None, max_length=40)
    parent: str | None = Field(default=None, max_length=40)
    attrs: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    search_text: str = Field(default="", max_length=4000, description="code, names and pinyin, lower case")
    rev: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CodeRevision(RevisionBase, table=True):
    __tablename__ = "code_revision"
    __table_args__ = (Index("ix_code_revision_entity_rev", "entity_id", "rev", unique=True),
                      Index("ix_code_revision_scope_key", "scope", "key"))

    entity_id: int = Field(foreign_key="code_entry.id")


# ---- scheme attribute models ---------------------------------------------------------------------

class Attrs(BaseModel):
    model_config = ConfigDict(extra="forbid")


Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class VenueAttrs(Attrs):
    operating_mic: Short | None = None
    oprt_sgmt: Annotated[str, StringConstraints(pattern="^(OPRT|SGMT)$")] | None = None
    legal_entity_name: Short | None = None
    lei: Short | None = None
    market_category: Short | None = None
    acronym: Short | None = None
    country: Short | None = None
    city: Short | None = None
    website: Short | None = None
    comments: Annotated[str, StringConstraints(max_length=2000)] | None = None
    last_update_date: date | None = None
    last_validation_date: date | None = None
    # The file's own STATUS (ACTIVE, UPDATED, EXPIRED; legacy MODIFIED, DELETED): UPDATED marks a change in
    # that release, so a flip to or from it is a modification the release diff must show (issue 11).
    iso_status: Annotated[str, StringConstraints(pattern="^(ACTIVE|UPDATED|EXPIRED|MODIFIED|DELETED)$")] | None = None


class ParticipantAttrs(Attrs):
    category: Short
    lei: Short | None = None
    uscc: Short | None = None
    venue_mics: list[Short] = PField(default_factory=list)
    comments: Annotated[str, StringConstraints(max_length=2000)] | None = None


class IsinAttrs(Attrs):
    issuer: Short | None = None
    issuer_lei: Short | None = None
    cfi: Short | None = None
    fisn: Short | None = None
    venue: Short | None = PField(default=None, description="listing venue MIC (→ scheme venue)")
    local_code: Short | None = PField(default=None, description="local security code, e.g. 600000.SH")
    issue_date: date | None = None
    maturity_date: date | None = None


ATTRS_BY_SCHEME: dict[str, type[Attrs]] = {"venue": VenueAttrs, "participant": ParticipantAttrs,
                                           "isin": IsinAttrs}


# ---- API shapes --------------------------------------------------------------------------------------

class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [{
        "code": "CNE000001R84", "name_zh": "浦发银行", "name_en": "Shanghai Pudong Development Bank",
        "valid_from": "1999-11-10", "attrs": {"venue": "XSHG", "local_code": "600000.SH", "cfi": "ESVUFR"}}]})

    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name_zh: Annotated[str, StringConstraints(max_length=500)] | None = None
    name_en: Annotated[str, StringConstraints(max_length=500)] | None = None
    status: CodeStatus = CodeStatus.active
    valid_from: date | None = None
    valid_to: date | None = None
    successor: Annotated[str, StringConstraints(max_length=40)] | None = None
    parent: Annotated[str, StringConstraints(max_length=40)] | None = None
    attrs: dict[str, Any] = PField(default_factory=dict)


class CodeUpdate(BaseModel):
    """Fields present replace the stored value; `attrs` is replaced whole."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    name_zh: Annotated[str, StringConstraints(max_length=500)] | None = None
    name_en: Annotated[str, StringConstraints(max_length=500)] | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    parent: Annotated[str, StringConstraints(max_length=40)] | None = None
    attrs: dict[str, Any] | None = None
    change_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class CodeTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={"examples": [
        {"to": "superseded", "successor": "920001", "valid_to": "2025-10-09"}]})

    to: CodeStatus
    successor: Annotated[str, StringConstraints(max_length=40)] | None = None
    valid_to: date | None = None
    change_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class SchemePublic(BaseModel):
    slug: str
    name_zh: str
    name_en: str
    standard: str
    code_pattern: str
    validator: str | None
    hierarchical: bool
    description: str | None
    kind: str = "list"
    levels: list[dict[str, Any]] | None = None


class CodePublic(BaseModel):
    id: int
    scheme: str
    code: str
    name_zh: str | None
    name_en: str | None
    status: str
    status_as_of: str | None = PField(default=None, description="status on the as_of date asked")
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    parent: str | None
    attrs: dict[str, Any]
    revision: int
    updated_at: datetime


class CodePage(BaseModel):
    items: list[CodePublic]
    next_cursor: str | None
