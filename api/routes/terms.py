"""HTTP for the term base: parts, concepts, lifecycle transitions, history."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel

from api.deps import EditorDep, ReleaseDep, SessionDep, WriteSessionDep
from api.problems import problems
from registry.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    Unauthenticated,
)
from terms import as_of, service
from terms.models import (
    ENTRY_NUMBER_PATTERN,
    MAX_ID,
    MAX_PART,
    ConceptCreate,
    ConceptPage,
    ConceptPublic,
    ConceptStatus,
    ConceptUpdate,
    HistoryEntry,
    PartPublic,
    RevertIn,
    TransitionIn,
)

router = APIRouter(tags=["terms"])
WRITE_ERRORS = (InvalidInput, Unauthenticated, PermissionDenied, NotFound, Conflict)
ConceptId = Annotated[int, Path(ge=1, le=MAX_ID, description="stable concept id")]
IfMatch = Annotated[str | None, Header(description="ETag of the revision being changed")]


class ReleaseHolding(BaseModel):
    release: str
    stage: str
    revision: int
    status: str


def _frozen(response: Response, view: dict) -> ConceptPublic:
    response.headers["ETag"] = f'"c{view["id"]}.r{view["revision"]}"'
    return ConceptPublic.model_validate(view)


def _with_etag(response: Response, session, concept) -> ConceptPublic:
    response.headers["ETag"] = service.etag(concept)
    return ConceptPublic.model_validate(service.public_view(concept, service.current_revision(session, concept)))


@router.get("/parts")
def list_parts(session: SessionDep) -> list[PartPublic]:
    """The six parts of 《证券期货业术语》."""
    return [PartPublic.model_validate(p, from_attributes=True) for p in service.list_parts(session)]


@router.get("/parts/{part}/entries/{entry_number}", responses=problems(NotFound, InvalidInput))
def read_entry(session: SessionDep, response: Response, part: Annotated[int, Path(ge=1, le=MAX_PART)],
               entry_number: Annotated[str, Path(pattern=ENTRY_NUMBER_PATTERN)],
               release: ReleaseDep = None) -> ConceptPublic:
    """The live concept with 条目编号 `entry_number` in `part` (or the one a release holds)."""
    if release is not None:
        return _frozen(response, as_of.read_entry(session, part, entry_number, release))
    return _with_etag(response, session, service.get_by_entry(session, part, entry_number))


@router.get("/concepts", responses=problems(InvalidInput))
def list_concepts(session: SessionDep, part: Annotated[int | None, Query(ge=1, le=MAX_PART)] = None,
                  status: ConceptStatus | None = None, subject: str | None = None,
                  updated_since: datetime | None = None, cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50, release: ReleaseDep = None) -> ConceptPage:
    """Concepts ordered by id, filtered; follow `next_cursor` for the next page."""
    if release is not None:
        page = as_of.list_concepts(session, release, part=part, status=status, subject=subject, cursor=cursor,
                                   limit=limit)
    else:
        page = service.list_concepts(session, part=part, status=status, subject=subject,
                                     updated_since=updated_since, cursor=cursor, limit=limit)
    return ConceptPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/concepts/{concept_id}", responses=problems(NotFound))
def read_concept(session: SessionDep, response: Response, concept_id: ConceptId,
                 release: ReleaseDep = None) -> ConceptPublic:
    """One concept, live or as a release holds it; its `ETag` is what `If-Match` needs for PATCH."""
    if release is not None:
        return _frozen(response, as_of.read_concept(session, concept_id, release))
    return _with_etag(response, session, service.get_concept(session, concept_id))


@router.get("/concepts/{concept_id}/releases", responses=problems(NotFound))
def concept_timeline(session: SessionDep, concept_id: ConceptId) -> list[ReleaseHolding]:
    """The releases that hold this concept, with the revision each holds."""
    return [ReleaseHolding.model_validate(h) for h in as_of.timeline(session, concept_id)]


@router.post("/concepts", status_code=201, responses=problems(*WRITE_ERRORS))
def create_concept(session: WriteSessionDep, actor: EditorDep, response: Response,
                   body: ConceptCreate) -> ConceptPublic:
    """Create a draft concept (editor)."""
    concept = service.create_concept(session, body, actor=actor)
    response.headers["Location"] = f"/api/v1/concepts/{concept.id}"
    return _with_etag(response, session, concept)


@router.patch("/concepts/{concept_id}", responses=problems(*WRITE_ERRORS, PreconditionFailed,
                                                            PreconditionRequired))
def update_concept(session: WriteSessionDep, actor: EditorDep, response: Response, concept_id: ConceptId,
                   body: ConceptUpdate, if_match: IfMatch = None) -> ConceptPublic:
    """Change fields of a concept (editor); needs `If-Match` with the current ETag."""
    concept = service.update_concept(session, concept_id, body, actor=actor, if_match=if_match)
    return _with_etag(response, session, concept)


@router.post("/concepts/{concept_id}/transitions", responses=problems(*WRITE_ERRORS, PreconditionFailed))
def transition_concept(session: WriteSessionDep, actor: EditorDep, response: Response,
                       concept_id: ConceptId, body: TransitionIn, if_match: IfMatch = None) -> ConceptPublic:
    """Move a concept: to proposed (editor), approved/deprecated/retired (reviewer)."""
    concept = service.transition_concept(session, concept_id, body, actor=actor, if_match=if_match)
    return _with_etag(response, session, concept)


@router.get("/concepts/{concept_id}/history", responses=problems(NotFound))
def concept_history(session: SessionDep, concept_id: ConceptId) -> list[HistoryEntry]:
    """Every revision with actor, time, change note and the fields it changed."""
    return [HistoryEntry.model_validate(h) for h in service.concept_history(session, concept_id)]


@router.post("/concepts/{concept_id}/revert", responses=problems(*WRITE_ERRORS, PreconditionFailed))
def revert_concept(session: WriteSessionDep, actor: EditorDep, response: Response, concept_id: ConceptId,
                   body: RevertIn, if_match: IfMatch = None) -> ConceptPublic:
    """Write a new revision with the content of an earlier one (editor)."""
    concept = service.revert_concept(session, concept_id, body, actor=actor, if_match=if_match)
    return _with_etag(response, session, concept)
