"""The `sfreg` command: the composition root of the CLI, mounting each layer's commands."""

import typer

from api.cli import serve
from api.index_cli import app as index_app
from codes import seed as codes_seed
from importers.cli import export_app, import_app
from registry.cli import db_app, token_app
from registry.database import transaction
from terms import seed as terms_seed

app = typer.Typer(help="sfreg — 证券期货业术语库与通用编码库", no_args_is_help=True)
app.command()(serve)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(index_app, name="index")


@db_app.command("seed")
def db_seed() -> None:
    """Load the six parts, the sample concepts and the code lists (idempotent)."""
    with transaction() as session:
        parts = terms_seed.seed_parts(session)
        concepts = terms_seed.seed_concepts(session)
        schemes = codes_seed.seed_schemes(session)
        codes = codes_seed.seed_codes(session)
    typer.echo(f"seeded {parts} parts, {concepts} sample concepts, {schemes} code schemes, {codes} codes")


if __name__ == "__main__":
    app()
