"""standard document metadata

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:15:00.000000

Owned by the work on issue 14; empty until that work adds its schema changes.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
