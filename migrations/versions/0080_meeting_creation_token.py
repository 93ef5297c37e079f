"""The token of the planning form that created a meeting: posting the same form twice creates one meeting.

Revision ID: 0080
Revises: 0070
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0080'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creation_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_meeting_creation_token', ['creation_token'])


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meeting_creation_token', type_='unique')
        batch_op.drop_column('creation_token')
