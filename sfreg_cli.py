"""The `sfreg` command: the composition root of the CLI, mounting each layer's commands.

Start-up is kept short: the modules mounted here import only typer at load time; each command imports
what it needs (the app, whoosh, the database layer) when it runs, so `sfreg --help` stays fast.
"""

import importlib
from collections.abc import Callable
from typing import Annotated

import typer

from api.cli import serve
from api.index_cli import app as index_app
from codes.classification_cli import scheme_app
from codes.validate_cli import validate
from importers.check_cli import check
from importers.cli import export_app, import_app
from registry.cli import db_app, token_app
from terms.document.cli import document
from terms.standards_cli import standard_app

# Plain (click) help: typer's rich help prints every flag as `--dry-run <bool>`; the plain one prints
# `--dry-run` and `--access-log / --no-access-log`, and does not import rich at start.
app = typer.Typer(help="sfreg — 证券期货业术语库与通用编码库", no_args_is_help=True, rich_markup_mode=None)
app.command()(serve)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(index_app, name="index")
app.add_typer(scheme_app, name="scheme")
app.add_typer(standard_app, name="standard")
app.command("document")(document)
app.command("check")(check)
app.command("validate")(validate)

# What `sfreg db seed` loads, in order: (what, "module:function(session) -> count added"). Adding a seeder
# is one line. Reference data is what every deployment wants (public facts); samples are written by us.
REFERENCE_SEEDERS: list[tuple[str, str]] = [
    ("standards", "registry.standards.seed:seed_standards"),
    ("parts", "terms.seed:seed_parts"),
    ("code schemes", "codes.seed:seed_schemes"),
    ("reference codes (venues, participants)", "codes.seed:seed_reference_codes"),
]
SAMPLE_SEEDERS: list[tuple[str, str]] = [
    ("sample concepts", "terms.seed:seed_concepts"),
    ("sample ISIN records", "codes.seed:seed_sample_codes"),
    ("sample classification nodes (投资者分类（示例）)", "codes.classification_seed:seed_classification_samples"),
]


def seeder(reference: str) -> Callable:
    """The function named by "module:function" (imported when the seed runs)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


@db_app.command("seed")
def db_seed(samples: Annotated[bool, typer.Option(
        "--samples/--no-samples", help="also load the sample concepts and sample code entries (written by "
                                       "the sfreg team, marked as samples); `make run` does")] = False) -> None:
    """Load the reference data (standards and parts, code schemes, venues, participants); idempotent."""
    from registry.database import transaction
    seeders = REFERENCE_SEEDERS + (SAMPLE_SEEDERS if samples else [])
    with transaction() as session:
        added = [(what, seeder(reference)(session)) for what, reference in seeders]
    typer.echo("seeded " + ", ".join(f"{count} {what}" for what, count in added))


if __name__ == "__main__":
    app()
