"""HTTP for bulk imports (multipart upload, editor) and streaming exports.

Datasets: terms, mic, isin, codes/<scheme> (also codes-<scheme>). An import answers 200 with the report, or
422 problem+json listing every bad row in `errors` (nothing written); `dry_run=true` writes nothing either
way. Uploads over SFREG_MAX_UPLOAD_BYTES get 413 while they stream in (api/limits.py).
"""

import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlmodel import Session

from api import metrics
from api.deps import EditorDep, SessionDep
from api.problems import problems
from importers import service
from registry.database import get_engine
from registry.errors import (
    ImportRejected,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
    Unauthenticated,
)
from terms.models import MAX_PART

router = APIRouter(tags=["imports"])
Dataset = Annotated[str, Path(max_length=60, description="terms, mic, isin or codes/<scheme>")]
DryRun = Annotated[bool, Query(description="report what would happen, write nothing")]
ImportFormat = Annotated[str | None, Query(pattern="^(csv|xlsx|tbx|ttl|jsonld)$",
                                           description="default: the extension; ttl, jsonld: SKOS")]
Part = Annotated[int | None, Query(ge=1, le=MAX_PART, description="part for rows (or a TBX file) without one")]
ExportFormat = Annotated[str, Query(pattern="^(csv|xlsx|tbx|json|ttl|jsonld)$")]
Layout = Annotated[str, Query(pattern="^(parent|levels)$", description="classification schemes in csv/xlsx: a "
                                                                       "parent column or one column per level")]
ReleaseName = Annotated[str | None, Query(max_length=60, description="release name, latest or latest-any")]
STREAMED = {200: {"description": "the dataset, streamed",
                  "content": {media: {} for media in service.MEDIA_TYPES.values()}}}


def import_session(request: Request, dry_run: bool = False) -> Iterator[Session]:
    """A session that commits before the response unless this is a dry run (code imports write as they
    stream, so a dry run is rolled back); any error rolls back."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
    on_commit = getattr(request.app.state, "on_commit", None)
    if on_commit is not None and not dry_run:
        on_commit()


ImportSessionDep = Annotated[Session, Depends(import_session, scope="function")]


class ImportReportPublic(BaseModel):
    dataset: str
    source: str
    dry_run: bool
    written: bool
    counts: dict[str, int]
    errors_total: int
    warnings_total: int
    rows: list[dict[str, Any]]
    rows_truncated: bool
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


@router.post("/imports/{dataset:path}", responses=problems(ImportRejected, InvalidInput, NotFound, TooLarge,
                                                           Unauthenticated, PermissionDenied))
def import_file(session: ImportSessionDep, actor: EditorDep, dataset: Dataset, file: UploadFile,
                dry_run: DryRun = False, format: ImportFormat = None,
                part: Part = None) -> ImportReportPublic:
    """Import a file (editor): every row created, updated (with the changed fields), unchanged, or 422."""
    started = time.perf_counter()
    report = service.run_import(session, dataset, file.file, filename=file.filename or "upload", actor=actor,
                                fmt=format, dry_run=dry_run, default_part=part)
    metrics.record_import(dataset, report, time.perf_counter() - started)
    report.raise_if_rejected()
    return ImportReportPublic.model_validate(report.as_dict())


@router.get("/exports/{dataset:path}", response_class=StreamingResponse,
            responses={**problems(InvalidInput, NotFound), **STREAMED})
def export_dataset(session: SessionDep, dataset: Dataset, format: ExportFormat = "csv",
                   release: ReleaseName = None, layout: Layout = "parent") -> StreamingResponse:
    """Stream a dataset as CSV (UTF-8, BOM), XLSX, TBX-Basic (terms), JSON or SKOS (ttl, jsonld; code
    schemes): the live state or a release. `layout=levels`: a classification with one column per level."""
    out = service.export(session, get_engine(), dataset, format, release=release, layout=layout)
    return StreamingResponse(out.chunks, media_type=out.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{out.filename}"'})
