"""classification schemes, China instrument codes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:15:00.000000

Owned by the work on issue 12. Classification schemes: `code_scheme.kind` ('list' or 'classification')
and `code_scheme.levels` (the level rules, JSON); an index on code_entry (scheme, parent) for the tree's
children-of lookups.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # -- classification schemes (issue 12, section 3) --
    with op.batch_alter_table('code_scheme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='list'))
        batch_op.add_column(sa.Column('levels', sa.JSON(), nullable=True))
    with op.batch_alter_table('code_entry', schema=None) as batch_op:
        batch_op.create_index('ix_code_entry_scheme_parent', ['scheme', 'parent'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('code_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_code_entry_scheme_parent')
    with op.batch_alter_table('code_scheme', schema=None) as batch_op:
        batch_op.drop_column('levels')
        batch_op.drop_column('kind')
