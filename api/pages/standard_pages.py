"""Pages of the drafting workbench: standards, a standard's timeline and comment periods, the comment form
under each entry, the comments list with filters and the disposition workflow, "my comments", the
disposition table and the comment-driven diff. Forms work without script; writes call the API's services.
"""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep, WriteSessionDep
from api.pages import editing, render, signin, standards_view
from api.pages.signin import CheckedForm, PageActor, PageEditor
from importers import comment_table
from registry.auth import Actor, Role
from registry.errors import Conflict, InvalidInput, PermissionDenied, PreconditionFailed
from registry.releases import service as releases
from registry.standards import periods
from registry.standards.models import PeriodOpen
from terms.comments import dispositions, views
from terms.comments import service as comments
from terms.comments.models import CommentIn, DispositionIn

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(signin.page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)
PageCommenter = Annotated[Actor, Depends(signin.signed_in(Role.commenter))]
PageReviewer = Annotated[Actor, Depends(signin.signed_in(Role.reviewer))]
Filter = Annotated[str, Query(max_length=200)]
FORM_FIELDS = ("entry_number", "field", "type", "content", "proposal", "contact", "organization")


@router.get("/standards")
def standards(request: Request, session: SessionDep) -> HTMLResponse:
    return render.page(request, "standards.html", standards_view.list_page(session))


@router.get("/standards/{key}")
def standard(request: Request, session: SessionDep, actor: PageActor, key: str) -> HTMLResponse:
    return render.page(request, "standard.html", standards_view.standard_page(session, key, actor))


@router.get("/releases/{name}/comments")
def comment_list(request: Request, session: SessionDep, actor: PageActor, name: str, entry: Filter = "",
                 organization: Filter = "", decision: Filter = "", status: Filter = "") -> HTMLResponse:
    filters = {"entry": entry, "organization": organization, "decision": decision, "status": status}
    return render.page(request, "comments.html", standards_view.comments_page(session, name, actor, filters))


@router.get("/concepts/{concept_id}/comments")
def entry_comments(request: Request, session: SessionDep, actor: PageActor, concept_id: str) -> HTMLResponse:
    context = standards_view.entry_page(session, standards_view.concept_id(concept_id), actor)
    return render.page(request, "entry_comments.html", context)


@router.get("/my/comments")
def my_comments(request: Request, session: SessionDep, actor: PageCommenter) -> HTMLResponse:
    return render.page(request, "my_comments.html", standards_view.my_page(session, actor))


@router.get("/releases/{name}/disposition")
def disposition(request: Request, session: SessionDep, actor: PageActor, name: str) -> HTMLResponse:
    return render.page(request, "disposition.html", standards_view.disposition_page(session, name, actor))


