"""Server-rendered pages for browsers: search, entries, parts; `mount(app)` wires every page router.

Routes only translate HTTP: parse, call one assembling function (which calls the services), render.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from api import problems
from api.deps import SessionDep
from api.pages import assemble, render, search_page
from api.pages.errors import render_error
from api.pages.signin import PageActor, page_actor

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    return render.page(request, "home.html", search_page.home(session))


@router.get("/search")
def search(request: Request, session: SessionDep, q: Annotated[str, Query(max_length=200)] = "",
           part: Annotated[str, Query(max_length=2)] = "", status: Annotated[str, Query(max_length=20)] = "",
           page: Annotated[int, Query(ge=1, le=1000)] = 1) -> HTMLResponse:
    context = search_page.results(session, q=q, part=part, status=status, page=page)
    return render.page(request, "search.html", context)


@router.get("/concepts/{concept_id}")
def concept(request: Request, session: SessionDep, actor: PageActor, concept_id: str,
            release: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    context = assemble.concept_page(session, concept_id, release=release, actor=actor)
    return render.page(request, "concept.html", context)


@router.get("/parts")
def parts(request: Request, session: SessionDep) -> HTMLResponse:
    return render.page(request, "parts.html", search_page.home(session))


@router.get("/parts/{number}")
def part(request: Request, session: SessionDep, number: str) -> HTMLResponse:
    return render.page(request, "part.html", assemble.part_page(session, search_page.part_number(number)))


def mount(app: FastAPI) -> None:
    """Serve the pages and their static files from `app`, and render errors as HTML for browsers."""
    from api.pages import (
        check_pages,
        classification_pages,
        code_pages,
        curation,
        document_pages,
        release_pages,
        standard_pages,
    )
    # classification pages before code pages: /schemes/{scheme}/tree is not the code "tree"
    for page_router in (router, curation.router, classification_pages.router, code_pages.router,
                        standard_pages.router, release_pages.router, check_pages.router, document_pages.router):
        app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    problems.html_renderer = render_error
