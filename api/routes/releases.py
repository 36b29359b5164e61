"""HTTP for releases: create (reviewer), list, read with counts, diff (JSON or CSV delta)."""

import csv
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import ReviewerDep, SessionDep, WriteSessionDep
from api.problems import problems
from api.versioned import TABLES
from importers import release_bundle
from importers.safety import neutralise_cell
from registry.database import get_engine
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated
from registry.releases import service
from registry.releases.models import Release, ReleaseCreate, ReleasePublic, Stage
from registry.settings import get_settings

router = APIRouter(prefix="/releases", tags=["releases"])
Name = Annotated[str, Path(max_length=60, description="release name, `latest` or `latest-any`")]
IMMUTABLE = "public, max-age=31536000, immutable"


def public(release: Release) -> ReleasePublic:
    counts = {table.kind: service.counts(release, table) for table in TABLES}
    return ReleasePublic(name=release.name, seq=release.seq, line=release.line, stage=release.stage,
                         standard=release.line if release.standard_id is not None else None,
                         stage_label=Stage(release.stage).label_zh, title=release.title, notes=release.notes,
                         scope=release.scope, counts=counts, created_at=release.created_at,
                         created_by=release.created_by)


@router.post("", status_code=201, responses=problems(InvalidInput, Unauthenticated, PermissionDenied, Conflict))
def create_release(session: WriteSessionDep, actor: ReviewerDep, response: Response,
                   body: ReleaseCreate) -> ReleasePublic:
    """Freeze the live state as a release (reviewer or admin). Releases never change afterwards."""
    release = service.create_release(session, body, actor=actor, tables=TABLES)
    response.headers["Location"] = f"/api/v1/releases/{release.name}"
    return public(release)


@router.get("")
def list_releases(session: SessionDep) -> list[ReleasePublic]:
    """All releases, newest first."""
    return [public(r) for r in service.list_releases(session)]


@router.get("/{name}", responses=problems(NotFound, InvalidInput))
def read_release(session: SessionDep, response: Response, name: Name) -> ReleasePublic:
    """One release with its counts per part and scheme."""
    release = service.resolve(session, name)
    _cache(response, release, name)
    return public(release)


class FieldChange(BaseModel):
    field: str
    old: Any = None
    new: Any = None
    kind: str | None = Field(default=None, description="e.g. renumbered")


class DiffEntry(BaseModel):
    kind: str = Field(description="concept or code")
    id: int
    scope: str = Field(description="part number or scheme slug")
    label: str
    revision: int
    changes: list[FieldChange] | None = Field(default=None, description="changed entries only")


class ReleaseDiff(BaseModel):
    from_: str = Field(alias="from")
    to: str
    counts: dict[str, dict[str, int]] = Field(description="per kind: added, removed, changed")
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[DiffEntry]


DIFF_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"model": ReleaseDiff, "content": {"text/csv": {
    "schema": {"type": "string", "description": "?format=csv: one row per changed field"}}}}}


@router.get("/{a}/diff/{b}", responses={**DIFF_RESPONSES, **problems(NotFound, InvalidInput)},
            response_model=None)
def diff_releases(session: SessionDep, response: Response, a: Name, b: Name,
                  format: Annotated[str, Query(pattern="^(json|csv)$")] = "json") -> Any:
    """Added, removed and changed entries from release `a` to release `b`, with field changes and counts;
    `?format=csv` gives the same as a CSV delta (one row per changed field)."""
    old, new = service.resolve(session, a), service.resolve(session, b)
    result = service.diff(session, old, new, TABLES)
    headers = {"Cache-Control": IMMUTABLE if a.lower() not in ("latest", "latest-any") and b.lower() not in (
        "latest", "latest-any") else "public, max-age=60"}
    if format == "csv":
        return Response(_delta_csv(result), media_type="text/csv; charset=utf-8", headers={
            **headers, "Content-Disposition": f'attachment; filename="diff-{old.name}-{new.name}.csv"'})
    return Response(json.dumps(result, ensure_ascii=False, default=str), media_type="application/json",
                    headers=headers)


@router.get("/{name}/export", responses=problems(NotFound, InvalidInput),
            response_class=FileResponse)
def export_release(session: SessionDep, request: Request, name: Name,
                   format: Annotated[str, Query(pattern="^(json|csv|tbx)$")] = "json") -> Response:
    """The release as a zip: one file per dataset in its scope plus manifest.json (counts, sha256 of each
    file). Byte-identical every time; served with a strong ETag and, for a named release, cached for a year."""
    release = service.resolve(session, name)
    bundle = release_bundle.bundle(session, get_engine(), release, format, get_settings().home)
    etag = f'"{bundle.sha256}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if name == release.name else "public, max-age=60"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(bundle.path, media_type="application/zip", headers=headers,
                        filename=f"sfreg-release-{release.name}-{format}.zip")


@router.get("/{name}/manifest", responses=problems(NotFound, InvalidInput))
def release_manifest(session: SessionDep, response: Response, name: Name,
                     format: Annotated[str, Query(pattern="^(json|csv|tbx)$")] = "json") -> dict[str, Any]:
    """The manifest of the release's export in `format`: files with rows, bytes and sha256."""
    release = service.resolve(session, name)
    bundle = release_bundle.bundle(session, get_engine(), release, format, get_settings().home)
    _cache(response, release, name)
    return bundle.manifest


def _cache(response: Response, release: Release, asked: str) -> None:
    response.headers["ETag"] = f'"release-{release.seq}"'
    response.headers["Cache-Control"] = IMMUTABLE if asked == release.name else "public, max-age=60"


def _delta_csv(result: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["change", "kind", "id", "scope", "label", "field", "old", "new"])
    for change in ("added", "removed"):
        for e in result[change]:
            writer.writerow([change, e["kind"], e["id"], e["scope"], neutralise_cell(e["label"]), "", "", ""])
    for e in result["changed"]:
        for c in e["changes"]:
            writer.writerow(["changed", e["kind"], e["id"], e["scope"], neutralise_cell(e["label"]), c["field"],
                             neutralise_cell(_text(c["old"])), neutralise_cell(_text(c["new"]))])
    return "\ufeff" + out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
