"""Concept-oriented term entries (GB/T 20001.1 shape, TBX ISO 30042 mapping) and their API shapes.

One `Concept` per entry; its `Term`s carry the designations (首选/许用/拒用/被取代 = preferred/admitted/
deprecated/superseded). Every write appends a `ConceptRevision` holding the full public snapshot.
"""

import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PField
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel

from registry.clock import utcnow
from registry.releases.revisions import RevisionBase
from registry.standards.models import Standard  # noqa: F401  (part.standard_id refers to it)

ENTRY_NUMBER_PATTERN = r"^\d{1,3}(\.\d{1,3}){1,4}$"
MAX_PART = 999  # part numbers: 1–6 for 《证券期货业术语》, 7, 8, … for the parts of later term standards


class ConceptStatus(StrEnum):
    draft = "draft"
    proposed = "proposed"
    approved = "approved"
    deprecated = "deprecated"
    retired = "retired"


class TermStatus(StrEnum):
    preferred = "preferred"      # 首选术语
    admitted = "admitted"        # 许用术语
    deprecated = "deprecated"    # 拒用术语
    superseded = "superseded"    # 被取代术语


class TermType(StrEnum):
    full_form = "full_form"
    short_form = "short_form"    # 简称
    abbreviation = "abbreviation"  # 缩略语
    symbol = "symbol"            # 符号
    variant = "variant"


class Lang(StrEnum):
    zh_cn = "zh-CN"
    en = "en"
    zh_tw = "zh-TW"
    zh_hk = "zh-HK"


class XrefType(StrEnum):
    see = "see"
    see_also = "see_also"
    broader = "broader"
    narrower = "narrower"
    replaced_by = "replaced_by"


# Ids and revision numbers fit a 32-bit INTEGER column (PostgreSQL); larger input is a 422, not a 500.
MAX_ID = 2_147_483_647
Id = Annotated[int, PField(ge=1, le=MAX_ID)]

CHINESE_LANGS = frozenset({Lang.zh_cn, Lang.zh_tw, Lang.zh_hk})
# A BCP 47 tag of at most 8 characters (the term table's lang column): language, then script or region.
LANG_TAG_PATTERN = r"^[A-Za-z]{2,3}(-([A-Za-z]{4}|[A-Za-z]{2}|[0-9]{3}))?$"


def language_tag(value: str) -> str:
    """A language tag in BCP 47's canonical case: zh-cn → zh-CN, EN → en, sr-latn → sr-Latn.

    zh-CN, zh-TW, zh-HK and en are the term base's own languages; other languages hold equivalents
    (TBX files from translation tools carry es, cs, …) and are kept as given.

    >>> [language_tag(t) for t in ("zh-cn", "EN", "sr-latn", "es-419")]
    ['zh-CN', 'en', 'sr-Latn', 'es-419']
    """
    head, *rest = value.split("-")
    return "-".join([head.lower(), *(part.title() if len(part) == 4 else part.upper() for part in rest)])


def _term_language(value: str) -> str:
    tag = language_tag(value)
    if tag.startswith("zh") and tag not in CHINESE_LANGS:
        raise ValueError(f"Chinese is tagged zh-CN, zh-TW or zh-HK, not {tag}")
    return tag


LangTag = Annotated[str, StringConstraints(pattern=LANG_TAG_PATTERN), AfterValidator(_term_language)]


