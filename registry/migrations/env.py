"""Alembic environment: the composition root that knows every table of every domain."""

from alembic import context
from sqlmodel import SQLModel

import codes.models  # noqa: F401
import registry.audit
import registry.auth
import registry.changes
import registry.releases.models
import registry.sessions  # noqa: F401
import terms.comments.models
import terms.models  # noqa: F401
from registry.database import build_engine
from registry.settings import get_settings

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    engine = build_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
