"""Run the Alembic migrations programmatically (CLI, tests, service start)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

# The migrations travel inside the package (an installed wheel has no alembic.ini: the repository's is
# for the `alembic` command run in a checkout).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
