"""HTTP for comment periods, comments, dispositions, the disposition table and the comment-driven diff."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response, UploadFile

from api.deps import Credentials, EditorDep, ReviewerDep, SessionDep, WriteSessionDep, require
from api.problems import problems
from api.routes.imports import ImportReportPublic, ImportSessionDep
from api.versioned import TABLES
from importers import comment_form, comment_table
from registry.auth import Actor, Role, authenticate
from registry.errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TooLarge,
    Unauthenticated,
)
from registry.releases import service as releases
from registry.standards import periods
from registry.standards.models import PeriodClose, PeriodOpen, PeriodPublic, PeriodReopen
from terms.comments import diff, dispositions, table, views
from terms.comments import service as comments
from terms.comments.models import CommentEdit, CommentIn, CommentPublic, CommentStatus, Decision, DispositionIn
from terms.models import MAX_ID

router = APIRouter(tags=["comments"])
Name = Annotated[str, Path(max_length=60, description="release name")]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]
IfMatch = Annotated[str | None, Header(description="ETag of the comment as read (\"m<id>.r<rev>\")")]
WRITE_ERRORS = problems(InvalidInput, Unauthenticated, PermissionDenied, NotFound, Conflict)
CommenterDep = Annotated[Actor, Depends(require(Role.commenter))]


def reader_actor(session: SessionDep, credentials: Credentials) -> Actor | None:
    """The actor of an optional bearer token (reads show more to the drafting group and to commenters)."""
    return authenticate(session, credentials.credentials) if credentials is not None else None


MaybeActor = Annotated[Actor | None, Depends(reader_actor)]


def _etag(response: Response, comment) -> None:
    response.headers["ETag"] = f'"m{comment.id}.r{comment.rev}"'


def _expected(if_match: str | None) -> int | None:
    if not if_match:
        return None
    try:
        return int(if_match.strip().strip('W/').strip('"').rsplit(".r", 1)[1])
    except (IndexError, ValueError):
        raise PreconditionFailed(f"If-Match {if_match[:40]!r} is not an ETag of a comment") from None


def _answer(session, response: Response, comment) -> CommentPublic:
    _etag(response, comment)
    return views.comment_publics(session, [comment])[0]


# ---- periods --------------------------------------------------------------------------------------

@router.post("/comment-periods", status_code=201, responses=WRITE_ERRORS)
def open_period(session: WriteSessionDep, actor: ReviewerDep, body: PeriodOpen) -> PeriodPublic:
    """Open the comment period of a 征求意见稿 (reviewer), from `opens_on` to `closes_on` (Asia/Shanghai)."""
    period = periods.open_period(session, releases.resolve(session, body.release), body, actor=actor)
    return views.period_public(period, *_release_and_standard(session, body.release))


def _release_and_standard(session, name: str):
    release, _, standard = views.release_period(session, name)
    return release, standard


@router.get("/releases/{name}/comment-period", responses=problems(NotFound))
def read_period(session: SessionDep, name: Name) -> PeriodPublic:
    """The release's comment period: dates, state (scheduled, open, closed), days left, events."""
    release, period, standard = views.release_period(session, name)
    return views.period_public(period, release, standard)


@router.post("/releases/{name}/comment-period/close", responses=WRITE_ERRORS)
def close_period(session: WriteSessionDep, actor: ReviewerDep, name: Name, body: PeriodClose) -> PeriodPublic:
    """Close the period now (reviewer); new comments are refused with 409 from then on."""
    release, period, standard = views.release_period(session, name)
    return views.period_public(periods.close_period(session, period, actor=actor, note=body.note), release, standard)


@router.post("/releases/{name}/comment-period/reopen", responses=WRITE_ERRORS)
def reopen_period(session: WriteSessionDep, actor: ReviewerDep, name: Name, body: PeriodReopen) -> PeriodPublic:
    """Reopen a closed period until a new closing date (reviewer, with a note)."""
    release, period, standard = views.release_period(session, name)
    periods.reopen_period(session, period, body.closes_on, body.note, actor=actor)
    return views.period_public(period, release, standard)


@router.post("/releases/{name}/comment-period/publish", responses=WRITE_ERRORS)
def publish_period(session: WriteSessionDep, actor: ReviewerDep, name: Name) -> PeriodPublic:
    """Publish the disposition table of a closed period (reviewer): its comments become public."""
    release, period, standard = views.release_period(session, name)
    return views.period_public(periods.publish_period(session, period, actor=actor), release, standard)


# ---- comments -------------------------------------------------------------------------------------

@router.post("/releases/{name}/comments", status_code=201, responses=WRITE_ERRORS)
def submit_comment(session: WriteSessionDep, actor: CommenterDep, response: Response, name: Name,
                   body: CommentIn) -> CommentPublic:
    """Submit a comment on the release (commenter and up) while its period is open; on one entry
    (`entry_number` of the release) or on the standard as a whole."""
    comment = comments.submit_comment(session, releases.resolve(session, name), body, actor=actor)
    response.headers["Location"] = f"/api/v1/comments/{comment.id}"
    return _answer(session, response, comment)


@router.get("/releases/{name}/comments", responses=problems(NotFound, InvalidInput))
def list_comments(session: SessionDep, actor: MaybeActor, name: Name,
                  entry: Annotated[str | None, Query(max_length=20, description="条目编号")] = None,
                  organization: Annotated[str | None, Query(max_length=200)] = None,
                  decision: Decision | None = None, status: CommentStatus | None = None,
                  mine: bool = False) -> list[CommentPublic]:
    """The comments of the release's period you may see: all for the drafting group; your organisation's
    (and, once published, everyone's) for a commenter; published ones only without a token."""
    release, period, standard = views.release_period(session, name)
    found = comments.list_comments(session, period, actor=actor, entry=entry, organization=organization,
                                   decision=decision, status=status, mine=mine)
    return [views.comment_public(c, release.name, standard.key) for c in found]


