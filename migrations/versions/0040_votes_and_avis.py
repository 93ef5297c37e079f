"""Votes and avis: the nature of agenda items and the text put to the vote, the bodies' voting rules,
votes with their frozen quorum and their ballots (roll call, declared interests), comptes rendus on the
public page.

Revision ID: 0040
Revises: 0060
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0040'
down_revision = '0060'
branch_labels = None
depends_on = None

CHOICES = ('pour', 'contre', 'abstention', 'ne_prend_pas_part')
MAIL_KINDS = ('convocation', 'update', 'cancellation', 'withdrawal', 'reminder', 'substitute_notice', 'proxy_notice',
              'deadline_reminder', 'password_reset', 'dossier_update')
CONSULTATION_KINDS = ('consultation', 'consultation_reminder')


def kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def choice_enum(name):
    return sa.Enum(*CHOICES, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nature', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(op.f('ck_agenda_item_agenda_item_nature'),
                                         "nature IN ('avis', 'deliberation', 'information')")
        batch_op.add_column(sa.Column('submitted_text', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abstentions_in_base', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('roll_call_votes', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_at', sa.DateTime(), nullable=True))

    op.create_table(
        'vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('roll_call', sa.Boolean(), nullable=False),
        sa.Column('votes_for', sa.Integer(), nullable=False),
        sa.Column('votes_against', sa.Integer(), nullable=False),
        sa.Column('abstentions', sa.Integer(), nullable=False),
        sa.Column('not_voting', sa.Integer(), nullable=False),
        sa.Column('abstentions_in_base', sa.Boolean(), nullable=False),
        sa.Column('president_choice', choice_enum('president_choice'), nullable=True),
        sa.Column('outcome', sa.Enum('adopted', 'rejected', name='vote_outcome', native_enum=False,
                                     create_constraint=True, length=32), nullable=False),
        sa.Column('decided_by_casting_vote', sa.Boolean(), nullable=False),
        sa.Column('quorum_statement', sa.Text(), nullable=False),
        sa.Column('quorum_counted', sa.Integer(), nullable=False),
        sa.Column('quorum_base', sa.Integer(), nullable=False),
        sa.Column('quorum_required', sa.Integer(), nullable=False),
        sa.Column('avis_text', sa.Text(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0 AND not_voting >= 0',
                           name=op.f('ck_vote_counts_not_negative')),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_vote_agenda_item_id_agenda_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_vote_recorded_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vote')),
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_published_at'), ['published_at'], unique=False)

    op.create_table(
        'vote_ballot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vote_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('cast_by_id', sa.Integer(), nullable=True),
        sa.Column('choice', choice_enum('vote_choice'), nullable=False),
        sa.Column('declared_interest', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cast_by_id'], ['person.id'], name=op.f('fk_vote_ballot_cast_by_id_person'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_vote_ballot_person_id_person'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_vote_ballot_vote_id_vote'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_ballot')),
        sa.UniqueConstraint('vote_id', 'person_id', name=op.f('uq_vote_ballot_vote_id_person_id')),
    )
    with op.batch_alter_table('vote_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_ballot_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_ballot_vote_id'), ['vote_id'], unique=False)

    op.create_table(
        'written_consultation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('abstentions_in_base', sa.Boolean(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('votes_for', sa.Integer(), nullable=False),
        sa.Column('votes_against', sa.Integer(), nullable=False),
        sa.Column('abstentions', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.Enum('adopted', 'rejected', name='consultation_outcome', native_enum=False,
                                     create_constraint=True, length=32), nullable=True),
        sa.Column('decided_by_casting_vote', sa.Boolean(), nullable=False),
        sa.CheckConstraint('votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0',
                           name=op.f('ck_written_consultation_counts_not_negative')),
        sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_written_consultation_body_id_body'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_written_consultation_opened_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_written_consultation')),
    )
    with op.batch_alter_table('written_consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_written_consultation_body_id'), ['body_id'], unique=False)

    op.create_table(
        'consultation_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('choice', choice_enum('consultation_choice'), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['written_consultation.id'],
                                name=op.f('fk_consultation_answer_consultation_id_written_consultation'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consultation_answer_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_answer')),
        sa.UniqueConstraint('consultation_id', 'person_id', name=op.f('uq_consultation_answer_consultation_id_person_id')),
    )
    with op.batch_alter_table('consultation_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_answer_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_answer_person_id'), ['person_id'], unique=False)

    # The outbox sends the consultation links and their reminders.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_answer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_consultation_answer_id'), ['consultation_answer_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_consultation_answer_id_consultation_answer'),
                                    'consultation_answer', ['consultation_answer_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_outbox_message_mail_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_message_mail_kind'),
                                         kind_check(MAIL_KINDS + CONSULTATION_KINDS))


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE " + kind_check(CONSULTATION_KINDS))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_mail_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_message_mail_kind'), kind_check(MAIL_KINDS))
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_consultation_answer_id_consultation_answer'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_consultation_answer_id'))
        batch_op.drop_column('consultation_answer_id')
    op.drop_table('consultation_answer')
    op.drop_table('written_consultation')
    op.drop_table('vote_ballot')
    op.drop_table('vote')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('public_at')
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_column('roll_call_votes')
        batch_op.drop_column('abstentions_in_base')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_item_agenda_item_nature'), type_='check')
        batch_op.drop_column('submitted_text')
        batch_op.drop_column('nature')
