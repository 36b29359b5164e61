"""CLI commands of the core: database migrations and API tokens."""

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Literal

import typer

from registry.errors import RegistryError

# The database layer (sqlmodel, alembic) is imported by each command when it runs: `sfreg --help` stays fast.
RoleName = Literal["commenter", "editor", "reviewer", "admin"]  # = registry.auth.Role (a test keeps them equal)

db_app = typer.Typer(help="Database schema and content.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (stored hashed; the secret is shown once).", no_args_is_help=True)


def reports_errors(func: Callable) -> Callable:
    """Print `title: detail` for a RegistryError and exit 1, instead of a traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RegistryError as error:
            typer.echo(f"{error.title}: {error.detail}", err=True)
            raise typer.Exit(1) from None
    return wrapper


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision`."""
    from registry import migrate
    from registry.settings import get_settings
    migrate.upgrade(get_settings().resolved_database_url, revision)
    typer.echo(f"database at {revision}")


@token_app.command("create")
@reports_errors
def token_create(name: Annotated[str, typer.Option(help="who or what uses the token")],
                 role: Annotated[RoleName, typer.Option(help="commenter, editor, reviewer or admin")],
                 organization: Annotated[str | None, typer.Option(
                     help="the organisation (提出单位) a commenter's token is issued to; default: --name")] = None,
                 ) -> None:
    """Create a token; its secret is printed once, on the last line."""
    from registry import auth
    from registry.database import transaction
    with transaction() as session:
        token, secret = auth.create_token(session, name, role, organization)
    issued = f" for {token.organization}" if token.organization else ""
    typer.echo(f"created token '{token.name}' with role {token.role}{issued}; store the secret now:")
    typer.echo(secret)


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, hints; never secrets)."""
    from registry import auth
    from registry.database import transaction
    with transaction() as session:
        for token in auth.list_tokens(session):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            typer.echo(f"{token.name}\t{token.role}\t{token.hint}…\t{token.created_at:%Y-%m-%d}\t{state}")


@token_app.command("revoke")
@reports_errors
def token_revoke(name: str) -> None:
    """Revoke the token `name`; requests with it get 401 from then on."""
    from registry import auth
    from registry.database import transaction
    with transaction() as session:
        auth.revoke_token(session, name)
    typer.echo(f"revoked token '{name}'")