@router.get("/releases/{name}/disposition.{fmt}")
def disposition_file(session: SessionDep, actor: PageActor, name: str, fmt: str) -> Response:
    """The disposition table as XLSX or DOCX for a signed-in member of the drafting group (or once public)."""
    data = standards_view.disposition_page(session, name, actor)["data"]
    write, media = standards_view.table_writer(fmt)
    return Response(write(data), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{comment_table.filename(data, fmt)}"'})


@router.get("/releases/{a}/comment-diff/{b}")
def comment_diff(request: Request, session: SessionDep, actor: PageActor, a: str, b: str) -> HTMLResponse:
    return render.page(request, "comment_diff.html", standards_view.comment_diff_page(session, a, b, actor))


# ---- writes ---------------------------------------------------------------------------------------

@router.post("/releases/{name}/comments")
def submit(request: Request, session: WriteSessionDep, actor: PageCommenter, name: str,
           form: CheckedForm) -> Response:
    """Submit the comment form; back to the page it came from, or the form again with its error."""
    values = {k: str(form.get(k) or "").strip() for k in FORM_FIELDS}
    back = editing.safe_next(str(form.get("back") or f"/releases/{name}/comments"))
    try:
        data = CommentIn.model_validate({k: v for k, v in values.items() if v})
        comment = comments.submit_comment(session, releases.resolve(session, name), data, actor=actor,
                                          source="page")
    except ValidationError as error:
        session.rollback()
        return _form_again(request, name, values, back, _messages(error), 422)
    except (InvalidInput, Conflict, PermissionDenied) as error:
        session.rollback()
        return _form_again(request, name, values, back, [error.detail], error.status)
    return RedirectResponse(f"{back}{'&' if '?' in back else '?'}sent={comment.number}#c{comment.id}", 303)


def _messages(error: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]


def _form_again(request: Request, name: str, values: dict[str, str], back: str, errors: list[str],
                status: int) -> HTMLResponse:
    context = {"name": name, "values": values, "back": back, "errors": errors,
               **standards_view.form_context(request.state.actor)}
    return render.page(request, "comment_form.html", context, status=status)


@router.post("/comments/{comment_id}/disposition")
def dispose(request: Request, session: WriteSessionDep, actor: PageEditor, comment_id: str,
            form: CheckedForm) -> Response:
    """Propose a disposition (or, with `confirm`, confirm the proposed one) from the comments list."""
    comment = comments.get_for_change(session, standards_view.concept_id(comment_id))
    name = views.comment_publics(session, [comment])[0].release
    try:
        if form.get("confirm"):
            dispositions.confirm(session, comment, actor=actor, expected_rev=_rev(form))
        else:
            dispositions.propose(session, comment, _disposition(form), actor=actor, expected_rev=_rev(form))
    except (ValidationError, InvalidInput, Conflict, PermissionDenied, PreconditionFailed) as error:
        session.rollback()
        detail = "; ".join(_messages(error)) if isinstance(error, ValidationError) else error.detail
        context = standards_view.comments_page(session, name, actor, {})
        context["row_errors"] = {comment.id: detail}
        return render.page(request, "comments.html", context, status=getattr(error, "status", 422))
    return RedirectResponse(f"/releases/{name}/comments#c{comment.id}", 303)


def _rev(form: FormData) -> int | None:
    raw = str(form.get("rev") or "")
    return int(raw) if raw.isdigit() else None


def _disposition(form: FormData) -> DispositionIn:
    raw: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in ("decision", "reason", "merged_into", "revision")}
    return DispositionIn.model_validate({k: v for k, v in raw.items() if v})


@router.post("/releases/{name}/comment-period/{action}")
def period_action(request: Request, session: WriteSessionDep, actor: PageReviewer, name: str, action: str,
                  form: CheckedForm) -> Response:
    """Open, close, reopen or publish a comment period from the standard's page (reviewer)."""
    release = releases.resolve(session, name)
    _period_action(session, release, action, form, actor)  # errors: the HTML error page, nothing written
    key = views.release_period(session, name)[2].key
    return RedirectResponse(f"/standards/{key}#periods", 303)


def _period_action(session, release, action: str, form: FormData, actor: Actor) -> None:
    note = str(form.get("note") or "").strip() or None
    if action == "open":
        body = PeriodOpen(release=release.name, closes_on=_day(form), note=note)
        periods.open_period(session, release, body, actor=actor)
        return
    period = periods.get_period(session, release)
    if action == "close":
        periods.close_period(session, period, actor=actor, note=note)
    elif action == "reopen":
        if not note:
            raise InvalidInput("a note is required to reopen a comment period")
        periods.reopen_period(session, period, _day(form), note, actor=actor)
    elif action == "publish":
        periods.publish_period(session, period, actor=actor)
    else:
        raise InvalidInput(f"unknown action '{action[:20]}'")


def _day(form: FormData) -> date:
    raw = str(form.get("closes_on") or "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"closing date '{raw[:20]}' is not a date (YYYY-MM-DD)",
                           errors=[{"pointer": "/closes_on", "detail": raw[:20]}]) from None
