"""The term-check page: paste a text or upload a document, see every term marked in place."""

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse

from api.pages import check_view, render
from api.pages.signin import page_actor

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/check")
def check_form(request: Request) -> HTMLResponse:
    return render.page(request, "check.html", check_view.form_context())


@router.post("/check")
async def check(request: Request) -> HTMLResponse:
    context, status = await check_view.check_page(request)
    return render.page(request, "check.html", context, status=status)
