"""Honest speed: the whole-response cache goes (its data_generation table with it).

Revision ID: 0030
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0030'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('data_generation')


def downgrade():
    op.create_table('data_generation',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('token', sa.String(length=32), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')))
