"""The avis of a closed written consultation can be published on the organisation's public page
(L.1432-4: avis are made public), as those voted in session.

Revision ID: 0130
Revises: 0120
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0130'
down_revision = '0120'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('written_consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('written_consultation', schema=None) as batch_op:
        batch_op.drop_column('published_at')
