"""`sfreg scheme …`: create a code scheme (flat or a classification) without touching code, list schemes,
print a classification's tree, validate codes against it. Import and export go through `sfreg import codes`
and `sfreg export codes/<scheme>` like every code list."""

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from registry.cli import reports_errors

scheme_app = typer.Typer(help="Code schemes: create (admin work), list, tree, validate.", no_args_is_help=True)
Charset = Annotated[str, typer.Option(help="digit, upper or alnum (with --structure)")]


@scheme_app.command("create")
@reports_errors
def create(slug: str, name_zh: Annotated[str, typer.Option("--name-zh")],
           name_en: Annotated[str, typer.Option("--name-en")],
           structure: Annotated[str | None, typer.Option(help="a classification's segment lengths, e.g. 1-2-2")] = None,
           levels: Annotated[Path | None, typer.Option(help="a JSON file: the list of levels")] = None,
           pattern: Annotated[str | None, typer.Option(help="a flat list's code pattern (regex)")] = None,
           charset: Charset = "digit", standard: str = "", description: str | None = None) -> None:
    """Create a scheme: --structure or --levels make a classification, --pattern a flat list."""
    from codes import classification
    from registry.auth import SYSTEM
    from registry.database import transaction
    kind = "list" if pattern else "classification"
    body = {"slug": slug, "name_zh": name_zh, "name_en": name_en, "standard": standard, "kind": kind,
            "description": description, "code_pattern": pattern, "structure": structure, "charset": charset,
            "levels": json.loads(levels.read_text("utf-8")) if levels else None}
    with transaction() as session:
        scheme = classification.create_scheme(session, _parsed(classification.SchemeCreate, body), actor=SYSTEM)
        typer.echo(f"created {scheme.kind} scheme {scheme.slug}: {scheme.code_pattern}")


def _parsed(model, body):
    from pydantic import ValidationError

    from registry.errors import InvalidInput
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise InvalidInput("; ".join(f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())) from None


@scheme_app.command("list")
def list_schemes() -> None:
    """Every scheme: slug, kind, pattern, names."""
    from codes import service
    from registry.database import transaction
    with transaction() as session:
        for s in service.list_schemes(session):
            typer.echo(f"{s.slug}\t{s.kind}\t{s.code_pattern}\t{s.name_zh}\t{s.name_en}")


@scheme_app.command("tree")
@reports_errors
def tree(slug: str, root: Annotated[str | None, typer.Option(help="print the subtree below this code")] = None) -> None:
    """Print a classification as an indented tree (up to 300 nodes; deeper branches show their count)."""
    from codes import classification
    from registry.database import transaction
    with transaction() as session:
        view = classification.tree_view(session, slug, root)
        for node in view["path"]:
            typer.echo(f"{'  ' * (node.level - 1)}{node.code} {node.name_zh or ''}")
        _print(view["nodes"])


def _print(nodes) -> None:
    for node in nodes:
        more = "" if node.drawn or not node.count else f"  (+{node.count})"
        typer.echo(f"{'  ' * (node.level - 1)}{node.code} {node.name_zh or ''} {node.name_en or ''}{more}".rstrip())
        _print(node.children)


@scheme_app.command("validate")
@reports_errors
def validate(slug: str, codes: list[str],
             as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None) -> None:
    """Validate codes against a classification: level, ancestors, findings (exit 1 when any is invalid)."""
    from codes import validation
    from registry.database import get_engine
    results = validation.validate_codes(get_engine(), slug, codes, as_of=date.fromisoformat(as_of) if as_of else None)
    for r in results:
        path = " > ".join(p["code"] for p in r["components"].get("path", []))
        typer.echo(f"{r['input']}\t{'valid' if r['valid'] else 'invalid'}\tlevel {r['components'].get('level')}"
                   f"\t{path}")
        for e in r["errors"]:
            typer.echo(f"  {e['message']} / {e['message_zh']}")
    if not all(r["valid"] for r in results):
        raise typer.Exit(1)
