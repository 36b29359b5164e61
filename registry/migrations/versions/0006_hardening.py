"""hardening: sign-in sessions, external keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:15:00.000000

Owned by the work on issue 11; empty until that work adds its schema changes.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
