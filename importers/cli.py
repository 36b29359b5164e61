"""`sfreg import …` and `sfreg export …`.

An import runs in one transaction: it commits only when every row is good and it is not a dry run;
otherwise it rolls back, prints the report (every bad row with line, column and reason) and exits 1.
A progress bar shows on a terminal only.
"""

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated

import typer

from registry.errors import RegistryError

# importers.service, the database layer and the domains are imported by the commands when they run, so
# that `sfreg --help` does not load them.

import_app = typer.Typer(help="Import a file; all or nothing. Exit status 1 when any row is rejected.",
                         no_args_is_help=True)
export_app = typer.Typer(help="Export a dataset (streamed) to a file.", no_args_is_help=True)

DryRun = Annotated[bool, typer.Option("--dry-run", help="decide and report every row, write nothing")]
ReportFile = Annotated[Path | None, typer.Option("--report", help="every row's outcome, as JSON lines")]
AsJson = Annotated[bool, typer.Option("--json", help="print the report as JSON")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="list created and updated rows too")]
Format = Annotated[str | None, typer.Option("--format", help="csv, xlsx, tbx, or ttl/jsonld (SKOS, classification "
                                                            "schemes); default: the extension")]
Output = Annotated[Path, typer.Option("-o", "--output", help="file to write", dir_okay=False)]
Release = Annotated[str | None, typer.Option("--release", help="a release name, latest or latest-any")]
ExportFormat = Annotated[str, typer.Option("--format", help="csv, xlsx, tbx (terms only), json, or ttl/jsonld "
                                                             "(SKOS, code schemes)")]
PARALLEL_BYTES = 4 << 20
Part = Annotated[int | None, typer.Option("--part", help="part (1–6, or a later standard's) for rows or a TBX file "
                                                         "without one; new concepts are drafts")]


@import_app.command("terms")
def import_terms(file: Path, fmt: Format = None, part: Part = None, dry_run: DryRun = False,
                 report: ReportFile = None, as_json: AsJson = False, verbose: Verbose = False) -> None:
    """Concepts from CSV/XLSX (one row per concept; Chinese or English headers) or TBX (2019 or martif)."""
    _import("terms", file, fmt=fmt, part=part, dry_run=dry_run, report_path=report, as_json=as_json,
            verbose=verbose)


@import_app.command("codes")
def import_codes(scheme: str, file: Path, fmt: Format = None, dry_run: DryRun = False,
                 report: ReportFile = None, as_json: AsJson = False, verbose: Verbose = False) -> None:
    """Code entries of SCHEME from CSV/XLSX (code, name_zh, name_en, status, valid_from, …, attributes)."""
    _import(f"codes/{scheme}", file, fmt=fmt, dry_run=dry_run, report_path=report, as_json=as_json,
            verbose=verbose)


@import_app.command("mic")
def import_mic(file: Path, dry_run: DryRun = False, report: ReportFile = None, as_json: AsJson = False,
               verbose: Verbose = False) -> None:
    """An ISO 10383 MIC file (current or pre-2022 layout) into the venue scheme; nothing is deleted."""
    _import("mic", file, fmt="csv", dry_run=dry_run, report_path=report, as_json=as_json, verbose=verbose)


@import_app.command("isin")
def import_isin(file: Path, fmt: Format = None, dry_run: DryRun = False, report: ReportFile = None,
                as_json: AsJson = False, verbose: Verbose = False) -> None:
    """ISIN records from CSV/XLSX, streamed: millions of rows in constant memory."""
    _import("isin", file, fmt=fmt, dry_run=dry_run, report_path=report, as_json=as_json, verbose=verbose)


def _import(dataset: str, file: Path, *, fmt: str | None, dry_run: bool, report_path: Path | None,
            as_json: bool, verbose: bool, part: int | None = None) -> None:
    if not file.is_file():
        _fail(f"File not found: {file}")
    from sqlmodel import Session

    from importers import service
    from registry.auth import SYSTEM
    from registry.database import get_engine
    _check_format(service, dataset, file, fmt)
    engine = get_engine()
    size = file.stat().st_size
    with (Session(engine, expire_on_commit=False) as session, file.open("rb") as raw,
          _sink(report_path) as sink, _progress(size, file.name, raw.tell) as (read, wrote)):
        try:
            report = service.run_import(session, dataset, _Counting(raw, read), filename=file.name,
                                        actor=SYSTEM, fmt=fmt, dry_run=dry_run, default_part=part, sink=sink,
                                        progress=wrote, parallel=_parallel(size))
        except RegistryError as error:
            session.rollback()
            _fail(f"{error.title}: {error.detail}", error.extensions.get("errors"))
        if report.rejected or dry_run:
            session.rollback()
        else:
            session.commit()
    typer.echo(report.to_json() if as_json else report.render_text(verbose=verbose))
    if report.rejected:
        raise typer.Exit(1)


