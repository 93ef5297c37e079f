"""The outbox sends « Pouvoir caduc »: a member whose pouvoir's holder answered that they will not sit is
told it no longer counts (no chain of pouvoirs, D.1432-50), with their answer links to give it again.

Revision ID: 0150
Revises: 0130
Create Date: 2026-12-04
"""
from alembic import op

revision = '0150'
down_revision = '0130'
branch_labels = None
depends_on = None

KINDS = ('convocation', 'update', 'cancellation', 'withdrawal', 'reminder', 'substitute_notice', 'proxy_notice',
         'deadline_reminder', 'password_reset', 'dossier_update', 'consultation', 'consultation_reminder')
NEW_KIND = 'proxy_lapsed'


def kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _mail_kinds(kinds):
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_mail_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_message_mail_kind'), kind_check(kinds))


def upgrade():
    _mail_kinds(KINDS + (NEW_KIND,))


def downgrade():
    op.execute(f"DELETE FROM outbox_message WHERE kind = '{NEW_KIND}'")
    _mail_kinds(KINDS)
