"""Curation pages: sign in and out, edit a concept (errors inline, input kept), move it along the workflow.

Writes call the same services as the API, in a session that commits before the response is sent.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep, WriteSessionDep
from api.pages import assemble, editing, render, signin
from api.pages.signin import CheckedForm, PageEditor

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(signin.page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/signin")
def signin_form(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> HTMLResponse:
    return render.page(request, "signin.html", {"next": editing.safe_next(next), "failed": False})


@router.post("/signin")
def sign_in(request: Request, session: WriteSessionDep, form: CheckedForm) -> Response:
    return editing.sign_in(session, request, form)


@router.post("/signout")
def sign_out(request: Request, session: WriteSessionDep, form: CheckedForm) -> Response:
    response = RedirectResponse("/", status_code=303)
    signin.sign_out(session, request, response)
    return response


@router.get("/concepts/{concept_id}/edit")
def edit_form(request: Request, session: SessionDep, actor: PageEditor, concept_id: str) -> HTMLResponse:
    return render.page(request, "edit.html", assemble.edit_page(session, concept_id))


@router.post("/concepts/{concept_id}/edit")
def save_edit(request: Request, session: WriteSessionDep, actor: PageEditor, concept_id: str,
              form: CheckedForm) -> Response:
    return editing.save(session, request, concept_id, form, actor=actor)


@router.post("/concepts/{concept_id}/transition")
def transition(session: WriteSessionDep, actor: PageEditor, concept_id: str, form: CheckedForm) -> Response:
    return editing.transition(session, concept_id, form, actor=actor)

