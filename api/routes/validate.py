"""HTTP for identifier validation: one code per GET, batches per POST (JSON or text in; JSON or CSV out)."""

import csv
import io
import time
from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError
from starlette.routing import Route

from api import metrics
from api.deps import ReleaseName, ReleaseQuery, reader, release_cache_control
from api.params import IsoDate
from api.problems import problems
from codes import classification_validate, validation
from importers.safety import neutralise_cell
from registry.database import get_engine
from registry.errors import InvalidInput, NotFound, TooLarge

router = APIRouter(prefix="/validate", tags=["validation"])
Kind = Annotated[str, Path(max_length=40, description="a kind listed by GET /validate (isin, cfi, cn_security, …)")]
AsOf = Annotated[IsoDate | None, Query(description="validate as on this date (YYYY-MM-DD)")]


class Finding(BaseModel):
    code: str
    message: str
    message_zh: str


class ValidationResult(BaseModel):
    input: str
    normalized: str
    valid: bool
    errors: list[Finding]
    warnings: list[Finding]
    components: dict[str, Any]
    registered: bool | None
    record: dict[str, Any] | None
    links: dict[str, Any] | None = Field(default=None, description="isin ↔ cn_security: the other code's record")


class Batch(BaseModel):
    model_config = {"extra": "forbid", "json_schema_extra": {"examples": [{"codes": ["CNE000001R84",
                                                                                     "US0378331005"]}]}}
    codes: list[Annotated[str, Field(max_length=20_000)]]


class BatchResult(BaseModel):
    results: list[ValidationResult]


class KindInfo(BaseModel):
    kind: str
    description: str
    description_zh: str


@router.get("", response_model=list[KindInfo])
async def list_kinds() -> list[dict[str, str]]:
    """Every validation kind with a one-line description in English and Chinese, then each classification
    scheme (validated at /validate/{scheme}/{code} like a kind)."""
    schemes = await run_in_threadpool(classification_validate.describe_schemes, get_engine())
    return validation.describe_kinds() + schemes


@router.get("/{kind}/{code}", responses=problems(NotFound), response_model=ValidationResult)
async def validate_one(kind: Kind, code: Annotated[str, Path(max_length=20_000)], as_of: AsOf = None,
                       release: ReleaseQuery = None) -> Response:
    """Validate one code; 200 whatever the verdict, with reasons in Chinese and English.

    Served by `validate_one_fast` (a plain Starlette route mounted ahead of the API, same behaviour);
    this declaration is the documented contract."""
    return _answer(kind, code, as_of, release)


async def validate_one_fast(request: Request) -> Response:
    """The high-volume GET without FastAPI's parameter machinery (~0.3 ms per request saved): the same
    parameters, checked by hand, and the same answer as `validate_one`."""
    await reader(request)
    if not request.scope["query_string"]:  # the common case: no query to parse (~5 µs of the hot path)
        return _answer(request.path_params["kind"], request.path_params["code"], None, None)
    query = request.query_params
    unknown = set(query) - {"as_of", "release"}
    if unknown:
        raise InvalidInput(f"unknown query parameter(s): {', '.join(sorted(unknown))[:100]}")
    release = query.get("release")
    if release is not None and len(release) > 60:
        raise InvalidInput("release names have at most 60 characters", errors=[{"pointer": "/release"}])
    return _answer(request.path_params["kind"], request.path_params["code"], _date(query.get("as_of")), release)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text is not None else None
    except ValueError:
        raise InvalidInput(f"as_of {text[:40]!r} is not a date (YYYY-MM-DD)",
                           errors=[{"pointer": "/as_of", "detail": text[:40]}]) from None


def _answer(kind: str, code: str, as_of: date | None, release: str | None) -> Response:
    if len(kind) > 40 or len(code) > 20_000:
        raise InvalidInput("kind or code too long", errors=[{"pointer": "/code"}])
    result = validation.validate_code(get_engine(), kind, code, as_of=as_of, release=release)
    metrics.count_verdict(kind, result["valid"])
    return _JsonAnswer(orjson.dumps(result), release_cache_control(release))


class _JsonAnswer(Response):
    """A 200 JSON answer whose headers are set directly (Response's header merging is ~3 µs per request
    on the hot path)."""

    media_type = "application/json"

    def __init__(self, body: bytes, cache_control: str | None) -> None:
        self.status_code, self.body, self.background = 200, body, None
        self.raw_headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
        if cache_control:
            self.raw_headers.append((b"cache-control", cache_control.encode("latin-1")))


def fast_routes(prefix: str) -> list[Route]:
    """Routes to mount ahead of the FastAPI routers."""
    return [Route(f"{prefix}/validate/{{kind}}/{{code}}", validate_one_fast, methods=["GET"])]


@router.post("/{kind}", responses=problems(NotFound, InvalidInput, TooLarge),
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": Batch.model_json_schema()},
                 "text/plain": {"schema": {"type": "string", "description": "one code per line"}}}}})
async def validate_batch(request: Request, kind: Kind, as_of: AsOf = None,
                         format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None,
                         release: ReleaseName = None) -> Response:
    """Validate up to 10,000 codes, answered in input order; `?format=csv` or `Accept: text/csv` for CSV.
    The `Server-Timing` header gives the server's time from reading the body to the encoded answer."""
    started = time.perf_counter()
    validation.require_kind(kind)
    codes = _parse_batch(request.headers.get("content-type", ""), await request.body())
    results = await run_in_threadpool(validation.validate_codes, get_engine(), kind, codes, as_of=as_of,
                                      release=release)
    metrics.count_verdicts(kind, results)
    if format == "csv" or (format is None and "text/csv" in request.headers.get("accept", "")):
        body, media_type = _csv(results).encode(), "text/csv; charset=utf-8"
    else:
        body, media_type = orjson.dumps({"results": results}), "application/json"
    timing = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return Response(body, media_type=media_type, headers={"Server-Timing": timing})


BATCH_SHAPE = 'send {"codes": ["…", …]} (an object with a list of strings) or text/plain, one code per line'


def _parse_batch(content_type: str, body: bytes) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"the body is not UTF-8 (byte {error.start})",
                           errors=[{"pointer": "/", "detail": "not UTF-8"}]) from None
    if content_type.startswith("text/plain"):
        return [line.strip() for line in text.splitlines() if line.strip()]
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the body is not JSON ({error}); {BATCH_SHAPE}",
                           errors=[{"pointer": "/", "detail": "not JSON"}]) from None
    try:
        return Batch.model_validate(data).codes
    except ValidationError as error:
        errors = [{"pointer": "/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]} for e in error.errors()]
        got = "a bare list" if isinstance(data, list) else f"a JSON {type(data).__name__}" if not isinstance(
            data, dict) else "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:3])
        raise InvalidInput(f"{BATCH_SHAPE}; got {got}", errors=errors) from None


def _csv(results: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["input", "normalized", "valid", "registered", "errors", "warnings"])
    for r in results:
        writer.writerow([neutralise_cell(r["input"]), r["normalized"], _flag(r["valid"]), _flag(r["registered"]),
                         "; ".join(e["message"] for e in r["errors"]),
                         "; ".join(w["message"] for w in r["warnings"])])
    return "\ufeff" + out.getvalue()


def _flag(value: bool | None) -> str:
    """true / false as in the JSON answer; empty for null (no registry to ask)."""
    return "" if value is None else "true" if value else "false"
