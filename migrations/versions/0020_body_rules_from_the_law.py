"""Bodies' sitting rules as the Code de la santé publique states them: three new settings, and bodies
still carrying the old defaults moved to their kind's preset.

New settings: presidents neither give nor receive a pouvoir, second convocation within 8 days,
2 successive unexcused absences (D.1432-44, D.1432-50). The old defaults were 15 days' notice and a
quorum of « plus de la moitié »; the preset of every kind is now 10 days and « au moins la moitié »
(D.1432-47, D.1432-50), so a 100-member body needs 50, not 51. Bodies whose rules were changed
by hand keep them. A holder may hold at most 3 pouvoirs, never more.

Revision ID: 0020
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0020'
down_revision = '0010'
branch_labels = None
depends_on = None

# The presets of app/models/bodies.py PRESETS as they stand at this revision (every kind alike).
PRESET_CONVOCATION_DAYS = 10
OLD_CONVOCATION_DAYS = 15

body = sa.table(
    'body',
    sa.column('quorum_fraction', sa.Float), sa.column('quorum_strict', sa.Boolean),
    sa.column('convocation_days', sa.Integer), sa.column('proxies_allowed', sa.Boolean),
    sa.column('max_proxies_per_holder', sa.Integer),
)


def upgrade():
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proxies_exclude_presidents', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('second_convocation_days', sa.Integer(), nullable=False, server_default='8'))
        batch_op.add_column(sa.Column('unexcused_absences_limit', sa.Integer(), nullable=False, server_default='2'))

    op.execute(body.update()
               .where(body.c.convocation_days == OLD_CONVOCATION_DAYS, body.c.quorum_strict.is_(True),
                      body.c.quorum_fraction == 0.5)
               .values(convocation_days=PRESET_CONVOCATION_DAYS, quorum_strict=False))
    # No pouvoir at all was written « 0 per holder »: it is « pouvoirs non admis » now.
    op.execute(body.update().where(body.c.max_proxies_per_holder < 1)
               .values(proxies_allowed=False, max_proxies_per_holder=1))
    op.execute(body.update().where(body.c.max_proxies_per_holder > 3).values(max_proxies_per_holder=3))

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.alter_column('proxies_exclude_presidents', server_default=None)
        batch_op.alter_column('second_convocation_days', server_default=None)
        batch_op.alter_column('unexcused_absences_limit', server_default=None)
        batch_op.create_check_constraint('max_proxies_per_holder_range', 'max_proxies_per_holder BETWEEN 1 AND 3')
        batch_op.create_check_constraint('second_convocation_days_positive', 'second_convocation_days >= 1')
        batch_op.create_check_constraint('unexcused_absences_limit_positive', 'unexcused_absences_limit >= 1')


def downgrade():
    # The moved rules stay as they are: they are the law, and the old defaults cannot be told apart.
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_body_unexcused_absences_limit_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_body_second_convocation_days_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_body_max_proxies_per_holder_range'), type_='check')
        batch_op.drop_column('unexcused_absences_limit')
        batch_op.drop_column('second_convocation_days')
        batch_op.drop_column('proxies_exclude_presidents')
