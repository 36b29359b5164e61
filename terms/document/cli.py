"""`sfreg document STANDARD --release NAME --format docx|pdf|html|sts -o FILE [--strict]`.

Only typer is imported at load time (the CLI's start-up stays short); the engine when the command runs.
"""

from pathlib import Path
from typing import Annotated

import typer


def document(
    standard: Annotated[str, typer.Argument(help="standard key (sfterms-1) or code (JR/T XXXX.1)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write")],
    release: Annotated[str | None, typer.Option(help="release name, latest or latest-any; default: live")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="docx, pdf, html or sts")] = "pdf",
    strict: Annotated[bool, typer.Option("--strict", help="fail, listing the problems, instead of printing "
                                                          "a non-conforming document")] = False,
) -> None:
    """Print a term standard in GB/T 1.1-2020 / GB/T 20001.1 layout from the term base."""
    from registry.database import transaction
    from registry.errors import RegistryError
    from terms.document import render

    try:
        with transaction() as session:
            printed = render.print_document(session, standard, fmt=fmt, release=release, strict=strict)
    except RegistryError as exc:
        for item in exc.extensions.get("errors") or []:
            typer.echo(f"  {item.get('detail', item)}", err=True)
        typer.echo(f"{exc.title}: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    output.write_bytes(printed.content)
    for problem in printed.problems:
        typer.echo(f"warning: {problem.detail}", err=True)
    typer.echo(f"wrote {output} ({len(printed.content)} bytes, {len(printed.problems)} problem(s))")
