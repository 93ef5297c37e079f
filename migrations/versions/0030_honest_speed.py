"""Honest speed: the whole-response cache goes (its data_generation table with it); the full-text index
of meetings and round-table points (PostgreSQL: stored generated tsvector columns with GIN indexes;
SQLite: FTS5 tables kept by triggers), filled from the rows already there.

Revision ID: 0030
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from app.agenda.fulltext import create_search_index, drop_search_index

revision = '0030'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('data_generation')
    create_search_index(op.get_bind())


def downgrade():
    drop_search_index(op.get_bind())
    op.create_table('data_generation',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('token', sa.String(length=32), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')))
