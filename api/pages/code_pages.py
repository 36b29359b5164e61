"""Code-list pages: schemes, their entries with validity and successors, and batch validation (table, CSV)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.pages import codes_view, render
from api.pages.signin import page_actor

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str, Query(max_length=200)]


@router.get("/schemes")
def schemes(request: Request, session: SessionDep) -> HTMLResponse:
    return render.page(request, "schemes.html", codes_view.schemes_page(session))


@router.get("/schemes/{scheme}")
def scheme(request: Request, session: SessionDep, scheme: str, q: Text = "", status: Text = "",
           as_of: date | None = None, cursor: Annotated[int | None, Query(ge=0)] = None) -> HTMLResponse:
    context = codes_view.scheme_page(session, scheme, q=q, status=status, as_of=as_of, cursor=cursor)
    return render.page(request, "scheme.html", context)


@router.get("/schemes/{scheme}/{code}")
def code(request: Request, session: SessionDep, scheme: str, code: str, as_of: date | None = None) -> HTMLResponse:
    return render.page(request, "code.html", codes_view.code_page(session, scheme, code, as_of=as_of))


@router.get("/validate")
def validate(request: Request, kind: Annotated[str, Query(max_length=40)] = "isin",
             codes: Annotated[str, Query(max_length=400_000)] = "", as_of: date | None = None,
             format: Annotated[str, Query(pattern="^(html|csv)$")] = "html") -> Response:
    context = codes_view.validate_page(kind, codes, as_of=as_of)
    if format == "csv":
        return codes_view.csv_response(context)
    return render.page(request, "validate.html", context)
