"""Classification pages: the collapsible tree of a scheme (`<details>`, no JavaScript needed) and node pages.

Mounted ahead of the code-list pages: `/schemes/{scheme}/tree` must not be read as the code "tree".
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse

from api.deps import SessionDep
from api.pages import classification_view, render
from api.pages.signin import page_actor

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/schemes/{scheme}/tree")
def tree(request: Request, session: SessionDep, scheme: str,
         q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return render.page(request, "tree.html", classification_view.tree_page(session, scheme, q=q))


@router.get("/schemes/{scheme}/tree/{code}")
def node(request: Request, session: SessionDep, scheme: str, code: str) -> HTMLResponse:
    return render.page(request, "tree.html", classification_view.node_page(session, scheme, code))
