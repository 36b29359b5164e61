"""HTTP for term checking: POST a text (JSON) or a document (multipart) and get findings — or, for a Word
document with format=docx, the same document back with a comment on each term to change."""

from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.check_request import CheckJob, read_check, run_check
from api.problems import problems
from importers.docx_comments import comment_docx
from registry.errors import DocumentRejected, InvalidInput, NotFound, TooLarge, Unavailable
from terms.checking.models import CheckAnswer, CheckRequest

router = APIRouter(tags=["term checking"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Format = Annotated[str, Query(pattern="^(json|docx)$", description="json (findings), or docx: the uploaded "
                                                                   ".docx with a Word comment per finding")]


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its local $defs put in place (the OpenAPI document has no room for them here)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items()}
        return [walk(item) for item in node] if isinstance(node, list) else node
    return walk(schema)


FORM_SCHEMA = {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary", "description": ".txt, .md, .docx or .pdf (text layer)"},
    "text": {"type": "string", "description": "pasted text (when no file is sent)"},
    "release": {"type": "string"}, "parts": {"type": "string", "description": "comma-separated part numbers"},
    "standards": {"type": "string"}, "exclude_parts": {"type": "string"}, "exclude_standards": {"type": "string"},
    "ignore": {"type": "array", "items": {"type": "string"}, "description": "concept:ID or form:TEXT"}}}
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _inlined(CheckRequest.model_json_schema())},
    "multipart/form-data": {"schema": FORM_SCHEMA}}}}
ANSWERS = {200: {"content": {"application/json": {}, DOCX: {}},
                 "description": "findings and summary, or the commented Word document"}}


@router.post("/check", response_model=CheckAnswer, openapi_extra=BODY,
             responses={**ANSWERS, **problems(InvalidInput, NotFound, TooLarge, DocumentRejected, Unavailable)})
async def check(request: Request, format: Format = "json") -> Response:
    """Check a text or a document (.txt, .md, .docx, .pdf) against the term base: deprecated and superseded
    terms (error, with the term to use), admitted terms (info), preferred terms (recognised) and concepts
    written in more than one form (consistency). `release` checks against a release exactly; `parts`,
    `standards` and their `exclude_` forms narrow the term base; `ignore` drops findings for the document."""
    job = await read_check(request)
    answer = await run_check(job)
    if format == "docx":
        return await _commented(job, answer)
    return Response(orjson.dumps(answer), media_type="application/json")


async def _commented(job: CheckJob, answer: dict[str, Any]) -> Response:
    if job.data is None or job.document is None:
        raise InvalidInput("format=docx returns an uploaded Word document with comments: upload a .docx",
                           errors=[{"pointer": "/format", "detail": "needs a .docx upload"}])
    data, added = await run_in_threadpool(comment_docx, job.data, answer["findings"], name=job.document.name)
    stem = job.document.name.rsplit(".", 1)[0]
    headers = {"Content-Disposition": _attachment(f"{stem}.checked.docx"), "X-Comments-Added": str(added)}
    return Response(data, media_type=DOCX, headers=headers)


def _attachment(filename: str) -> str:
    return f"attachment; filename=\"checked.docx\"; filename*=UTF-8''{quote(filename)}"