def clean_text(value: str) -> str:
    """NFC, trimmed, inner whitespace runs collapsed; empty text is an error."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise ValueError("must not be empty or whitespace only")
    return text


CleanText = Annotated[str, StringConstraints(max_length=500), AfterValidator(clean_text)]
LongText = Annotated[str, StringConstraints(max_length=5000), AfterValidator(clean_text)]


# ---- tables -------------------------------------------------------------------------------------

class Concept(SQLModel, table=True):
    __tablename__ = "concept"
    __table_args__ = (UniqueConstraint("part", "live_number", name="uq_concept_live_number"),
                      UniqueConstraint("part", "external_key", name="uq_concept_external_key"))

    id: int | None = Field(default=None, primary_key=True)
    part: int = Field(index=True)
    entry_number: str = Field(max_length=20)
    live_number: str | None = Field(default=None, max_length=20)  # = entry_number unless retired
    sort_key: str = Field(max_length=40, index=True)
    subject_field: str | None = Field(default=None, max_length=200, index=True)
    status: str = Field(default=ConceptStatus.draft, max_length=20, index=True)
    superseded_by: int | None = Field(default=None, foreign_key="concept.id")
    definition_zh: str | None = None
    definition_en: str | None = None
    source_text: str | None = Field(default=None, max_length=1000)
    source_modified: bool = False
    notes: list[str] = Field(default_factory=list, sa_type=JSON)
    examples: list[str] = Field(default_factory=list, sa_type=JSON)
    rev: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    # The concept's id in the foreign file it was imported from (TBX conceptEntry/@id of an entry without
    # 条目编号), unique within the part, so that re-importing the file updates it instead of adding it again.
    external_key: str | None = Field(default=None, max_length=300)


class Term(SQLModel, table=True):
    __tablename__ = "term"

    id: int | None = Field(default=None, primary_key=True)
    concept_id: int = Field(foreign_key="concept.id", index=True)
    position: int
    text: str = Field(max_length=500, index=True)
    lang: str = Field(max_length=8)
    status: str = Field(max_length=20)
    type: str = Field(default=TermType.full_form, max_length=20)
    pinyin: str | None = Field(default=None, max_length=2000)
    pinyin_curated: bool = False
    geographical_usage: str | None = Field(default=None, max_length=50)
    source: str | None = Field(default=None, max_length=1000)
    # Set to the text for the zh-CN preferred term of a live concept, NULL otherwise: the unique index
    # makes "one live concept per Chinese preferred term" hold even under concurrent writes.
    preferred_key: str | None = Field(default=None, max_length=500, unique=True)


class CrossReference(SQLModel, table=True):
    __tablename__ = "cross_reference"

    id: int | None = Field(default=None, primary_key=True)
    concept_id: int = Field(foreign_key="concept.id", index=True)
    type: str = Field(max_length=20)
    target_id: int = Field(foreign_key="concept.id", index=True)


class ConceptRevision(RevisionBase, table=True):
    __tablename__ = "concept_revision"
    __table_args__ = (Index("ix_concept_revision_entity_rev", "entity_id", "rev", unique=True),
                      Index("ix_concept_revision_scope_key", "scope", "key"))

    entity_id: int = Field(foreign_key="concept.id")


class Part(SQLModel, table=True):
    __tablename__ = "part"

    number: int = Field(primary_key=True)
    title_zh: str = Field(max_length=100)
    title_en: str = Field(max_length=200)
    standard_id: int | None = Field(default=None, foreign_key="standard.id", index=True)


# ---- API shapes ---------------------------------------------------------------------------------

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class TermIn(Strict):
    text: CleanText
    lang: LangTag = PField(description="zh-CN, zh-TW, zh-HK, en, or another BCP 47 tag for equivalents")
    status: TermStatus
    type: TermType = TermType.full_form
    pinyin: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[a-z0-9ü: ]*$")] | None = PField(
        default=None, description="Curated pinyin, syllables separated by spaces, no tones; "
                                  "omit to derive it automatically.")
    geographical_usage: Annotated[str, StringConstraints(max_length=50)] | None = None
    source: Annotated[str, StringConstraints(max_length=1000)] | None = None


class SourceIn(Strict):
    text: CleanText
    modified: bool = False


class CrossReferenceIn(Strict):
    type: XrefType
    target: Id = PField(description="id of the referenced concept")


class Definition(Strict):
    """Definitions by language: zh-CN and en, and other languages' under their BCP 47 tags."""

    model_config = ConfigDict(extra="allow", populate_by_name=True,
                              json_schema_extra={"propertyNames": {"pattern": LANG_TAG_PATTERN}})
    __pydantic_extra__: dict[str, LongText | None]

    zh_cn: LongText | None = PField(default=None, alias="zh-CN")
    en: LongText | None = None

    @model_validator(mode="after")
    def _other_languages(self) -> "Definition":
        extra = self.__pydantic_extra__ or {}
        for tag in list(extra):
            if not re.fullmatch(LANG_TAG_PATTERN, tag) or language_tag(tag) in ("zh-CN", "en"):
                raise ValueError(f"'{tag[:20]}' is not a language tag (BCP 47, e.g. zh-TW, es) or repeats one")
            extra[_term_language(tag)] = extra.pop(tag)
        return self