def _parallel(size: int) -> bool:
    """Big files are read and prepared in a second process, on a second core (a fork: worth it from a few
    megabytes on)."""
    return size >= PARALLEL_BYTES and (os.cpu_count() or 1) > 1


def _check_format(service, dataset: str, file: Path, fmt: str | None) -> None:
    """Refuse a file whose format is neither given nor told by its extension, saying how to give it."""
    kind, _ = service.parse_dataset(dataset)
    try:
        service.file_format(kind, file.name, fmt)
    except RegistryError:
        formats = ", ".join(service.IMPORT_FORMATS["codes" if kind == "codes" else kind])
        if fmt:
            _fail(f"Cannot import {file.name}: --format {fmt} is not one of {formats}")
        why = f"sfreg does not read '{file.suffix}' files into {dataset}" if file.suffix else \
            "its name has no extension to tell the format"
        _fail(f"Cannot import {file.name}: {why}; give the format with --format ({formats})")


def _fail(message: str, errors: list | None = None) -> None:
    """Print `message`, then each error that says more than it (line, column or pointer first); exit 1."""
    typer.echo(message, err=True)
    for error in (errors or [])[:1000]:
        detail = error.get("detail") or ""
        if detail and detail not in message:
            typer.echo(f"  {_where(error)}: {detail}", err=True)
    raise typer.Exit(1)


def _where(error: dict) -> str:
    if error.get("line"):
        return f"line {error['line']}" + (f", {error['column']}" if error.get("column") else "")
    return f"{error['pointer']}" if error.get("pointer") else "file"


class _Counting:
    """A binary stream that reports how many bytes were read (drives the progress bar)."""

    def __init__(self, raw: IO[bytes], advance) -> None:
        self.raw, self.advance, self.pid = raw, advance, os.getpid()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self._advance(len(data))
        return data

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self._advance(count or 0)
        return count

    def _advance(self, count: int) -> None:
        # A forked row worker reads too; the bar (and its lock) belongs to this process only.
        if os.getpid() == self.pid:
            self.advance(count)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


@contextmanager
def _progress(total: int, label: str, position: Callable[[], int]) -> Iterator:
    """Two callbacks: bytes read from the file, and rows written (term imports write after reading; a
    code import's worker reads, so the bar follows the file's `position`, which the fork shares)."""
    if not sys.stdout.isatty():
        yield (lambda _n: None), (lambda _n: None)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=True) as bar:
        reading = bar.add_task(f"reading {label} (bytes)", total=total)
        writing: list = []

        def wrote(n: int) -> None:
            if not writing:
                writing.append(bar.add_task("writing (rows)", total=None))
            bar.advance(writing[0], n)
            bar.update(reading, completed=position())
        yield (lambda n: bar.advance(reading, n)), wrote


@contextmanager
def _sink(path: Path | None) -> Iterator:
    if path is None:
        yield None
        return
    with path.open("w", encoding="utf-8") as out:
        yield lambda row: out.write(json.dumps(row, ensure_ascii=False) + "\n")


# ---- exports --------------------------------------------------------------------------------------

@export_app.command("terms")
def export_terms(output: Output, fmt: ExportFormat = "csv", release: Release = None) -> None:
    """The term base as CSV/XLSX (one row per concept), TBX-Basic (+ sfreg fields) or JSON."""
    _export("terms", output, fmt, release)


@export_app.command("codes")
def export_codes(scheme: str, output: Output, fmt: ExportFormat = "csv", release: Release = None,
                 layout: Annotated[str, typer.Option(help="parent or levels (classification schemes, csv/xlsx: "
                                                          "one column per level)")] = "parent") -> None:
    """The entries of SCHEME as CSV/XLSX/JSON, or SKOS (ttl/jsonld)."""
    _export(f"codes/{scheme}", output, fmt, release, layout=layout)


@export_app.command("isin")
def export_isin(output: Output, fmt: ExportFormat = "csv", release: Release = None) -> None:
    """ISIN records as CSV/XLSX/JSON, streamed."""
    _export("isin", output, fmt, release)


def _export(dataset: str, output: Path, fmt: str, release: str | None, *, layout: str = "parent") -> None:
    from sqlmodel import Session

    from importers import service
    from registry.database import get_engine
    engine = get_engine()
    try:
        with Session(engine) as session:
            out = service.export(session, engine, dataset, fmt, release=release, layout=layout)
        with output.open("wb") as handle:
            for chunk in out.chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    except RegistryError as error:
        _fail(f"{error.title}: {error.detail}")
    typer.echo(f"exported {dataset} to {output} ({fmt})")
