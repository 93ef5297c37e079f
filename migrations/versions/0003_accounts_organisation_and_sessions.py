"""Accounts belong to an organisation (ARS), a national admin role, and a session generation per account.

Existing accounts join their person's organisation, else the first organisation (one is created when
accounts exist without any). Every account gets a fresh session generation: sessions and remember
cookies issued before the upgrade no longer work (everyone logs in again once).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OLD_ROLES = ('admin', 'secretariat', 'member')
NEW_ROLES = OLD_ROLES + ('national_admin',)


def role_type(roles):
    return sa.Enum(*roles, name='role', native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('session_generation', sa.String(length=32), nullable=True))
        batch_op.alter_column('role', existing_type=role_type(OLD_ROLES), type_=role_type(NEW_ROLES),
                              existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_user_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_organisation_id_organisation'), 'organisation',
                                    ['organisation_id'], ['id'], ondelete='RESTRICT')

    connection = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('person_id', sa.Integer),
                    sa.column('organisation_id', sa.Integer), sa.column('session_generation', sa.String))
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer))
    organisation = sa.table('organisation', sa.column('id', sa.Integer), sa.column('name', sa.String),
                            sa.column('short_name', sa.String))
    connection.execute(user.update().values(organisation_id=sa.select(person.c.organisation_id)
                                            .where(person.c.id == user.c.person_id).scalar_subquery()))
    if connection.scalar(sa.select(sa.func.count()).select_from(user).where(user.c.organisation_id.is_(None))):
        first = connection.scalar(sa.select(sa.func.min(organisation.c.id)))
        if first is None:
            connection.execute(organisation.insert().values(name='Agence régionale de santé', short_name='ARS'))
            first = connection.scalar(sa.select(sa.func.min(organisation.c.id)))
        connection.execute(user.update().where(user.c.organisation_id.is_(None)).values(organisation_id=first))
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(user.update().where(user.c.id == user_id)
                           .values(session_generation=secrets.token_hex(16)))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_generation', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_check_constraint('organisation_required',
                                         "role = 'national_admin' OR organisation_id IS NOT NULL")


def downgrade():
    connection = op.get_bind()
    user = sa.table('user', sa.column('role', sa.String))
    connection.execute(user.delete().where(user.c.role == 'national_admin'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_organisation_required'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_user_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_organisation_id'))
        batch_op.alter_column('role', existing_type=role_type(NEW_ROLES), type_=role_type(OLD_ROLES),
                              existing_nullable=False)
        batch_op.drop_column('session_generation')
        batch_op.drop_column('organisation_id')
