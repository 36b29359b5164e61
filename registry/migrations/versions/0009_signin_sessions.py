"""sign-in sessions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:15:00.000000

Server-side sessions of the pages' sign-in (issue 11, item 16): the cookie holds a random id, the table
only its SHA-256, the token it was opened with and an expiry.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signin_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_hash')
    )
    with op.batch_alter_table('signin_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_session_token_id'), ['token_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signin_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_session_token_id'))
    op.drop_table('signin_session')
