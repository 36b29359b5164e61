"""drop the scope indexes that (scope, key) covers

The composite indexes ix_code_revision_scope_key and ix_concept_revision_scope_key (0003) serve every
lookup by scope alone; the single-column ones only cost each revision insert (a million on a big import).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:20:00.000000
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('code_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_code_revision_scope')

    with op.batch_alter_table('concept_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_concept_revision_scope')


def downgrade() -> None:
    with op.batch_alter_table('concept_revision', schema=None) as batch_op:
        batch_op.create_index('ix_concept_revision_scope', ['scope'], unique=False)

    with op.batch_alter_table('code_revision', schema=None) as batch_op:
        batch_op.create_index('ix_code_revision_scope', ['scope'], unique=False)
