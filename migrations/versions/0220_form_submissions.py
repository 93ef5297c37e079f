"""The tokens of create forms that created something (``form_submission``): an échéance or a round-table point
posted twice (a double tap, « Renvoyer » after Back) is recorded once (``app/submissions.py``). A new table:
nothing existing changes.

Revision ID: 0220
Revises: 0210
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0220'
down_revision = '0210'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submission'))
    )


def downgrade():
    op.drop_table('form_submission')
