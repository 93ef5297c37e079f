"""A convocation sending keeps the convocation delay in force when it was sent: a later change of the body's
rule does not make convocations already sent late, or on time, after the fact (D.1432-47).

Revision ID: 0180
Revises: 0150
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0180'
down_revision = '0150'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('convocation_sending', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delay_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('convocation_sending', schema=None) as batch_op:
        batch_op.drop_column('delay_days')
