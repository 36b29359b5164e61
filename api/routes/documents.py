"""HTTP for printing a term standard: the document as DOCX, PDF, HTML or NISO STS, and its checks."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from api.deps import SessionDep
from api.problems import problems
from registry.errors import InvalidInput, NotFound
from terms.document import render

# Mounted ahead of the standards router, whose `/{key_or_code:path}` would otherwise take these paths.
router = APIRouter(prefix="/standards", tags=["documents"])
Standard = Annotated[str, Path(max_length=80, description="standard key (sfterms-1) or code (JR/T XXXX.1)")]
Release = Annotated[str | None, Query(max_length=60, description="release name, `latest` or `latest-any`; "
                                                                  "default: the live state")]
FORMAT_PATTERN = "^(docx|pdf|html|sts)$"


class DocumentProblem(BaseModel):
    code: str
    entry: str
    detail: str


@router.get("/{standard:path}/document/checks", responses=problems(NotFound, InvalidInput))
def document_checks(session: SessionDep, standard: Standard, release: Release = None) -> list[DocumentProblem]:
    """What would make the standard's document non-conforming (an empty list: it conforms): entries
    without a definition, references to entries not in the release, number gaps and duplicates, preferred
    terms without pinyin, missing English equivalents in a bilingual standard."""
    return [DocumentProblem(code=p.code, entry=p.number, detail=p.detail)
            for p in render.problems(session, standard, release=release)]


@router.get("/{standard:path}/document", responses={**problems(NotFound, InvalidInput), 200: {"content": {
    media: {} for media in sorted({f.media_type for f in render.FORMATS.values()})}}}, response_class=Response)
def standard_document(session: SessionDep, standard: Standard, release: Release = None,
                      format: Annotated[str, Query(pattern=FORMAT_PATTERN)] = "pdf",
                      strict: Annotated[bool, Query(description="answer 422 listing the problems instead of "
                                                                "printing a non-conforming document")] = False
                      ) -> Response:
    """The standard as of `release` (or live) in GB/T 1.1-2020 / GB/T 20001.1 layout. The same release gives
    byte-identical HTML and STS, and DOCX/PDF with the same text dated at the release time.
    `X-Document-Problems` counts the checks' findings (see …/document/checks)."""
    printed = render.print_document(session, standard, fmt=format, release=release, strict=strict)
    return Response(printed.content, media_type=printed.media_type, headers={
        "Content-Disposition": f'attachment; filename="{printed.filename}"',
        "X-Document-Problems": str(len(printed.problems))})
