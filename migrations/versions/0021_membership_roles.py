"""Dated roles held through a membership: président, vice-président, membre du bureau, rapporteur.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'membership_role',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('president', 'vice_president', 'bureau_member', 'rapporteur', name='role_kind',
                                  native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.CheckConstraint('end_date IS NULL OR end_date >= start_date',
                           name=op.f('ck_membership_role_end_after_start')),
        sa.ForeignKeyConstraint(['membership_id'], ['membership.id'],
                                name=op.f('fk_membership_role_membership_id_membership'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_role')),
    )
    with op.batch_alter_table('membership_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_role_membership_id'), ['membership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('membership_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_role_membership_id'))
    op.drop_table('membership_role')
