"""Outbox of e-mails (replaces the two delivery tables, whose rows it takes over), sendings of
convocations with their urgency reason, and the échéances announcing a meeting set to its date.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02 07:49:23.551010

"""
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

PARIS = ZoneInfo("Europe/Paris")


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('convocation_sending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('urgency_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_convocation_sending_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_convocation_sending_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convocation_sending'))
    )
    with op.batch_alter_table('convocation_sending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convocation_sending_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('convocation', 'update', 'cancellation', 'withdrawal', 'reminder', 'substitute_notice', 'proxy_notice', 'deadline_reminder', 'password_reset', name='mail_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'dropped', name='mail_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('about_person_id', sa.Integer(), nullable=True),
    sa.Column('sending_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['about_person_id'], ['person.id'], name=op.f('fk_outbox_message_about_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_outbox_message_deadline_id_deadline'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_outbox_message_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_outbox_message_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sending_id'], ['convocation_sending.id'], name=op.f('fk_outbox_message_sending_id_convocation_sending'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_outbox_message_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_message_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_sending_id'), ['sending_id'], unique=False)
        batch_op.create_index('ix_outbox_message_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_user_id'), ['user_id'], unique=False)

    copy_deliveries_to_outbox()
    follow_announced_meetings()
    with op.batch_alter_table('deadline_reminder_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_reminder_delivery_deadline_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_reminder_delivery_person_id'))

    op.drop_table('deadline_reminder_delivery')
    with op.batch_alter_table('convocation_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convocation_delivery_invitation_id'))

    op.drop_table('convocation_delivery')


def downgrade():
    op.create_table('convocation_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('convocation', 'cancellation', 'reminder', name='delivery_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('sending', 'sent', 'failed', name='delivery_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_convocation_delivery_invitation_id_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convocation_delivery')),
    sa.UniqueConstraint('invitation_id', 'sequence', 'kind', name=op.f('uq_convocation_delivery_invitation_id_sequence_kind'))
    )
    with op.batch_alter_table('convocation_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convocation_delivery_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('deadline_reminder_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('sending', 'sent', 'failed', name='delivery_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_deadline_reminder_delivery_deadline_id_deadline'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_deadline_reminder_delivery_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminder_delivery')),
    sa.UniqueConstraint('deadline_id', 'person_id', name=op.f('uq_deadline_reminder_delivery_deadline_id_person_id'))
    )
    with op.batch_alter_table('deadline_reminder_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_reminder_delivery_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_reminder_delivery_person_id'), ['person_id'], unique=False)

    copy_outbox_to_deliveries()
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_user_id'))
        batch_op.drop_index('ix_outbox_message_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_message_sending_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_person_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_deadline_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('convocation_sending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convocation_sending_meeting_id'))

    op.drop_table('convocation_sending')


def text(value: str) -> str:
    return f"CAST({value} AS VARCHAR)"


def copy_deliveries_to_outbox():
    """Every recorded delivery becomes an outbox row with the key the app now uses, so that nothing
    is sent twice; one still « sending » is pending again (its worker is gone)."""
    family = "CASE d.kind WHEN 'convocation' THEN 'request' WHEN 'cancellation' THEN 'cancel' ELSE 'reminder' END"
    status = "CASE d.status WHEN 'sending' THEN 'pending' ELSE d.status END"
    op.execute(sa.text(
        "INSERT INTO outbox_message (key, kind, status, meeting_id, sequence, person_id, attempts, detail, "
        "created_at, updated_at, sent_at) "
        f"SELECT 'meeting\\:' || {text('i.meeting_id')} || '\\:person\\:' || {text('i.person_id')} || '\\:v' || "
        f"{text('d.sequence')} || '\\:' || {family}, d.kind, {status}, i.meeting_id, d.sequence, i.person_id, "
        "d.attempts, d.error, d.updated_at, d.updated_at, d.sent_at "
        "FROM convocation_delivery d JOIN invitation i ON i.id = d.invitation_id ORDER BY d.id"
    ))
    op.execute(sa.text(
        "INSERT INTO outbox_message (key, kind, status, meeting_id, deadline_id, person_id, attempts, detail, "
        "created_at, updated_at, sent_at) "
        f"SELECT 'deadline\\:' || {text('d.deadline_id')} || '\\:person\\:' || {text('d.person_id')}, "
        f"'deadline_reminder', {status}, dl.meeting_id, d.deadline_id, d.person_id, d.attempts, d.error, "
        "d.updated_at, d.updated_at, d.sent_at FROM deadline_reminder_delivery d JOIN deadline dl ON dl.id = d.deadline_id "
        "ORDER BY d.id"
    ))


def copy_outbox_to_deliveries():
    """Back to the two delivery tables: what they can hold (updates were convocations; what waits
    is « failed », so that it is sent by the next sending)."""
    kind = "CASE o.kind WHEN 'update' THEN 'convocation' ELSE o.kind END"
    status = "CASE WHEN o.status IN ('pending', 'sending') THEN 'failed' ELSE o.status END"
    op.execute(
        "INSERT INTO convocation_delivery (invitation_id, sequence, kind, status, error, attempts, sent_at, updated_at) "
        f"SELECT i.id, o.sequence, {kind}, {status}, o.detail, o.attempts, o.sent_at, o.updated_at "
        "FROM outbox_message o JOIN invitation i ON i.meeting_id = o.meeting_id AND i.person_id = o.person_id "
        "WHERE o.kind IN ('convocation', 'update', 'cancellation', 'reminder') AND o.status <> 'dropped' ORDER BY o.id"
    )
    op.execute(
        "INSERT INTO deadline_reminder_delivery (deadline_id, person_id, status, error, attempts, sent_at, updated_at) "
        f"SELECT o.deadline_id, o.person_id, {status}, o.detail, o.attempts, o.sent_at, o.updated_at "
        "FROM outbox_message o WHERE o.kind = 'deadline_reminder' AND o.status <> 'dropped' ORDER BY o.id"
    )


def follow_announced_meetings():
    """An échéance announcing a meeting takes the meeting's current date and time (they may have
    drifted apart when the meeting was moved)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT d.id, m.starts_at FROM deadline d JOIN meeting m ON m.id = d.announced_meeting_id"
    ).columns(id=sa.Integer, starts_at=sa.DateTime)).all()
    update = sa.text("UPDATE deadline SET due_at = :due_at, due_date = :due_date WHERE id = :id").bindparams(
        sa.bindparam("due_at", type_=sa.DateTime), sa.bindparam("due_date", type_=sa.Date))
    for deadline_id, starts_at in rows:  # stored as naive UTC
        paris_day = starts_at.replace(tzinfo=timezone.utc).astimezone(PARIS).date()
        connection.execute(update, {"due_at": starts_at, "due_date": paris_day, "id": deadline_id})
