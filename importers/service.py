"""Import and export jobs, shared by the CLI and the HTTP API: open a file in its format, plan and write
its rows, report; stream a dataset out in a format.

Datasets: `terms` (csv, xlsx, tbx in; csv, xlsx, tbx, json out), `codes/<scheme>` (csv, xlsx), `isin`
(= codes/isin) and `mic` (ISO 10383 file into codes/venue; import only). An import returns its
ImportReport and never commits: the caller commits, or rolls back when the report is rejected or the
run is a dry run (code imports write as they stream, so a dry run is rolled back, not skipped).
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from codes import bulk as codes_bulk
from codes import service as codes_service
from codes.versioned import CODES
from importers import classification as classification_io
from importers import csv_io, layouts, skos, tbx, xlsx_io
from importers.mic_file import read_mic_file
from importers.report import ImportReport
from registry.auth import Actor
from registry.errors import InvalidInput, NotFound
from terms import as_of as terms_as_of
from terms import bulk as terms_bulk
from terms import service as terms_service
from terms.models import Concept
from terms.versioned import CONCEPTS

IMPORT_FORMATS = {"terms": ("csv", "xlsx", "tbx"), "codes": ("csv", "xlsx", "ttl", "jsonld"), "mic": ("csv",)}
EXPORT_FORMATS = ("csv", "xlsx", "tbx", "json", "ttl", "jsonld")  # ttl, jsonld: SKOS, code schemes only
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
               "ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "tbx": "application/x-tbx+xml; charset=utf-8", "json": "application/json"}
Progress = Callable[[int], None] | None
PROGRESS_ROWS = 1000


def parse_dataset(name: str) -> tuple[str, str | None]:
    """'terms' | 'mic' | 'isin' | 'codes/<scheme>' | 'codes-<scheme>' -> (kind, scheme)."""
    if name in ("terms", "mic"):
        return name, "venue" if name == "mic" else None
    if name == "isin":
        return "codes", "isin"
    for prefix in ("codes/", "codes-"):
        if name.startswith(prefix) and name[len(prefix):]:
            return "codes", name[len(prefix):]
    raise NotFound(f"no dataset '{name[:60]}'; datasets: terms, mic, isin, codes/<scheme>")


def file_format(kind: str, filename: str, declared: str | None) -> str:
    """The declared format, else the file's extension (.txt/.tsv read as CSV); InvalidInput otherwise."""
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    fmt = declared or {"tsv": "csv", "txt": "csv", "xls": "xlsx", "json-ld": "jsonld"}.get(suffix, suffix)
    allowed = IMPORT_FORMATS["codes" if kind == "codes" else kind]
    if fmt not in allowed:
        raise InvalidInput(f"cannot import '{filename}' as {fmt or 'an unknown format'} into {kind}; "
                           f"formats: {', '.join(allowed)}", errors=[{"pointer": "/format", "detail": fmt}])
    return fmt


# ---- imports --------------------------------------------------------------------------------------

def run_import(session: Session, dataset: str, stream: IO[bytes], *, filename: str, actor: Actor,
               fmt: str | None = None, dry_run: bool = False, default_part: int | None = None,
               progress: Progress = None, sink=None, parallel: bool = False) -> ImportReport:
    """Import one file into `dataset`; return the report (rejected when any row is bad). `parallel`: code
    rows are read and prepared in a forked worker process (the CLI, for big files)."""
    kind, scheme = parse_dataset(dataset)
    fmt = file_format(kind, filename, fmt)
    report = ImportReport(dataset=dataset, source=filename, dry_run=dry_run, sink=sink)
    if kind == "terms":
        import_terms(session, stream, fmt, report, actor=actor, default_part=default_part, progress=progress)
    else:
        import_codes(session, scheme or "", stream, fmt, report, actor=actor, mic=kind == "mic",
                     progress=progress, parallel=parallel)
    return report


def import_terms(session: Session, stream: IO[bytes], fmt: str, report: ImportReport, *, actor: Actor,
                 default_part: int | None, progress: Progress = None) -> None:
    if default_part is not None:
        terms_service.get_part(session, default_part)
    rows = _concept_rows(stream, fmt, report)
    if report.rejected:
        return
    plan = terms_bulk.plan_concept_rows(session, rows, default_part=default_part, actor=actor)
    report.extend(plan)
    if not report.rejected and not report.dry_run:
        terms_bulk.apply(session, plan, actor=actor, change_note=f"import {report.source}"[:2000],
                         source=report.source, progress=progress)


