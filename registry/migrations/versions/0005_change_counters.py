"""change counters

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counter = op.create_table('change_counter',
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('topic')
    )
    op.bulk_insert(counter, [{'topic': 'codes', 'n': 0}])


def downgrade() -> None:
    op.drop_table('change_counter')
