"""The standard's text as a page of the site (`/standards/{key}/document?release=NAME`): the checks before
printing, the download buttons and the document itself; and the figures of the part pages."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup
from sqlmodel import Session
from starlette.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.pages import render
from api.pages.signin import page_actor
from registry.releases.models import Release
from terms.document import diagrams, html_writer, source
from terms.document.model import DiagramNode

router = APIRouter(route_class=render.TimedRoute, dependencies=[Depends(page_actor)],
                   include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/standards/{key}/document")
def document(request: Request, session: SessionDep, key: str,
             release: Annotated[str | None, Query(max_length=60)] = None) -> HTMLResponse:
    return render.page(request, "standard_document.html", document_page(session, key, release))


@router.get("/document.css", response_class=Response)
def stylesheet() -> Response:
    """The document's own styles (the same as in the standalone HTML file)."""
    return Response(html_writer.css(), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


def document_page(session: Session, key: str, release: str | None) -> dict[str, Any]:
    """The document model's HTML and its problems."""
    document = source.load_document(session, key, release=release)
    return {"d": document, "body": Markup(html_writer.fragment(document)),  # noqa: S704 (autoescaped fragment)
            "release": release}


def release_documents(session: Session, release: Release) -> list[Any]:
    """The term standards whose text the release holds (for the release page's download buttons)."""
    return source.standards_in_release(session, release)


def part_figures(session: Session, number: int) -> list[tuple[Any, Markup]]:
    """The part page's concept diagrams, each box linking to its entry's page; none without Graphviz."""
    found = source.part_diagrams(session, number)
    try:
        svgs = diagrams.svgs(found, _concept_href)
    except diagrams.DiagramsUnavailable:
        return []
    return [(d, Markup(svg)) for d, svg in zip(found, svgs, strict=True)]  # noqa: S704 (dot's escaped SVG)


def _concept_href(node: DiagramNode) -> str:
    return f"/concepts/{node.id}"
