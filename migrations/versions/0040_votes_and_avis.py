"""Votes and avis: the nature of agenda items and the text put to the vote, the bodies' voting rules,
votes with their frozen quorum and their ballots (roll call, declared interests), comptes rendus on the
public page.

Revision ID: 0040
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0040'
down_revision = '0023'
branch_labels = None
depends_on = None

CHOICES = ('pour', 'contre', 'abstention', 'ne_prend_pas_part')


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


def downgrade():
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
