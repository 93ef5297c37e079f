"""Dossier de séance: documents of a meeting, their versions (bytes in chunks), download receipts, and
the e-mail that tells convened members the dossier changed.

Revision ID: 0050
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0050'
down_revision = '0030'
branch_labels = None
depends_on = None

OLD_KINDS = ('convocation', 'update', 'cancellation', 'withdrawal', 'reminder', 'substitute_notice', 'proxy_notice',
             'deadline_reminder', 'password_reset')
NEW_KINDS = OLD_KINDS + ('dossier_update',)


def _mail_kinds(kinds):
    """Replace the CHECK constraint listing the outbox's kinds of e-mail (SQLite: the table is rebuilt)."""
    with op.batch_alter_table('outbox_message', schema=None, recreate='auto') as batch_op:
        batch_op.alter_column('kind', existing_type=sa.Enum(*(NEW_KINDS if kinds == OLD_KINDS else OLD_KINDS),
                                                            name='mail_kind', native_enum=False,
                                                            create_constraint=True, length=32),
                              type_=sa.Enum(*kinds, name='mail_kind', native_enum=False, create_constraint=True,
                                            length=32),
                              existing_nullable=False)


def upgrade():
    op.create_table('meeting_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('presented_at_meeting', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_meeting_document_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_document_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_document'))
    )
    with op.batch_alter_table('meeting_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_document_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index('ix_meeting_document_meeting_id_position', ['meeting_id', 'position'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('storage', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['meeting_document.id'], name=op.f('fk_document_version_document_id_meeting_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_document_version_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_version_document_id_number'))
    )
    op.create_table('document_chunk',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_chunk_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'index', name=op.f('pk_document_chunk'))
    )
    op.create_table('document_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_document_receipt_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_receipt_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_receipt')),
    sa.UniqueConstraint('version_id', 'person_id', name=op.f('uq_document_receipt_version_id_person_id'))
    )
    with op.batch_alter_table('document_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_receipt_person_id'), ['person_id'], unique=False)
    _mail_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind = 'dossier_update'")
    _mail_kinds(OLD_KINDS)
    op.drop_table('document_receipt')
    op.drop_table('document_chunk')
    op.drop_table('document_version')
    op.drop_table('meeting_document')
