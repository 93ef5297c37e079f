"""Every table comes from an Alembic migration, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app.agenda.fulltext import outside_search_index
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
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                   "include_name": outside_search_index})
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


def test_0010_moves_recorded_deliveries_into_the_outbox_and_sets_echeances_to_their_meeting(database):
    """Nothing sent before the upgrade is sent again after it, and a next meeting's échéance that had
    kept an old date takes its meeting's."""
    from datetime import date, datetime

    from sqlalchemy import text

    app = make_app(database("migration_0010"))
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            def insert(table: str, **values) -> None:
                columns = ", ".join(values)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES "
                                        f"({', '.join(':' + name for name in values)})"), values)

            insert("organisation", id=1, name="ARS", short_name="ARS")
            insert("body", id=1, organisation_id=1, kind="cts", name="CTS", short_name="CTS", territory="",
                   quorum_fraction=0.5, quorum_strict=True, quorum_minimum=0, quorum_counts_represented=True,
                   convocation_days=15, reminder_days=3, proxies_allowed=True, max_proxies_per_holder=1)
            insert("person", id=1, organisation_id=1, civility="Mme", first_name="Anne", last_name="Martin",
                   email="anne@example.fr", affiliation="")
            for meeting_id, start in ((1, datetime(2026, 6, 4, 8)), (2, datetime(2026, 7, 2, 12))):
                insert("meeting", id=meeting_id, body_id=1, title="Séance", starts_at=start,
                       ends_at=start.replace(hour=start.hour + 2), place="", visio_url="", status="planned",
                       context="", working_method="", round_table_conclusion="", ical_uid=f"uid-{meeting_id}",
                       ical_sequence=3, version=1, attendance_version=1, created_at=start, updated_at=start)
            insert("invitation", id=1, meeting_id=1, person_id=1, capacity="member", title="")
            insert("convocation_delivery", invitation_id=1, sequence=3, kind="convocation", status="sent", error="",
                   attempts=1, sent_at=datetime(2026, 5, 20, 9), updated_at=datetime(2026, 5, 20, 9))
            insert("convocation_delivery", invitation_id=1, sequence=3, kind="reminder", status="sending", error="",
                   attempts=1, updated_at=datetime(2026, 6, 1, 5))
            insert("deadline", id=1, meeting_id=1, position=1, kind="next_meeting", title="Séance suivante",
                   due_date=date(2026, 6, 25), due_at=datetime(2026, 6, 25, 8), announced_meeting_id=2,
                   ical_uid="uid-deadline")
            insert("deadline_reminder_delivery", deadline_id=1, person_id=1, status="failed", error="Timeout",
                   attempts=2, updated_at=datetime(2026, 6, 20, 5))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT key, kind, status, meeting_id, person_id, sequence, attempts "
                                           "FROM outbox_message ORDER BY id")).all()
            deadline = connection.execute(text("SELECT due_date, due_at FROM deadline")).one()
        assert [tuple(row) for row in rows] == [
            ("meeting:1:person:1:v3:request", "convocation", "sent", 1, 1, 3, 1),
            ("meeting:1:person:1:v3:reminder", "reminder", "pending", 1, 1, 3, 1),
            ("deadline:1:person:1", "deadline_reminder", "failed", 1, 1, None, 2),
        ]
        assert str(deadline.due_date) == "2026-07-02" and str(deadline.due_at).startswith("2026-07-02 12:00")
        from app.calendar.convocations import mail_key
        from app.models import MailKind

        assert mail_key(MailKind.UPDATE, 1, 1, 3) == rows[0].key, "the app's key of that message: never sent twice"
        downgrade(revision="0005")
        with db.engine.connect() as connection:
            assert sorted(connection.execute(text("SELECT kind, status FROM convocation_delivery")).all()) == [
                ("convocation", "sent"), ("reminder", "failed")]
        db.session.remove()
        db.engine.dispose()


