"""Build (or reuse) the benchmark dataset and its accounts; prints a JSON line for measure.py.

    .venv/bin/python bench/prepare.py --scale 0.1     (DATABASE_URL chooses the database)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, inspect, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.agenda.fulltext import create_search_index  # noqa: E402
from app.calendar.feeds import regenerate_body_feed_link  # noqa: E402
from app.calendar.queries import body_feed_link  # noqa: E402
from app.calendar.sequence import new_feed_token  # noqa: E402
from app.extensions import db  # noqa: E402
from app.formatting import paris_datetime  # noqa: E402
from app.loadgen import (BENCHMARK_BODY_NAME, GENERATED_MODELS, LoadSize, create_benchmark_meeting,  # noqa: E402
                         generate_load)
from app.models import (  # noqa: E402
    Attendance,
    Body,
    BodyKind,
    Deadline,
    DeadlineKind,
    Meeting,
    MeetingStatus,
    Organisation,
    Role,
    RoundTableSection,
    User,
    ensure_default_themes,
    utc_now,
)
from dataset_copy import restore, save  # noqa: E402  (bench/, the script's own folder)

PASSWORD = "banc-d-essai-2026"
STAFF_EMAIL = "banc-secretariat@exemple.fr"
MEMBER_EMAIL = "banc-membre@exemple.fr"
ORDINARY_STAFF_EMAIL = "banc-secretariat-ordinaire@exemple.fr"  # secretariat of the ARS of the ordinary meeting
FEED_BODY_NAME = "Groupe de travail au calendrier chargé"


def create_feed_body(organisation: Organisation, events: int = 500) -> Body:
    """A body of ``organisation`` whose feed holds ``events`` events in its window: half meetings, half
    deadlines, within the last five months and the next five."""
    body = Body(organisation=organisation, kind=BodyKind.WORKING_GROUP, name=FEED_BODY_NAME, short_name="GT chargé")
    today = utc_now().date()
    meetings = events // 2
    for index in range(meetings):
        day = today - timedelta(days=150) + timedelta(days=300 * index // meetings)
        start = paris_datetime(day, 9 + index % 8)
        meeting = Meeting(body=body, title=f"Réunion de travail n°{index + 1}", starts_at=start,
                          ends_at=start + timedelta(hours=1), place="Visioconférence",
                          status=MeetingStatus.HELD if day < today else MeetingStatus.PLANNED)
        meeting.deadlines = [Deadline(kind=DeadlineKind.DUE_DATE, title=f"Retour des contributions n°{index + 1}",
                                      due_date=day + timedelta(days=3), body=body)]
        db.session.add(meeting)
    db.session.commit()
    return body


def account(email: str, role: Role, organisation: Organisation, person=None) -> User:
    """The benchmark's account, in the ARS of the reference meeting (it sees that ARS's data only)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, person=person, organisation=organisation)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    return user


def ordinary_meeting() -> Meeting:
    """A held meeting of the generated dataset with 60 attendees and its tour de table: the « ordinary
    meeting » of the targets (the first such, so every run opens the same one)."""
    sixty = select(Attendance.meeting_id).group_by(Attendance.meeting_id).having(func.count(Attendance.id) == 60)
    return db.session.scalar(
        select(Meeting).where(Meeting.id.in_(sixty), Meeting.status == MeetingStatus.HELD,
                              Meeting.id.in_(select(RoundTableSection.meeting_id)))
        .order_by(Meeting.id).limit(1))


def feed_token(body: Body, user: User) -> str:
    """The account's own link to the body's feed (created once)."""
    link = body_feed_link(body, user) or regenerate_body_feed_link(body, user, None)
    return link.token


def stale_schema() -> bool:
    """Whether a kept dataset lacks a column of the models (made before a migration that adds one)."""
    inspector = inspect(db.engine)
    existing = set(inspector.get_table_names())
    return any(table.name in existing
               and not {column.name for column in table.columns} <= {c["name"] for c in inspector.get_columns(table.name)}
               for table in db.metadata.sorted_tables)


