"""term standards, stages, comment periods and comments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:15:00.000000

Owned by the work on issue 13; empty until that work adds its schema changes.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The six standards of 《证券期货业术语》 are left to the seeder (`sfreg db seed`, idempotent): it adds
    # them and ties parts 1-6 to them in existing databases too. Releases made before stay standard-less.
    op.create_table('standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('collection', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('working_group', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('stage_history', sa.JSON(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_collection'), ['collection'], unique=False)
    for table in ('part', 'release'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('standard_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_standard_id'), ['standard_id'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_standard_id', 'standard', ['standard_id'], ['id'])

    op.create_table('comment_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_seq', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['release_seq'], ['release.seq'], ),
    sa.ForeignKeyConstraint(['standard_id'], ['standard.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('release_seq')
    )
    with op.batch_alter_table('comment_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_period_standard_id'), ['standard_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('release_seq', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('concept_id', sa.Integer(), nullable=True),
    sa.Column('part', sa.Integer(), nullable=True),
    sa.Column('entry_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('sort_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('proposal', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=True),
    sa.Column('organization', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['concept_id'], ['concept.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['comment_period.id'], ),
    sa.ForeignKeyConstraint(['release_seq'], ['release.seq'], ),
    sa.ForeignKeyConstraint(['standard_id'], ['standard.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'number', name='uq_comment_period_number')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_concept_id'), ['concept_id'], unique=False)
        batch_op.create_index('ix_comment_period_organization', ['period_id', 'organization'], unique=False)

    # a commenter's token is issued to a named organisation (提出单位)
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('organization')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_period_organization')
        batch_op.drop_index(batch_op.f('ix_comment_concept_id'))
    op.drop_table('comment')
    with op.batch_alter_table('comment_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_period_standard_id'))
    op.drop_table('comment_period')
    for table in ('release', 'part'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_standard_id', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_standard_id'))
            batch_op.drop_column('standard_id')
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standard_collection'))
    op.drop_table('standard')
