"""The migrations build exactly the models' schema, and every setting is documented."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from registry.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_setting_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    missing = [name for name in Settings.model_fields if f"SFREG_{name.upper()}" not in readme]
    assert missing == []
