"""How each present person took part in a meeting held both on site and by visio: ``attendance.mode``,
« sur place » or « en visioconférence », chosen on the attendance sheet and printed on the attestation de
présence; the accountant's CSV lists the people on site only. Existing rows stay NULL: as the meeting
(``app/meetings/participation.py``). A VARCHAR with a CHECK like the other enums (``enum_column``): no
PostgreSQL type to create or drop.

Revision ID: 0210
Revises: 0200
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0210'
down_revision = '0200'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(op.f('ck_attendance_participation_mode'), "mode IN ('on_site', 'remote')")


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attendance_participation_mode'), type_='check')
        batch_op.drop_column('mode')