def _concept_rows(stream: IO[bytes], fmt: str, report: ImportReport) -> list[terms_bulk.ConceptRow]:
    if fmt == "tbx":
        result = tbx.read_tbx(stream, source=report.source)
        for problem in result.problems:
            report.error(problem)
        for warning in result.warnings:
            report.warn(warning)
        return result.rows
    table = _read_table(stream, fmt, layouts.CONCEPT_ALIASES, report)
    if not {"id", "entry_number", "preferred"} & set(table.fields):
        table.require("entry_number")
    return list(layouts.concept_rows(table))


def _read_table(stream: IO[bytes], fmt: str, aliases: dict[str, str], report: ImportReport) -> csv_io.Table:
    reader = xlsx_io.read_table if fmt == "xlsx" else csv_io.read_table
    table = reader(stream, aliases, source=report.source)
    for header in table.unknown:
        report.warn({"line": 1, "column": header, "detail": f"column '{header}' is not imported"})
    return table


def import_codes(session: Session, scheme: str, stream: IO[bytes], fmt: str, report: ImportReport, *,
                 actor: Actor, mic: bool = False, progress: Progress = None, parallel: bool = False) -> None:
    scheme_row = codes_service.get_scheme(session, scheme)
    if scheme_row.kind == "classification":  # read whole, checked as one tree, then written
        classification_io.import_classification(session, scheme_row, stream, fmt, report, actor=actor,
                                                parallel=parallel)
        return
    if fmt in classification_io.SKOS_FORMATS:
        raise InvalidInput(f"SKOS files ({fmt}) import into classification schemes; {scheme} is a flat list",
                           errors=[{"pointer": "/format", "detail": fmt}])
    importer = codes_bulk.CodeImporter(session, scheme, actor=actor, source=report.source)
    if mic:
        layout, rows = read_mic_file(stream, source=report.source)
        report.warn({"line": 1, "column": None, "detail": f"ISO 10383 {layout} layout"})
    else:
        table = _read_table(stream, fmt, codes_bulk.code_aliases(scheme, csv_io.normalise_header), report)
        table.require("code")
        labels = table.labels
        rows = (codes_bulk.code_row(line, cells, labels, scheme) for line, cells in table.rows)
    for count, outcome in enumerate(importer.run(rows, parallel=parallel and not mic), 1):
        report.add(outcome)
        if progress is not None and count % PROGRESS_ROWS == 0:
            progress(PROGRESS_ROWS)
    importer.finish()


# ---- exports --------------------------------------------------------------------------------------

@dataclass
class Export:
    """A dataset on its way out: media type, file name, and the chunks (str or bytes) to send."""

    media_type: str
    filename: str
    chunks: Iterator[str | bytes]
    rows: int


def export(session: Session, engine: Engine, dataset: str, fmt: str, *, release: str | None = None,
           layout: str = "parent") -> Export:
    """Check the request now (dataset, format, release), then stream from a session of its own."""
    kind, scheme = parse_dataset(dataset)
    if kind == "mic" or fmt not in EXPORT_FORMATS or (kind == "codes" and fmt == "tbx") or (
            kind == "terms" and fmt in classification_io.SKOS_FORMATS):
        formats = "csv, xlsx, json" + (", tbx" if kind == "terms" else ", ttl, jsonld (SKOS)")
        raise InvalidInput(f"cannot export {dataset} as {fmt}; formats: {formats}",
                           errors=[{"pointer": "/format", "detail": fmt}])
    found = _release(session, release)
    if kind == "codes":
        codes_service.get_scheme(session, scheme or "")
    name = f"sfreg-{dataset.replace('/', '-')}{'-' + found.name if found else ''}.{fmt}"
    rows = _count(session, kind, scheme)
    if layout != "parent":
        _require_levels_layout(session, kind, scheme, fmt, layout)
    chunks = _chunks(engine, kind, scheme, fmt, found, name, layout)
    return Export(MEDIA_TYPES[fmt], name, chunks, rows)


