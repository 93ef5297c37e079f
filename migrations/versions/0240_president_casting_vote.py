"""Whether the president's vote decides a tie (voix prépondérante), a setting of each body (D.1432-47 for the
CRSA; a CTS's règlement intérieur may say otherwise), and a snapshot of it on each vote and written consultation
so that a later change does not rewrite past results. Existing rows take today's behaviour: the president
decides a tie.

Revision ID: 0240
Revises: 0230
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = '0240'
down_revision = '0230'
branch_labels = None
depends_on = None

TABLES = ('body', 'vote', 'written_consultation')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('president_casting_vote', sa.Boolean(), nullable=False,
                                          server_default=sa.true()))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('president_casting_vote')