def older_generator() -> bool:
    """Whether a kept dataset was generated before ``generate_load`` filled one of the tables it fills now
    (convocations, ordre du jour, votes, dossier, comptes rendus published): its pages would show less than
    real ones."""
    if "body" not in inspect(db.engine).get_table_names():
        return False
    # On a connection of its own, closed at once: an open transaction would hold off the index's ALTER TABLE.
    with db.engine.connect() as connection:
        return (connection.scalar(select(Body.id).where(Body.name == BENCHMARK_BODY_NAME)) is not None
                and any(connection.scalar(select(model.id).limit(1)) is None for model in GENERATED_MODELS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    scale = parser.parse_args().scale
    app = create_app()  # connects to nothing yet
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Every run starts from the dataset as prepared: the copy saved by the last preparation replaces what the
    # runs since wrote; checked below, then saved again (bench/dataset_copy.py).
    if restore(database_url):
        print("  jeu de données remis dans l'état préparé", file=sys.stderr)
    with app.app_context():
        rebuilt = ("d'un schéma antérieur" if stale_schema() else "d'un générateur antérieur" if older_generator()
                   else None)
        if rebuilt:
            print(f"  jeu de données {rebuilt} : reconstruit", file=sys.stderr)
            db.session.remove()
            db.drop_all()  # the search index with its tables (app/agenda/fulltext.py)
        db.create_all()
        for table in db.metadata.sorted_tables:  # a dataset kept from an earlier run gets new indexes
            for index in table.indexes:
                index.create(db.engine, checkfirst=True)
        with db.engine.begin() as connection:  # a dataset kept from an earlier run gets the full-text index
            create_search_index(connection)
        ensure_default_themes()
        db.session.commit()
        body = db.session.scalar(select(Body).where(Body.name == BENCHMARK_BODY_NAME))
        if body is None:
            started = time.perf_counter()
            counts = generate_load(LoadSize.scaled(scale),
                                   progress=lambda message: print(f"  {time.perf_counter() - started:7.1f} s  {message}",
                                                                  file=sys.stderr))
            print(f"  jeu généré : {counts}", file=sys.stderr)
            create_benchmark_meeting()
            body = db.session.scalar(select(Body).where(Body.name == BENCHMARK_BODY_NAME))
            create_feed_body(body.organisation)
            print(f"  préparé en {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum keeps on a live database: statistics, and the visibility map that index-only
            # scans need (a bulk load and earlier runs' writes leave it behind). Before every run.
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        meeting = db.session.scalar(select(Meeting).where(Meeting.body_id == body.id, Meeting.title ==
                                                          "Séance plénière de référence"))
        feed_body = db.session.scalar(select(Body).where(Body.name == FEED_BODY_NAME))
        staff = account(STAFF_EMAIL, Role.SECRETARIAT, body.organisation)
        ordinary = ordinary_meeting()
        account(ORDINARY_STAFF_EMAIL, Role.SECRETARIAT, ordinary.body.organisation)
        member_person = meeting.attendances[0].person
        account(MEMBER_EMAIL, Role.MEMBER, body.organisation, person=member_person)
        member_person.feed_token = member_person.feed_token or new_feed_token()
        tokens = {"feed_token": feed_token(body, staff), "feed_500_token": feed_token(feed_body, staff)}
        db.session.commit()
        dataset = {
            "meeting_id": meeting.id, "body_id": body.id, **tokens, "person_feed_token": member_person.feed_token,
            "password": PASSWORD,
            "staff": STAFF_EMAIL, "member": MEMBER_EMAIL,
            "ordinary_meeting_id": ordinary.id, "ordinary_staff": ORDINARY_STAFF_EMAIL,
        }
        db.session.remove()
        db.engine.dispose()  # nobody connected while the server copies a PostgreSQL database
    save(database_url)
    print(json.dumps(dataset))


if __name__ == "__main__":
    main()
