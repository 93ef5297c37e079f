"""The organisation's own Word template (.dotx or .docx) every document starts from.

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0090'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_template', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('word_template_filename', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('word_template_uploaded_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('word_template_uploaded_at')
        batch_op.drop_column('word_template_filename')
        batch_op.drop_column('word_template')
