"""Search that scales: each point of the tour de table knows its meeting (``round_table_point.meeting_id``,
copied from its section, indexed), so that the search finds the points of the user's meetings by that index
together with the full-text one; on PostgreSQL the index of meetings by body carries their id and bin date,
so that the meetings of some bodies are read from the index alone.

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

from app.agenda.fulltext import create_search_index, drop_search_index

revision = '0110'
down_revision = '0100'
branch_labels = None
depends_on = None

FILL = ("UPDATE round_table_point SET meeting_id = (SELECT round_table_section.meeting_id FROM round_table_section "
        "WHERE round_table_section.id = round_table_point.section_id)")


def rebuilding_points(change):
    """SQLite rebuilds ``round_table_point`` to change it, which drops the triggers of its search index: the
    index goes first and comes back after, filled again (README, « Search »). PostgreSQL alters in place."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_search_index(bind, "round_table_point")
    change()
    if bind.dialect.name == "sqlite":
        create_search_index(bind, "round_table_point")


def add_meeting_id():
    with op.batch_alter_table('round_table_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
    op.execute(FILL)
    with op.batch_alter_table('round_table_point', schema=None) as batch_op:
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_round_table_point_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_round_table_point_meeting_id_meeting'), 'meeting',
                                    ['meeting_id'], ['id'], ondelete='CASCADE')


def drop_meeting_id():
    with op.batch_alter_table('round_table_point', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_round_table_point_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_round_table_point_meeting_id'))
        batch_op.drop_column('meeting_id')


def upgrade():
    rebuilding_points(add_meeting_id)
    op.drop_index('ix_meeting_body_starts_at', table_name='meeting')
    op.create_index('ix_meeting_body_starts_at', 'meeting', ['body_id', 'starts_at'], unique=False,
                    postgresql_include=['id', 'deleted_at'])


def downgrade():
    op.drop_index('ix_meeting_body_starts_at', table_name='meeting')
    op.create_index('ix_meeting_body_starts_at', 'meeting', ['body_id', 'starts_at'], unique=False)
    rebuilding_points(drop_meeting_id)