def insert_old_cts(*rules_added_since: str) -> int:
    """The id of a CTS (and of its ARS) inserted as the body table stood before the migrations that added the
    rules ``rules_added_since``."""
    from sqlalchemy import insert

    from app.models import PRESETS, Body, BodyKind, Organisation

    organisation = Organisation(name="ARS", short_name="ARS")
    db.session.add(organisation)
    db.session.flush()
    rules = {name: value for name, value in PRESETS[BodyKind.CTS].rules.settings().items()
             if name not in rules_added_since}
    return db.session.execute(insert(Body.__table__).values(
        organisation_id=organisation.id, kind=BodyKind.CTS, name="CTS", short_name="CTS", territory="",
        **rules)).inserted_primary_key[0]


def test_0100_measures_the_frozen_files_already_stored(database):
    """A compte rendu validated before 0100 gets its digest and size, so that its download has them; a draft
    has neither."""
    import hashlib
    from datetime import datetime, timezone

    from sqlalchemy import text

    from app.models import Meeting

    app = make_app(database("migration_0100"))
    with app.app_context():
        upgrade(revision="0090")
        body_id = insert_old_cts("max_substitutes_per_titulaire", "president_casting_vote")  # added by 0120, 0240
        start = datetime(2026, 6, 4, 8, tzinfo=timezone.utc)
        meetings = [Meeting(body_id=body_id, title=f"Séance {n}", starts_at=start, ends_at=start.replace(hour=10))
                    for n in (1, 2)]
        db.session.add_all(meetings)
        db.session.commit()
        document = b"PK" + bytes(range(256)) * 40
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO minutes (id, meeting_id, status, document) VALUES "
                                    "(1, :validated, 'validated', :document), (2, :draft, 'draft', NULL)"),
                               {"validated": meetings[0].id, "draft": meetings[1].id, "document": document})
        db.session.remove()
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT document_sha256, document_size FROM minutes ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(hashlib.sha256(document).hexdigest(), len(document)), (None, None)]
        db.session.remove()
        db.engine.dispose()


def test_0240_gives_existing_bodies_votes_and_consultations_the_presidents_casting_vote(database):
    """Before 0240 the president's vote always decided a tie: every body, vote and consultation keeps that rule."""
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from app.models import (
        AgendaItem,
        AgendaItemNature,
        Body,
        Meeting,
        Vote,
        VoteChoice,
        VoteOutcome,
        WrittenConsultation,
    )

    app = make_app(database("migration_0240"))
    with app.app_context():
        upgrade(revision="0230")
        body_id = insert_old_cts("president_casting_vote")
        start = datetime(2026, 6, 4, 8, tzinfo=timezone.utc)
        meeting = Meeting(body_id=body_id, title="Séance", starts_at=start, ends_at=start.replace(hour=10))
        item = AgendaItem(position=1, title="Avis", nature=AgendaItemNature.FOR_OPINION, meeting=meeting)
        db.session.add(item)
        db.session.flush()
        db.session.execute(insert(Vote.__table__).values(
            agenda_item_id=item.id, votes_for=4, votes_against=4, abstentions=0, not_voting=0,
            abstentions_in_base=False, president_choice=VoteChoice.FOR, outcome=VoteOutcome.ADOPTED,
            decided_by_casting_vote=True, quorum_statement="Quorum atteint", quorum_counted=8, quorum_base=8,
            quorum_required=4))
        db.session.execute(insert(WrittenConsultation.__table__).values(
            body_id=body_id, question="Consultation", closes_at=start, abstentions_in_base=False))
        db.session.commit()
        db.session.remove()
        upgrade()
        assert db.session.get(Body, body_id).president_casting_vote is True
        assert db.session.scalar(select(Vote)).president_casting_vote is True
        assert db.session.scalar(select(WrittenConsultation)).president_casting_vote is True
        db.session.remove()
        downgrade(revision="0230")
        for table in ("body", "vote", "written_consultation"):
            assert "president_casting_vote" not in {column["name"] for column in inspect(db.engine).get_columns(table)}
        db.session.remove()
        db.engine.dispose()
