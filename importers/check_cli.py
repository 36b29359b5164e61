"""`sfreg check FILE`: check a document against the term base from the command line.

Exit status: 0 when no error-level finding (deprecated or superseded term) is left, 1 when one is, 2 when
the file or the options are refused (the reason is printed).
"""

from pathlib import Path
from typing import Annotated

import typer

from registry.errors import RegistryError

# The document readers, the database and the checker are imported when the command runs (fast --help).

Release = Annotated[str | None, typer.Option("--release", help="a release name, latest or latest-any; "
                                                               "default: the live state")]
Format = Annotated[str, typer.Option("--format", help="json, text, or docx (a .docx with Word comments)")]
Parts = Annotated[list[int] | None, typer.Option("--part", help="only this part (repeatable)")]
Standards = Annotated[list[str] | None, typer.Option("--standard", help="only this standard (repeatable)")]
ExcludeParts = Annotated[list[int] | None, typer.Option("--exclude-part", help="leave this part out")]
Output = Annotated[Path | None, typer.Option("-o", "--output", dir_okay=False,
                                             help="file to write (docx: default FILE.checked.docx)")]
FORMATS = ("json", "text", "docx")


def check(file: Path, release: Release = None, fmt: Format = "text", part: Parts = None,
          standard: Standards = None, exclude_part: ExcludeParts = None, output: Output = None) -> None:
    """Check FILE (.txt, .md, .docx, .pdf) for deprecated, superseded, admitted and preferred terms."""
    if fmt not in FORMATS:
        _fail(f"--format {fmt} is not one of {', '.join(FORMATS)}")
    if not file.is_file():
        _fail(f"{file}: no such file")
    try:
        answer, data = _check(file, release, part, standard, exclude_part)
        if fmt == "docx":
            _write_docx(file, data, answer, output)
        else:
            _print(answer, fmt, output)
    except RegistryError as error:
        _fail(f"{error.title}: {error.detail}")
    raise typer.Exit(1 if answer["summary"]["error"] else 0)


def _check(file: Path, release, parts, standards, exclude_parts) -> tuple[dict, bytes]:
    from importers.check_documents import read_document
    from registry.database import get_engine
    from terms.checking.models import CheckOptions
    from terms.checking.service import check_text
    from terms.checking.store import stop_all
    data = file.read_bytes()
    document = read_document(file.name, data)
    options = CheckOptions(release=release, parts=parts or None, standards=standards or None,
                           exclude_parts=exclude_parts or [])
    try:
        return check_text(get_engine(), document.text, options), data
    finally:
        stop_all()


def _write_docx(file: Path, data: bytes, answer: dict, output: Path | None) -> None:
    from importers.docx_comments import comment_docx
    if file.suffix.lower() != ".docx":
        _fail("--format docx writes comments into a Word document: FILE must be a .docx")
    target = output or file.with_name(f"{file.stem}.checked.docx")
    commented, added = comment_docx(data, answer["findings"], name=file.name)
    target.write_bytes(commented)
    typer.echo(f"{added} comments written to {target}")


def _print(answer: dict, fmt: str, output: Path | None) -> None:
    import orjson

    from terms.checking.messages import say
    if fmt == "json":
        text = orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode()
    else:
        lines = [f"{f.get('start', '-')}\t{f['level']}\t{say(f)}" for f in answer["findings"]]
        summary = answer["summary"]
        lines.append(f"{summary['error']} errors, {summary['info']} info, {summary['recognised']} recognised, "
                     f"{summary['consistency']} consistency")
        text = "\n".join(lines)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)
