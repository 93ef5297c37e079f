"""The quorum sentence of a compte rendu, computed at validation and kept with the frozen file.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum_statement', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('quorum_statement')
