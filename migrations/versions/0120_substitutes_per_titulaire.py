"""The number of suppléants one titulaire may have in office at once, a setting of each body (D.1432-30: two
for the CRSA); existing bodies take the law's two.

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0120'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_substitutes_per_titulaire', sa.Integer(), nullable=False,
                                      server_default='2'))
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.alter_column('max_substitutes_per_titulaire', server_default=None)
        batch_op.create_check_constraint('max_substitutes_per_titulaire_positive', 'max_substitutes_per_titulaire >= 1')


def downgrade():
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_body_max_substitutes_per_titulaire_positive'), type_='check')
        batch_op.drop_column('max_substitutes_per_titulaire')
