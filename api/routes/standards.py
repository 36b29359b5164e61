"""HTTP for term standards: list, read one (by key or code), add one with its parts, edit, move its stage."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AdminDep, SessionDep, WriteSessionDep
from api.problems import problems
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated
from registry.standards import service
from registry.standards.models import (
    StageChange,
    StageEvent,
    Standard,
    StandardCreate,
    StandardPublic,
    StandardStage,
    StandardUpdate,
)
from terms import standards as term_standards

router = APIRouter(prefix="/standards", tags=["standards"])
KeyOrCode = Annotated[str, Path(max_length=60, description="key (sfterms-1) or code (JR/T XXXX.1)")]
WRITE_ERRORS = problems(InvalidInput, Unauthenticated, PermissionDenied, NotFound, Conflict)


def public(standard: Standard, parts: list[int]) -> StandardPublic:
    history = [StageEvent(**event, label_zh=StandardStage(event["stage"]).label_zh)
               for event in standard.stage_history]
    return StandardPublic(**standard.model_dump(exclude={"stage_history"}), stage_history=history,
                          stage_label=StandardStage(standard.stage).label_zh, parts=parts)


def _one(session, standard: Standard) -> StandardPublic:
    return public(standard, [p.number for p in term_standards.parts_of(session, standard.id)])


@router.get("")
def list_standards(session: SessionDep) -> list[StandardPublic]:
    """Every term standard with its stage, dated stage history and parts."""
    parts = term_standards.part_numbers(session)
    return [public(s, parts.get(s.id, [])) for s in service.list_standards(session)]


@router.get("/{key_or_code:path}", responses=problems(NotFound))
def read_standard(session: SessionDep, key_or_code: KeyOrCode) -> StandardPublic:
    """One standard, by key (`sfterms-1`) or code (`JR/T XXXX.1`, URL-encoded or not)."""
    return _one(session, service.get_standard(session, key_or_code))


@router.post("", status_code=201, responses=WRITE_ERRORS)
def create_standard(session: WriteSessionDep, actor: AdminDep, response: Response,
                    body: StandardCreate) -> StandardPublic:
    """Add a term standard (admin) with its new parts, numbered after the highest existing part."""
    standard = term_standards.create_term_standard(session, body, actor=actor)
    response.headers["Location"] = f"/api/v1/standards/{standard.key}"
    return _one(session, standard)


@router.patch("/{key}", responses=WRITE_ERRORS)
def update_standard(session: WriteSessionDep, actor: AdminDep, key: KeyOrCode, body: StandardUpdate) -> StandardPublic:
    """Edit titles, working group, front-matter facts, and the code until the standard is published (admin)."""
    standard = service.update_standard(session, service.get_standard(session, key), body, actor=actor)
    return _one(session, standard)


@router.post("/{key}/stage", responses=WRITE_ERRORS)
def change_stage(session: WriteSessionDep, actor: AdminDep, key: KeyOrCode, body: StageChange) -> StandardPublic:
    """Move the standard forward to a later stage, dated (admin); 废止 (withdrawn) from any stage."""
    standard = service.get_standard(session, key)
    service.change_stage(session, standard, StandardStage(body.to), actor=actor, on=body.date, note=body.note)
    return _one(session, standard)
