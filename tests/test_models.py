"""Constraints live in the database, not only in forms."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.formatting import paris_datetime
from app.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Civility,
    Meeting,
    Membership,
    Organisation,
    Person,
    Seat,
    Theme,
)
from app.models.types import PortableEnum


@pytest.fixture
def body(app_context):
    organisation = Organisation(name="ARS Test")
    body = Body(organisation=organisation, kind=BodyKind.CTS, name="CTS du Gers")
    db.session.add(body)
    db.session.commit()
    return body


def new_person(body, last_name="Dupont"):
    person = Person(organisation=body.organisation, civility=Civility.MRS, last_name=last_name, first_name="Anne")
    db.session.add(person)
    db.session.commit()
    return person


def new_meeting(body, start=None):
    start = start or paris_datetime(date(2020, 5, 28), 10)
    meeting = Meeting(body=body, title="Séance", starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def assert_refused(*objects):
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_four_segur_pillars_are_seeded(app_context):
    names = db.session.scalars(select(Theme.name).order_by(Theme.position)).all()
    assert len(names) == 4
    assert names[0].startswith("Pilier n°1 : Transformer les métiers")
    assert names[3].startswith("Pilier n°4 : Fédérer les acteurs")


def test_meeting_times_are_stored_in_utc_and_read_back_aware(body):
    meeting = new_meeting(body, paris_datetime(date(2020, 6, 9), 10, 30))
    db.session.expire_all()
    reloaded = db.session.get(Meeting, meeting.id)
    assert reloaded.starts_at.tzinfo is not None
    assert reloaded.starts_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc)  # CEST is UTC+2


def test_plain_column_reads_give_enum_members_and_aware_utc_datetimes(body):
    """The pages read their long lists as plain rows (app/meetings/page.py): the same values as the mapped objects,
    through the types' own one-call processors (app/models/types.py)."""
    person = new_person(body)
    meeting = new_meeting(body, paris_datetime(date(2020, 6, 9), 10, 30))
    db.session.add(Attendance(meeting=meeting, person=person, status=AttendanceStatus.EXCUSED))
    db.session.commit()
    attendance, meetings = Attendance.__table__.c, Meeting.__table__.c
    status, mode, starts_at = db.session.execute(
        select(attendance.status, attendance.mode, meetings.starts_at)
        .join_from(Attendance.__table__, Meeting.__table__, meetings.id == attendance.meeting_id)).one()
    assert status is AttendanceStatus.EXCUSED and status.label == "Excusé"
    assert mode is None
    assert starts_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc) and starts_at.tzinfo is timezone.utc


def test_a_stored_value_outside_the_enum_is_refused_on_reading(app_context):
    """The database's CHECK keeps such values out; were one there (a column altered by hand), reading it says
    which enum it does not belong to instead of giving a wrong member."""
    dialect = db.engine.dialect
    status_type = Attendance.__table__.c.status.type.dialect_impl(dialect)
    assert isinstance(status_type, PortableEnum)  # kept by SQLAlchemy on each engine: its one-call reading with it
    read = status_type.result_processor(dialect, None)
    assert read("present") is AttendanceStatus.PRESENT and read(None) is None
    with pytest.raises(LookupError, match="attendance_status"):
        read("inconnu")


def test_naive_datetimes_are_rejected(body):
    meeting = Meeting(body=body, title="Séance", starts_at=datetime(2020, 6, 9, 10), ends_at=datetime(2020, 6, 9, 12))
    db.session.add(meeting)
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()


def test_meeting_must_end_after_it_starts(body):
    start = paris_datetime(date(2020, 6, 9), 10)
    assert_refused(Meeting(body=body, title="À l'envers", starts_at=start, ends_at=start - timedelta(hours=1)))


def test_membership_is_unique_per_person_body_and_start(body):
    person = new_person(body)
    db.session.add(Membership(person=person, body=body, title="Membre", start_date=date(2020, 1, 1)))
    db.session.commit()
    assert_refused(Membership(person=person, body=body, title="Doublon", start_date=date(2020, 1, 1)))


def test_membership_cannot_end_before_it_starts(body):
    person = new_person(body)
    assert_refused(Membership(person=person, body=body, start_date=date(2020, 1, 1), end_date=date(2019, 1, 1)))


def test_only_a_suppleant_stands_for_a_titulaire(body):
    titulaire = Membership(person=new_person(body, "Martin"), body=body, start_date=date(2020, 1, 1))
    db.session.add(titulaire)
    db.session.commit()
    assert_refused(Membership(person=new_person(body, "Petit"), body=body, start_date=date(2020, 1, 1),
                              seat=Seat.TITULAIRE, substitute_for=titulaire))
    suppleant = Membership(person=new_person(body, "Roux"), body=body, start_date=date(2020, 1, 1),
                           seat=Seat.SUPPLEANT, substitute_for=titulaire)
    db.session.add(suppleant)
    db.session.commit()
    assert titulaire.substitutes == [suppleant]


def test_one_attendance_per_person_per_meeting(body):
    person = new_person(body)
    meeting = new_meeting(body)
    db.session.add(Attendance(meeting=meeting, person=person, status=AttendanceStatus.PRESENT))
    db.session.commit()
    assert_refused(Attendance(meeting=meeting, person=person, status=AttendanceStatus.EXCUSED))


def test_only_represented_members_name_a_representative(body):
    person, other = new_person(body, "Un"), new_person(body, "Deux")
    meeting = new_meeting(body)
    assert_refused(Attendance(meeting=meeting, person=person, status=AttendanceStatus.PRESENT, represented_by=other))


def test_foreign_keys_are_enforced(body):
    meeting = new_meeting(body)
    db.session.add(Attendance(meeting_id=meeting.id, person_id=999_999, status=AttendanceStatus.PRESENT))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_enum_values_are_checked_by_the_database(body):
    from sqlalchemy import text

    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE body SET kind = 'unknown' WHERE id = :id"), {"id": body.id})
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    "voting_members, fraction, strict, minimum, expected",
    [(14, 0.5, True, 0, 8), (15, 0.5, True, 0, 8), (14, 0.5, False, 0, 7), (100, 1 / 3, True, 21, 34), (45, 1 / 3, True, 21, 21)],
)
def test_quorum_rule_is_a_setting_of_the_body(voting_members, fraction, strict, minimum, expected):
    body = Body(quorum_fraction=fraction, quorum_strict=strict, quorum_minimum=minimum)
    assert body.quorum_required(voting_members) == expected


def test_people_sort_as_a_french_reader_expects():
    people = [Person(last_name=name, first_name="Anne") for name in ("Zola", "Éluard", "dupont", "Œuvrard", "Eluard")]
    ordered = [person.last_name for person in sorted(people, key=lambda person: person.sort_key)]
    assert ordered == ["dupont", "Eluard", "Éluard", "Œuvrard", "Zola"]
