"""HTTP for the code library: schemes, entries, history, writes."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from api.deps import EditorDep, ReleaseDep, ReviewerDep, SessionDep, WriteSessionDep
from api.params import IsoDate
from api.problems import problems
from codes import as_of as in_release
from codes import service
from codes.models import CodeIn, CodePage, CodePublic, CodeStatus, CodeTransitionIn, CodeUpdate, SchemePublic
from registry.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    Unauthenticated,
)
from terms.models import HistoryEntry

router = APIRouter(prefix="/schemes", tags=["codes"])
WRITE_ERRORS = (InvalidInput, Unauthenticated, PermissionDenied, NotFound, Conflict)
Scheme = Annotated[str, Path(max_length=40, description="scheme slug: venue, participant, isin, …")]
Code = Annotated[str, Path(max_length=200)]
AsOf = Annotated[IsoDate | None, Query(description="the date to read validity on (YYYY-MM-DD)")]


def _public(response: Response, entry, as_of: date | None = None) -> CodePublic:
    response.headers["ETag"] = service.etag(entry)
    return CodePublic.model_validate(service.public_view(entry, as_of=as_of))


@router.get("")
def list_schemes(session: SessionDep) -> list[SchemePublic]:
    """Code schemes: slug, names, the standard implemented, code pattern and validator."""
    return [SchemePublic.model_validate(s, from_attributes=True) for s in service.list_schemes(session)]


@router.get("/{scheme}/codes", responses=problems(NotFound, InvalidInput))
def list_codes(session: SessionDep, scheme: Scheme, q: Annotated[str | None, Query(max_length=200)] = None,
               status: CodeStatus | None = None, as_of: AsOf = None,
               cursor: Annotated[int | None, Query(ge=0, le=2_147_483_647)] = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 50, release: ReleaseDep = None) -> CodePage:
    """Entries of a scheme, searched by code prefix, name or pinyin, filtered by status and validity."""
    if release is not None:
        revisions, next_cursor = in_release.list_codes(session, scheme, release, q=q, status=status,
                                                       cursor=cursor, limit=limit)
        items = [CodePublic.model_validate(in_release.release_view(r, as_of=as_of)) for r in revisions]
        return CodePage(items=items, next_cursor=str(next_cursor) if next_cursor else None)
    rows, next_cursor = service.list_codes(session, scheme, q=q, status=status, as_of=as_of, cursor=cursor,
                                           limit=limit)
    items = [CodePublic.model_validate(service.public_view(e, as_of=as_of)) for e in rows]
    return CodePage(items=items, next_cursor=str(next_cursor) if next_cursor else None)


@router.get("/{scheme}/codes/{code}", responses=problems(NotFound, InvalidInput))
def read_code(session: SessionDep, response: Response, scheme: Scheme, code: Code, as_of: AsOf = None,
              release: ReleaseDep = None) -> CodePublic:
    """One entry (live or as a release holds it), with its status on `as_of`."""
    if release is not None:
        return CodePublic.model_validate(in_release.get_code(session, scheme, code, release, as_of=as_of))
    return _public(response, service.get_code(session, scheme, code, as_of=as_of), as_of)


@router.get("/{scheme}/codes/{code}/history", responses=problems(NotFound, InvalidInput))
def code_history(session: SessionDep, scheme: Scheme, code: Code) -> list[HistoryEntry]:
    """Every revision of the entry with actor, time, note and changed fields."""
    return [HistoryEntry.model_validate(h) for h in service.code_history(session, scheme, code)]


@router.post("/{scheme}/codes", status_code=201, responses=problems(*WRITE_ERRORS))
def create_code(session: WriteSessionDep, actor: EditorDep, response: Response, scheme: Scheme,
                body: CodeIn) -> CodePublic:
    """Register a code (editor)."""
    entry = service.create_code(session, scheme, body, actor=actor)
    response.headers["Location"] = f"/api/v1/schemes/{scheme}/codes/{entry.code}"
    return _public(response, entry)


@router.patch("/{scheme}/codes/{code}", responses=problems(*WRITE_ERRORS, PreconditionFailed,
                                                           PreconditionRequired))
def update_code(session: WriteSessionDep, actor: EditorDep, response: Response, scheme: Scheme, code: Code,
                body: CodeUpdate, if_match: Annotated[str | None, Header()] = None) -> CodePublic:
    """Change an entry (editor); needs `If-Match` with its ETag."""
    return _public(response, service.update_code(session, scheme, code, body, actor=actor, if_match=if_match))


@router.post("/{scheme}/codes/{code}/transitions", responses=problems(*WRITE_ERRORS))
def transition_code(session: WriteSessionDep, actor: ReviewerDep, response: Response, scheme: Scheme,
                    code: Code, body: CodeTransitionIn) -> CodePublic:
    """Expire, supersede (with successor) or reactivate an entry (reviewer)."""
    return _public(response, service.transition_code(session, scheme, code, body, actor=actor))
