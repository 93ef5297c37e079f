"""The token of the planning form that created a meeting: posting the same form twice creates one meeting.

Revision ID: 0080
Revises: 0040
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from app.agenda.fulltext import create_search_index, drop_search_index

revision = '0080'
down_revision = '0040'
branch_labels = None
depends_on = None


def rebuilding_meeting(change):
    """SQLite rebuilds ``meeting`` to change it, which drops the triggers of its search index: the index
    goes first and comes back after, filled again (README, « Search »). PostgreSQL alters in place."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_search_index(bind, "meeting")
    change()
    if bind.dialect.name == "sqlite":
        create_search_index(bind, "meeting")


def add_token():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creation_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_meeting_creation_token', ['creation_token'])


def drop_token():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meeting_creation_token', type_='unique')
        batch_op.drop_column('creation_token')


def upgrade():
    rebuilding_meeting(add_token)


def downgrade():
    rebuilding_meeting(drop_token)