def _release(session: Session, name: str | None):
    if name is None:
        return None
    try:
        from registry.releases.service import resolve
    except ImportError:  # the releases capability is not in this build
        raise InvalidInput("releases are not available yet", errors=[{"pointer": "/release"}]) from None
    return resolve(session, name)


def _count(session: Session, kind: str, scheme: str | None) -> int:
    if kind == "terms":
        return session.exec(select(func.count()).select_from(Concept)).one()
    return codes_bulk.count_codes(session, scheme or "")


def _require_levels_layout(session: Session, kind: str, scheme: str | None, fmt: str, layout: str) -> None:
    row = codes_service.get_scheme(session, scheme or "") if kind == "codes" else None
    if layout != "levels" or row is None or row.kind != "classification" or fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"layout {layout[:20]!r}: the layouts are parent, and levels for classification "
                           "schemes as csv or xlsx", errors=[{"pointer": "/layout", "detail": layout[:20]}])


def _chunks(engine: Engine, kind: str, scheme: str | None, fmt: str, release,
            name: str, layout: str = "parent") -> Iterator[str | bytes]:
    with Session(engine) as session:
        if kind == "terms":
            yield from _terms_chunks(session, fmt, release, name)
        else:
            yield from _codes_chunks(session, scheme or "", fmt, release, name, layout)


def _terms_chunks(session: Session, fmt: str, release, name: str) -> Iterator[str | bytes]:
    items = _visible(terms_service.iter_snapshots(session, release_seq=release.seq if release else None),
                     release, CONCEPTS, lambda data: str(data["part"]))
    numbers = terms_as_of.entry_index(session, release) if release else terms_bulk.entry_index(session)
    if fmt == "tbx":
        title = f"sfreg term base{' — release ' + release.name if release else ''}"
        return tbx.write_tbx(items, numbers, title=title)
    if fmt == "json":
        return _json(items, lambda cid, data: {"id": cid, **data})
    rows = (layouts.concept_cells(cid, data, numbers) for cid, data in items)
    return _table(fmt, layouts.CONCEPT_HEADER, rows, name)


def _codes_chunks(session: Session, scheme: str, fmt: str, release, name: str,
                  layout: str = "parent") -> Iterator[str | bytes]:
    snapshots = codes_service.iter_snapshots(session, scheme, release_seq=release.seq if release else None)
    items = _visible(snapshots, release, CODES, lambda data: scheme)
    if fmt == "json":
        return _json(items, lambda _, data: data)
    if fmt in classification_io.SKOS_FORMATS:
        return skos.write_skos(codes_service.get_scheme(session, scheme), (data for _, data in items), fmt)
    if layout == "levels":  # a classification with one column per level (codes.classification)
        depth = len(codes_service.get_scheme(session, scheme).levels or [])
        rows = classification_io.level_rows((data for _, data in items), depth)
        return _table(fmt, classification_io.level_header(depth), rows, name)
    rows = (codes_bulk.code_cells(data, scheme) for _, data in items)
    return _table(fmt, codes_bulk.code_header(scheme), rows, name)


def _visible(items: Iterable[tuple[int, dict[str, Any]]], release, table,
             scope_of) -> Iterator[tuple[int, dict]]:
    """What a release shows: its scope (parts, schemes) and, for concepts, the statuses of its stage."""
    if release is None:
        yield from items
        return
    scopes = set(release.scope.get(table.scope_key, []))
    visible = table.visible(release.stage)
    for entity_id, data in items:
        if scope_of(data) in scopes and (visible is None or data.get("status") in visible):
            yield entity_id, data


def _table(fmt: str, header: list[str], rows: Iterable[list[str]], name: str) -> Iterator[str | bytes]:
    if fmt == "xlsx":
        return xlsx_io.write_xlsx(header, rows, title=PurePath(name).stem)
    return csv_io.write_csv(header, rows)


def _json(items: Iterable[tuple[int, dict[str, Any]]], shape) -> Iterator[str]:
    yield "["
    for index, (entity_id, data) in enumerate(items):
        text = json.dumps(shape(entity_id, data), ensure_ascii=False, sort_keys=True)
        yield ("," if index else "") + "\n" + text
    yield "\n]\n"
