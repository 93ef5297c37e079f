"""Word documents: the organisation's choice of French typography for the typed text; the PDFs of
generated documents, kept in the database so that every app server and the worker share them.

Revision ID: 0060
Revises: 0070
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
    op.create_table(
        'converted_pdf',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('docx', sa.LargeBinary(), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('converted_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_converted_pdf')),
    )
    with op.batch_alter_table('converted_pdf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_converted_pdf_requested_at'), ['requested_at'], unique=False)


def downgrade():
    op.drop_table('converted_pdf')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('french_typography')
