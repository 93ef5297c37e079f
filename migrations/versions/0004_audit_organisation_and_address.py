"""The audit trail records the organisation (ARS) an event is about and the client's address.

Existing events get the organisation of their meeting, else of their person, body or account;
events about nothing that still exists keep none (national admins see the security events only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('remote_address', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_audit_event_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('remote_address', existing_type=sa.String(length=64), server_default=None)

    event = sa.table('audit_event', sa.column('organisation_id', sa.Integer), sa.column('meeting_id', sa.Integer),
                     sa.column('entity_type', sa.String), sa.column('entity_id', sa.Integer))
    meeting = sa.table('meeting', sa.column('id', sa.Integer), sa.column('body_id', sa.Integer))
    body = sa.table('body', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer))
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer))
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer))
    connection = op.get_bind()
    connection.execute(event.update().where(event.c.meeting_id.is_not(None)).values(organisation_id=(
        sa.select(body.c.organisation_id).join(meeting, meeting.c.body_id == body.c.id)
        .where(meeting.c.id == event.c.meeting_id).scalar_subquery())))
    for entity_type, table in (('Person', person), ('Body', body), ('User', user)):
        connection.execute(event.update().where(event.c.organisation_id.is_(None),
                                                event.c.entity_type == entity_type).values(organisation_id=(
            sa.select(table.c.organisation_id).where(table.c.id == event.c.entity_id).scalar_subquery())))
    membership = sa.table('membership', sa.column('id', sa.Integer), sa.column('body_id', sa.Integer))
    connection.execute(event.update().where(event.c.organisation_id.is_(None),
                                            event.c.entity_type == 'Membership').values(organisation_id=(
        sa.select(body.c.organisation_id).join(membership, membership.c.body_id == body.c.id)
        .where(membership.c.id == event.c.entity_id).scalar_subquery())))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_organisation_id'))
        batch_op.drop_column('remote_address')
        batch_op.drop_column('organisation_id')
