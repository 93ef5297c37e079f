"""Word documents: the organisation's choice of French typography for the typed text.

Revision ID: 0060
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0060'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('french_typography', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('french_typography')
