"""Release pages: the list, one release's notes, and the colour-coded diff between two releases."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import releases_view, render
from api.pages.signin import page_actor

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)
Name = Annotated[str, Query(max_length=60)]


@router.get("/releases")
def releases(request: Request, session: SessionDep, a: Name = "", b: Name = "") -> Response:
    if a and b:  # the compare form works without script: it lands here and goes on to the diff
        return RedirectResponse(f"/releases/{releases_view.quote(a)}/diff/{releases_view.quote(b)}", 303)
    return render.page(request, "releases.html", releases_view.list_page(session))


@router.get("/releases/{name}")
def release(request: Request, session: SessionDep, name: str) -> HTMLResponse:
    return render.page(request, "release.html", releases_view.release_page(session, name))


@router.get("/releases/{a}/diff/{b}")
def diff(request: Request, session: SessionDep, a: str, b: str) -> HTMLResponse:
    return render.page(request, "diff.html", releases_view.diff_page(session, a, b))