EXAMPLE_CREATE: dict[str, Any] = {
    "part": 3, "entry_number": "3.1.2", "subject_field": "交易",
    "terms": [
        {"text": "融资融券", "lang": "zh-CN", "status": "preferred"},
        {"text": "两融", "lang": "zh-CN", "status": "admitted", "type": "short_form"},
        {"text": "margin trading and securities lending", "lang": "en", "status": "preferred"},
    ],
    "definition": {"zh-CN": "投资者向证券公司提供担保物，借入资金买入证券或借入证券卖出的交易。",
                   "en": "Trading in which an investor borrows cash or securities from a broker against collateral."},
    "notes": ["示例注。"], "examples": ["示例。"], "source": {"text": "sfreg 示例", "modified": False},
}


class ConceptCreate(Strict):
    model_config = ConfigDict(extra="forbid", use_enum_values=True,
                              json_schema_extra={"examples": [EXAMPLE_CREATE]})

    part: int = PField(ge=1, le=MAX_PART, description="part of the term base (1–6: 《证券期货业术语》; "
                                                       "a later term standard's parts follow); must exist")
    entry_number: str = PField(pattern=ENTRY_NUMBER_PATTERN, description="条目编号, e.g. 3.1.2")
    subject_field: Annotated[str, StringConstraints(max_length=200)] | None = None
    terms: list[TermIn] = PField(min_length=1, max_length=100)
    definition: Definition = PField(default_factory=Definition)
    notes: list[LongText] = PField(default_factory=list, max_length=50)
    examples: list[LongText] = PField(default_factory=list, max_length=50)
    source: SourceIn | None = None
    cross_references: list[CrossReferenceIn] = PField(default_factory=list, max_length=100)


class ConceptUpdate(Strict):
    """Fields present replace the stored value (lists are replaced whole)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra={
        "examples": [{"definition": {"zh-CN": "修订后的定义。"}, "change_note": "定义措辞修订"}]})

    entry_number: str | None = PField(default=None, pattern=ENTRY_NUMBER_PATTERN)
    subject_field: Annotated[str, StringConstraints(max_length=200)] | None = None
    terms: list[TermIn] | None = PField(default=None, min_length=1, max_length=100)
    definition: Definition | None = None
    notes: list[LongText] | None = PField(default=None, max_length=50)
    examples: list[LongText] | None = PField(default=None, max_length=50)
    source: SourceIn | None = None
    cross_references: list[CrossReferenceIn] | None = PField(default=None, max_length=100)
    change_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TransitionIn(Strict):
    model_config = ConfigDict(extra="forbid", use_enum_values=True,
                              json_schema_extra={"examples": [{"to": "proposed"}, {"to": "approved"}]})

    to: ConceptStatus
    superseded_by: Id | None = PField(default=None, description="with to=deprecated: the replacing concept")
    change_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RevertIn(Strict):
    revision: int = PField(ge=1, le=MAX_ID)
    change_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TermPublic(BaseModel):
    text: str
    lang: str
    status: str
    type: str
    pinyin: str | None = None
    pinyin_curated: bool = False
    geographical_usage: str | None = None
    source: str | None = None


class SourcePublic(BaseModel):
    text: str
    modified: bool


class CrossReferencePublic(BaseModel):
    type: str
    target: int


class ConceptPublic(BaseModel):
    id: int
    part: int
    entry_number: str
    subject_field: str | None
    status: str
    superseded_by: int | None
    terms: list[TermPublic]
    definition: dict[str, str]
    notes: list[str]
    examples: list[str]
    source: SourcePublic | None
    cross_references: list[CrossReferencePublic]
    revision: int
    created_at: datetime
    updated_at: datetime


class ConceptPage(BaseModel):
    items: list[ConceptPublic]
    next_cursor: str | None = PField(description="pass as ?cursor= for the next page; null at the end")


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class HistoryEntry(BaseModel):
    revision: int
    action: str
    actor: str
    at: datetime
    change_note: str | None
    status: str
    changes: list[FieldChange]


class PartPublic(BaseModel):
    number: int
    title_zh: str
    title_en: str
