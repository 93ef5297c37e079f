"""Every table comes from an Alembic migration, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app.extensions import db
from app.models import Theme
from tests.conftest import make_app


def test_upgrade_from_empty_then_downgrade_and_upgrade_again(database):
    app = make_app(database("migrations"))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        assert len(db.session.scalars(select(Theme)).all()) == 4
        db.session.remove()

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations differ: run flask db migrate"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()


def test_upgrade_of_a_database_with_accounts_gives_them_an_organisation_and_ends_old_sessions(database):
    """0003–0005 on data of 0002: accounts join their person's ARS (else the first one), get a session
    generation, audit events get their ARS, and shared body feed links are gone."""
    from sqlalchemy import text

    app = make_app(database("migrations_data"))
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO organisation (id, name, short_name) VALUES (1, 'ARS A', 'A'), "
                                    "(2, 'ARS B', 'B')"))
            connection.execute(text("INSERT INTO person (id, organisation_id, civility, first_name, last_name, affiliation) "
                                    "VALUES (1, 2, 'Mme', 'Anne', 'Durand', '')"))
            connection.execute(text("INSERT INTO body (id, organisation_id, kind, name, short_name, territory, "
                                    "quorum_fraction, quorum_strict, quorum_minimum, quorum_counts_represented, "
                                    "convocation_days, reminder_days, proxies_allowed, max_proxies_per_holder, "
                                    "feed_token) VALUES (1, 2, 'cts', 'CTS', 'CTS', '', 0.5, true, 0, true, 15, 3, "
                                    "true, 1, 'shared-token')"))
            for user_id, person_id in ((1, "1"), (2, "NULL")):
                connection.execute(text(f"INSERT INTO \"user\" (id, email, password_hash, role, person_id, active, "
                                        f"created_at) VALUES ({user_id}, 'u{user_id}@example.fr', 'x', 'member', "
                                        f"{person_id}, true, '2026-01-01 00:00:00')"))
            connection.execute(text("INSERT INTO audit_event (at, user_email, action, entity_type, entity_id, "
                                    "summary, changes) VALUES ('2026-01-01 00:00:00', '', 'created', 'Body', 1, "
                                    "'', '{}')"))
        upgrade()
        with db.engine.connect() as connection:
            accounts = connection.execute(text('SELECT id, organisation_id, session_generation FROM "user" '
                                               "ORDER BY id")).all()
            assert [(row[0], row[1]) for row in accounts] == [(1, 2), (2, 1)]
            assert all(len(row[2]) == 32 for row in accounts) and accounts[0][2] != accounts[1][2]
            assert connection.scalar(text("SELECT organisation_id FROM audit_event")) == 2
            assert "feed_token" not in {column["name"] for column in inspect(connection).get_columns("body")}
        with db.engine.begin() as connection:  # the new role is accepted, without an organisation
            connection.execute(text("INSERT INTO \"user\" (id, email, password_hash, role, active, created_at, "
                                    "session_generation) VALUES (3, 'n@example.fr', 'x', 'national_admin', true, "
                                    "'2026-01-01 00:00:00', 'g')"))
        downgrade(revision="0002")
        upgrade()
        db.session.remove()
        db.engine.dispose()