@router.get("/concepts/{concept_id}/comments", responses=problems(NotFound))
def concept_comments(session: SessionDep, actor: MaybeActor,
                     concept_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> list[CommentPublic]:
    """Every comment on one entry that you may see, newest period first."""
    return views.comment_publics(session, comments.comments_on_concept(session, concept_id, actor=actor))


@router.get("/comments/{comment_id}", responses=problems(NotFound))
def read_comment(session: SessionDep, actor: MaybeActor, response: Response, comment_id: CommentId) -> CommentPublic:
    """One comment, if you may see it (404 otherwise)."""
    return _answer(session, response, comments.get_comment(session, comment_id, actor=actor))


@router.patch("/comments/{comment_id}", responses=WRITE_ERRORS)
def edit_comment(session: WriteSessionDep, actor: CommenterDep, response: Response, comment_id: CommentId,
                 body: CommentEdit) -> CommentPublic:
    """Change your organisation's comment while the period is open (409 after it closes)."""
    comment = comments.get_comment(session, comment_id, actor=actor)
    return _answer(session, response, comments.edit_comment(session, comment, body, actor=actor))


@router.post("/comments/{comment_id}/withdraw", responses=WRITE_ERRORS)
def withdraw_comment(session: WriteSessionDep, actor: CommenterDep, response: Response,
                     comment_id: CommentId) -> CommentPublic:
    """Withdraw your organisation's comment while the period is open."""
    comment = comments.get_comment(session, comment_id, actor=actor)
    return _answer(session, response, comments.withdraw_comment(session, comment, actor=actor))


@router.put("/comments/{comment_id}/disposition", responses=problems(
    InvalidInput, Unauthenticated, PermissionDenied, NotFound, Conflict, PreconditionFailed))
def propose_disposition(session: WriteSessionDep, actor: EditorDep, response: Response, comment_id: CommentId,
                        body: DispositionIn, if_match: IfMatch = None) -> CommentPublic:
    """Propose the disposition (editor; a reviewer to change a confirmed one) after the period closes."""
    comment = comments.get_for_change(session, comment_id)
    dispositions.propose(session, comment, body, actor=actor, expected_rev=_expected(if_match))
    return _answer(session, response, comment)


@router.post("/comments/{comment_id}/disposition/confirm", responses=problems(
    Unauthenticated, PermissionDenied, NotFound, Conflict, PreconditionFailed))
def confirm_disposition(session: WriteSessionDep, actor: ReviewerDep, response: Response, comment_id: CommentId,
                        if_match: IfMatch = None) -> CommentPublic:
    """Confirm the proposed disposition (reviewer)."""
    comment = comments.get_for_change(session, comment_id)
    dispositions.confirm(session, comment, actor=actor, expected_rev=_expected(if_match))
    return _answer(session, response, comment)


# ---- the table, the diff, the upload ----------------------------------------------------------------

@router.get("/releases/{name}/disposition-table", responses={**problems(NotFound, PermissionDenied), 200: {
    "content": {"application/json": {}, comment_table.XLSX_MEDIA: {}, comment_table.DOCX_MEDIA: {}}}})
def disposition_table(session: SessionDep, actor: MaybeActor, name: Name,
                      format: Annotated[str, Query(pattern="^(json|xlsx|docx)$")] = "json") -> Any:
    """意见汇总处理表 of the release's period, as JSON, XLSX or DOCX: public once published, before that
    for the drafting group (editor and up)."""
    release, period, standard = views.release_period(session, name)
    if period.published_at is None and not comments.is_staff(actor):
        raise PermissionDenied("the disposition table is not published yet; the drafting group sees it with a token")
    data = table.disposition_table(session, period, release, standard)
    if format == "json":
        return data
    write, media = ((comment_table.write_xlsx, comment_table.XLSX_MEDIA) if format == "xlsx"
                    else (comment_table.write_docx, comment_table.DOCX_MEDIA))
    return Response(write(data), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{comment_table.filename(data, format)}"'})


@router.get("/releases/{a}/comment-diff/{b}", responses=problems(NotFound, InvalidInput, PermissionDenied))
def comment_diff(session: SessionDep, actor: MaybeActor, a: Name, b: Name) -> dict[str, Any]:
    """The diff from the 征求意见稿 `a` to release `b`, each changed entry with the comments on it, and the
    accepted comments whose entry did not change (`unapplied`)."""
    old, period, _ = views.release_period(session, a)
    if period.published_at is None and not comments.is_staff(actor):
        raise PermissionDenied("the comments of this period are not published yet")
    return diff.comment_diff(session, old, releases.resolve(session, b), TABLES, period)


@router.post("/imports/comments/{name}", status_code=201, responses=problems(
    ImportRejected, InvalidInput, NotFound, Conflict, TooLarge, Unauthenticated, PermissionDenied))
def upload_comment_form(session: ImportSessionDep, actor: CommenterDep, name: Name, file: UploadFile,
                        format: Annotated[str | None, Query(pattern="^(csv|xlsx)$")] = None,
                        organization: Annotated[str | None, Query(max_length=200, description=(
                            "提出单位 for rows without one (drafting group entering a form)"))] = None,
                        ) -> ImportReportPublic:
    """Upload the committee's comment form (CSV or XLSX: 序号, 章条编号, 意见类型, 意见内容, 修改建议, 提出单位,
    联系人); all rows or none, every bad row listed with line and column."""
    report = comment_form.upload(session, releases.resolve(session, name), file.file,
                                 filename=file.filename or "upload", actor=actor, fmt=format,
                                 organization=organization)
    return ImportReportPublic.model_validate(report.as_dict())
