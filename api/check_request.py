"""Reading a term-check request — JSON, or a multipart form with a file or pasted text — for the API route
and the page alike, and running it off the event loop."""

from dataclasses import dataclass
from typing import Any

from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from importers.check_documents import Document, read_document
from registry.database import get_engine
from registry.errors import InvalidInput, TooLarge
from registry.settings import get_settings
from terms.checking.models import CheckOptions, CheckRequest
from terms.checking.service import check_text

LIST_FIELDS = ("parts", "standards", "exclude_parts", "exclude_standards")


@dataclass
class CheckJob:
    """What to check: the text (or the uploaded document), the options, and the original bytes of a .docx."""

    text: str
    options: CheckOptions
    document: Document | None = None
    data: bytes | None = None


async def read_check(request: Request) -> CheckJob:
    """The job a request asks for; raise InvalidInput, TooLarge or DocumentRejected."""
    if request.headers.get("content-type", "").startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return await _from_form(request)
    try:
        asked = CheckRequest.model_validate_json(await request.body())
    except ValidationError as error:
        raise invalid(error) from None
    return CheckJob(asked.text, asked)


async def _from_form(request: Request) -> CheckJob:
    async with request.form(max_files=1, max_fields=200) as form:
        upload = form.get("file")
        options = form_options(form)
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            _check_size(len(data))
            document = await run_in_threadpool(read_document, upload.filename, data)
            return CheckJob(document.text, options, document, data if document.kind == "docx" else None)
    text = str(form.get("text") or "")
    if not text.strip():
        raise InvalidInput("the text to check is empty: paste text or upload a file",
                           errors=[{"pointer": "/text", "detail": "empty"}])
    return CheckJob(text, options)


def form_options(form: FormData) -> CheckOptions:
    """CheckOptions from form fields: release; parts, standards and their exclusions (repeated or
    comma-separated); ignore (repeated `concept:ID` or `form:TEXT`)."""
    fields: dict[str, Any] = {name: _listed(form.getlist(name)) for name in LIST_FIELDS if form.getlist(name)}
    fields["ignore"] = [_ignored(str(v)) for v in form.getlist("ignore") if str(v).strip()]
    release = str(form.get("release") or "").strip()
    if release:
        fields["release"] = release
    try:
        return CheckOptions.model_validate(fields)
    except ValidationError as error:
        raise invalid(error) from None


def _listed(values: list) -> list[str]:
    return [item.strip() for value in values for item in str(value).split(",") if item.strip()]


def _ignored(value: str) -> dict[str, Any]:
    kind, _, what = value.partition(":")
    if kind == "concept" and what.isdigit():
        return {"concept_id": int(what)}
    if kind == "form" and what:
        return {"form": what}
    raise InvalidInput(f"ignore '{value[:60]}' is neither concept:ID nor form:TEXT",
                       errors=[{"pointer": "/ignore", "detail": value[:60]}])


def _check_size(size: int) -> None:
    limit = get_settings().max_check_bytes
    if size > limit:
        raise TooLarge(f"the document has {size} bytes; the limit is {limit} (SFREG_MAX_CHECK_BYTES)")


def invalid(error: ValidationError) -> InvalidInput:
    """The 422 of a request body that does not fit its model, one entry per problem."""
    problems = [{"pointer": "/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
                for e in error.errors(include_url=False)]
    first = problems[0]
    return InvalidInput(f"{first['pointer']}: {first['detail']}", errors=problems)


async def run_check(job: CheckJob) -> dict[str, Any]:
    """The findings and summary of `job`, computed in a worker thread (a large document takes a while)."""
    answer = await run_in_threadpool(check_text, get_engine(), job.text, job.options)
    if job.document is not None:
        answer["summary"]["document"] = {"name": job.document.name, "kind": job.document.kind,
                                         "encoding": job.document.encoding}
    return answer
