"""Body feeds become personal: one link per account and body, instead of one link shared by all.

The shared links (``body.feed_token``) stop working: a former member may hold one. Each account asks
for its own link on the body's page; it answers only while the account may open the body.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('body_feed_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_body_feed_link_body_id_body'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_body_feed_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_feed_link')),
    sa.UniqueConstraint('body_id', 'user_id', name=op.f('uq_body_feed_link_body_id_user_id')),
    sa.UniqueConstraint('token', name=op.f('uq_body_feed_link_token'))
    )
    with op.batch_alter_table('body_feed_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_feed_link_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_feed_link_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_body_feed_token'), type_='unique')
        batch_op.drop_column('feed_token')


def downgrade():
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_body_feed_token'), ['feed_token'])

    with op.batch_alter_table('body_feed_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_feed_link_user_id'))
        batch_op.drop_index(batch_op.f('ix_body_feed_link_body_id'))

    op.drop_table('body_feed_link')
