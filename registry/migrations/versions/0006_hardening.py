"""hardening: sign-in sessions, external keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:15:00.000000

Owned by the work on issue 11: concept.external_key (a foreign file's concept id, unique per part). The
sign-in sessions of the same issue add their part beside it.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _external_keys_up()


def downgrade() -> None:
    _external_keys_down()


# -- external keys (issue 11, item 10): a foreign file's own concept id, so a re-import matches ----------

def _external_keys_up() -> None:
    with op.batch_alter_table('concept', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.create_unique_constraint('uq_concept_external_key', ['part', 'external_key'])


def _external_keys_down() -> None:
    with op.batch_alter_table('concept', schema=None) as batch_op:
        batch_op.drop_constraint('uq_concept_external_key', type_='unique')
        batch_op.drop_column('external_key')
