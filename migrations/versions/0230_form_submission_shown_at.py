"""Where a create form's result is shown when only known once created (``form_submission.shown_at``): a
written consultation, a body, a second convocation posted twice leads, the second time, to the page the first
post created. Existing rows stay NULL: they lead to their ``url``, as before.

Revision ID: 0230
Revises: 0220
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = '0230'
down_revision = '0220'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_at', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.drop_column('shown_at')
