"""Index of binned meetings: lists leave them out with a semi-join on this small set.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

BINNED = sa.text('deleted_at IS NOT NULL')


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_binned', ['id'], unique=False, postgresql_where=BINNED, sqlite_where=BINNED)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_binned', postgresql_where=BINNED, sqlite_where=BINNED)
