"""The digest and size of a validated compte rendu's frozen file, kept with it: its download answers a 304
and sends its length without reading it, and streams it by pieces. Existing files are measured here.
On PostgreSQL the file is stored uncompressed out of line (it is a .zip already), so that a piece is read
without the rest.

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-02
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0100'
down_revision = '0090'
branch_labels = None
depends_on = None

minutes = sa.table('minutes', sa.column('id', sa.Integer), sa.column('document', sa.LargeBinary),
                   sa.column('document_sha256', sa.String), sa.column('document_size', sa.Integer))


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('document_size', sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('ALTER TABLE minutes ALTER COLUMN document SET STORAGE EXTERNAL')
    ids = bind.execute(sa.select(minutes.c.id).where(minutes.c.document.is_not(None))).scalars().all()
    for minutes_id in ids:  # one file in memory at a time
        document = bind.execute(sa.select(minutes.c.document).where(minutes.c.id == minutes_id)).scalar_one()
        bind.execute(minutes.update().where(minutes.c.id == minutes_id).values(
            document_sha256=hashlib.sha256(document).hexdigest(), document_size=len(document)))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE minutes ALTER COLUMN document SET STORAGE EXTENDED')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('document_size')
        batch_op.drop_column('document_sha256')
