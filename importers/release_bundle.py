"""A release as files: one export per dataset in its scope, zipped with a manifest of counts and sha256.

Byte-identical every time for the same release: datasets are read from the frozen revisions in a fixed
order, zip entries carry the release's creation time, and nothing else varies. The bundle is a derived
cache kept under $SFREG_HOME/exports and rebuilt whenever it is missing.
"""

import hashlib
import json
import os
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from codes.versioned import CODES
from importers import service
from registry.errors import InvalidInput
from registry.releases import service as releases
from registry.releases.models import Release, Stage
from terms.versioned import CONCEPTS

BUNDLE_FORMATS = ("json", "csv", "tbx")
_BUILDING = threading.Lock()


@dataclass(frozen=True)
class Bundle:
    path: Path
    sha256: str
    manifest: dict[str, Any]


def datasets(release: Release, fmt: str) -> list[tuple[str, str]]:
    """(dataset, file format) pairs in the release's scope; code lists have no TBX form, so a TBX bundle
    carries them as CSV."""
    out = [("terms", fmt)] if release.scope.get("parts") else []
    code_format = "csv" if fmt == "tbx" else fmt
    return out + [(f"codes/{scheme}", code_format) for scheme in release.scope.get("schemes", [])]


def bundle(session: Session, engine: Engine, release: Release, fmt: str, home: Path) -> Bundle:
    """The release's bundle in `fmt`, built on first use and cached on disk."""
    if fmt not in BUNDLE_FORMATS:
        raise InvalidInput(f"unknown export format '{fmt}'; formats: {', '.join(BUNDLE_FORMATS)}",
                           errors=[{"pointer": "/format", "detail": fmt}])
    target = home / "exports" / f"release-{release.seq}-{fmt}.zip"
    manifest_path = target.with_suffix(".json")
    with _BUILDING:  # one build at a time per process; other processes may race, with identical results
        if not (target.exists() and manifest_path.exists()):
            _build(session, engine, release, fmt, target, manifest_path)
    manifest = json.loads(manifest_path.read_text("utf-8"))
    return Bundle(path=target, sha256=manifest["bundle_sha256"], manifest=manifest)


def _build(session: Session, engine: Engine, release: Release, fmt: str, target: Path, manifest_path: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = release.created_at.timetuple()[:6]
    files = []
    with (tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp,
          zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive):
        for dataset, file_format in datasets(release, fmt):
            files.append(_add(archive, session, engine, release, dataset, file_format, stamp))
        manifest = _manifest(release, fmt, files)
        _write(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode(), stamp)
    digest = _sha256(Path(tmp.name))
    os.replace(tmp.name, target)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                     suffix=".part") as staged:
        staged.write(json.dumps({**manifest, "bundle_sha256": digest}, ensure_ascii=False, indent=2))
    os.replace(staged.name, manifest_path)


def _add(archive: zipfile.ZipFile, session: Session, engine: Engine, release: Release, dataset: str, fmt: str,
         stamp: tuple) -> dict[str, Any]:
    export = service.export(session, engine, dataset, fmt, release=release.name)
    name = f"{dataset.replace('/', '-')}.{fmt}"
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w") as out:
        for chunk in _bytes(export.chunks):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return {"file": name, "dataset": dataset, "format": fmt, "bytes": size, "sha256": digest.hexdigest(),
            "rows": _rows(release, dataset)}


def _rows(release: Release, dataset: str) -> int:
    if dataset == "terms":
        return sum(releases.counts(release, CONCEPTS).values())
    return releases.counts(release, CODES).get(dataset.split("/", 1)[1], 0)


def _bytes(chunks: Iterator[str | bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _write(archive: zipfile.ZipFile, name: str, data: bytes, stamp: tuple) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _manifest(release: Release, fmt: str, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {"release": release.name, "stage": release.stage, "stage_label": Stage(release.stage).label_zh,
            "line": release.line, "created_at": release.created_at.isoformat(), "format": fmt,
            "scope": release.scope, "files": files}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
