"""A meeting may be the second convocation of a meeting whose quorum was not reached.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_convocation_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_second_convocation_of_id'), ['second_convocation_of_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meeting_second_convocation_of_id_meeting'), 'meeting',
                                    ['second_convocation_of_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_second_convocation_of_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_second_convocation_of_id'))
        batch_op.drop_column('second_convocation_of_id')
