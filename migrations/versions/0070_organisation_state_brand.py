"""Whether an organisation shows the « République française » bloc-marque in the page header.

Revision ID: 0070
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0070'
down_revision = "0050"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_brand', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('state_brand')
