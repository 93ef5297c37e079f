"""Calendar files of a meeting and of its deadlines: fields, time zones, downloads, command line."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, select

from app.calendar.builders import attendees_of, meeting_calendar
from app.calendar.queries import load_meeting_for_calendar
from app.extensions import db
from app.formatting import PARIS
from app.demo import DEMO_PASSWORD
from app.models import Deadline, Invitation, InvitationResponse, Meeting, MeetingStatus, Person, Role, User
from conftest import create_user, log_in
from ics_support import events, make_body, make_meeting, paris, parse_ics, parse_with_ical_js
from query_count import fresh_session


def meeting_ics(meeting_id: int, with_attendees: bool = False) -> bytes:
    meeting = load_meeting_for_calendar(meeting_id)
    return meeting_calendar(meeting, attendees=attendees_of(meeting.invitations) if with_attendees else []).to_ical()


def test_seed_meeting_file_holds_every_field(app, demo):
    invitations = demo.invitations
    invitations[0].response = InvitationResponse.PRESENT
    invitations[1].response = InvitationResponse.EXCUSED
    invitations[2].response = InvitationResponse.PROXY
    invitations[2].proxy_holder = invitations[0].person
    invitations[3].response = InvitationResponse.SUBSTITUTE
    db.session.commit()

    calendar = parse_ics(meeting_ics(demo.id, with_attendees=True))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (event,) = events(calendar)
    assert str(event["UID"]) == demo.ical_uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP").tzinfo is not None
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute, end.hour) == (10, 0, 12)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert start.astimezone(timezone.utc) == datetime(2020, 5, 28, 8, 0, tzinfo=timezone.utc)
    assert str(event["SUMMARY"]) == ("GT COVID Déconfinement — Réunion du groupe de travail CRSA COVID "
                                     "Déconfinement — Ségur de la Santé")
    assert str(event["LOCATION"]) == "Visioconférence"
    assert str(event["URL"]) == f"http://seances.test/meetings/{demo.id}"
    description = str(event["DESCRIPTION"])
    assert "Ordre du jour :\n1. Ségur de la Santé : élargissement de la réflexion du groupe de travail" in description
    assert "3. Prochaines échéances" in description
    assert str(event["ORGANIZER"]) == "mailto:ars-oc-democratie-sanitaire@ars.example.fr"
    assert str(event["STATUS"]) == "CONFIRMED"
    attendees = {str(a): str(a.params["PARTSTAT"]) for a in event["ATTENDEE"]}
    assert len(attendees) == 14
    by_person = [attendees[f"mailto:{invitation.person.email}"] for invitation in invitations[:5]]
    assert by_person == ["ACCEPTED", "DECLINED", "DELEGATED", "DELEGATED", "NEEDS-ACTION"]
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=app.config["ICS_ALARM_MINUTES"])


def test_place_and_visio_both_in_location_and_description(app, app_context):
    body = make_body()
    meeting = make_meeting(body, paris(2026, 6, 4, 14), place="Salle Pasteur", visio_url="https://visio.example.fr/csdu")
    (event,) = events(parse_ics(meeting_ics(meeting.id)))
    assert str(event["LOCATION"]) == "Salle Pasteur, https://visio.example.fr/csdu"
    assert "Visioconférence : https://visio.example.fr/csdu" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:secretariat@ars.example.fr"


def test_cancelled_meeting_file_is_marked_cancelled_without_alarm(app, app_context):
    meeting = make_meeting(make_body(), paris(2026, 6, 4, 14))
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    (event,) = events(parse_ics(meeting_ics(meeting.id)))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert event.walk("VALARM") == []


def test_sequence_rises_once_per_change_of_date_place_or_status(app, app_context):
    meeting = make_meeting(make_body(), paris(2026, 6, 4, 14))
    assert meeting.ical_sequence == 0
    meeting.title = "Nouveau titre"
    meeting.context = "Contexte"
    db.session.commit()
    assert meeting.ical_sequence == 0, "the title is not part of the appointment"
    meeting.starts_at = paris(2026, 6, 4, 15)
    meeting.ends_at = paris(2026, 6, 4, 17)
    db.session.commit()
    assert meeting.ical_sequence == 1, "one change, one step, whatever the number of attributes"
    meeting.starts_at = paris(2026, 6, 4, 15)  # same instant, written again
    db.session.commit()
    assert meeting.ical_sequence == 1
    meeting.place = "Salle B"
    db.session.commit()
    meeting.visio_url = "https://visio.example.fr/b"
    db.session.commit()
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).ical_sequence == 4


def test_sequence_compares_with_the_stored_row_when_old_value_was_not_loaded(app, app_context):
    meeting = make_meeting(make_body(), paris(2026, 6, 4, 14), place="Salle A")
    db.session.expire(meeting)
    meeting.place = "Salle A"  # written again without reading it first
    meeting.starts_at = paris(2026, 6, 4, 14)
    db.session.commit()
    assert meeting.ical_sequence == 0
    db.session.expire(meeting)
    meeting.place = "Salle B"
    db.session.commit()
    assert meeting.ical_sequence == 1


def test_seed_deadlines_file_has_the_announced_dates_at_their_paris_hours(app, demo, tmp_path):
    response = log_in(app.test_client(), create_user(Role.SECRETARIAT)).get(f"/meetings/{demo.id}/deadlines.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse_ics(response.data)
    starts = [event.decoded("DTSTART") for event in events(calendar)]
    # The CRSA's 3 June is the plenary of that day: its own event (UID), at its hour.
    assert [(s.day, s.hour, s.minute) for s in starts[:4]] == [(3, 14, 0), (9, 10, 30), (16, 14, 30), (23, 11, 0)]
    assert all(s.tzinfo == PARIS or str(s.tzinfo) == "Europe/Paris" for s in starts[:4])
    assert "Séance plénière de la CRSA" in str(events(calendar)[0]["SUMMARY"])
    assert starts[4] == date(2020, 6, 20)
    synthesis = events(calendar)[4]
    assert synthesis.decoded("DTEND") == date(2020, 6, 21)
    assert "DTSTART;VALUE=DATE:20200620" in response.data.decode()
    assert "Synthèses des retours d'expérience attendues" in str(synthesis["SUMMARY"])

    parsed = parse_with_ical_js(response.data, tmp_path)
    assert [e["start"]["local"] for e in parsed["events"]] == [
        "2020-06-03T14:00:00", "2020-06-09T10:30:00", "2020-06-16T14:30:00", "2020-06-23T11:00:00", "2020-06-20"]
    assert [e["start"]["utc"] for e in parsed["events"][1:4]] == [
        "2020-06-09T08:30:00.000Z", "2020-06-16T12:30:00.000Z", "2020-06-23T09:00:00.000Z"]


def test_each_deadline_downloads_alone(app, demo):
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    deadline = db.session.scalar(select(Deadline).where(Deadline.due_date == date(2020, 6, 20)))
    response = client.get(f"/deadlines/{deadline.id}.ics")
    assert response.status_code == 200
    assert 'filename="echeance-20200620-' in response.headers["Content-Disposition"]
    (event,) = events(parse_ics(response.data))
    assert str(event["UID"]) == deadline.ical_uid
    assert event.decoded("DTSTART") == date(2020, 6, 20)
    assert client.get("/deadlines/999999.ics").status_code == 404


def test_ical_js_places_meetings_at_the_right_paris_hour_across_daylight_saving(app, app_context, demo, tmp_path):
    body = make_body()
    spring = make_meeting(body, paris(2026, 3, 29, 10))  # first day of summer time
    autumn = make_meeting(body, paris(2026, 10, 25, 10))  # first day of winter time
    expected = {demo.id: "2020-05-28T08:00:00.000Z", spring.id: "2026-03-29T08:00:00.000Z",
                autumn.id: "2026-10-25T09:00:00.000Z"}
    for meeting_id, utc in expected.items():
        content = meeting_ics(meeting_id)
        parse_ics(content)
        (event,) = parse_with_ical_js(content, tmp_path)["events"]
        assert event["start"]["tzid"] == "Europe/Paris"
        assert event["start"]["local"].endswith("T10:00:00")
        assert event["start"]["utc"] == utc
        assert event["end"]["local"].endswith("T12:00:00")
        assert event["alarms"] == 1


def test_member_downloads_meeting_of_own_body_only(app, demo):
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    client = log_in(app.test_client(), member, password=DEMO_PASSWORD)
    response = client.get(f"/meetings/{demo.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="seance-20200528-{demo.id}.ics"'
    (event,) = events(parse_ics(response.data))
    assert str(event["UID"]) == demo.ical_uid
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    assert [str(attendee) for attendee in attendees] in ([], [f"mailto:{member.person.email}"]), \
        "a member's file names that member alone"
    others = [i.person.email for i in demo.invitations if i.person.email and i.person_id != member.person_id]
    assert others and not any(email in response.get_data(as_text=True) for email in others)
    other = make_meeting(make_body(), paris(2026, 6, 4, 14))
    assert client.get(f"/meetings/{other.id}.ics").status_code == 403
    assert client.get(f"/meetings/{other.id}/deadlines.ics").status_code == 403


def test_a_members_copy_reads_their_own_convocation_alone_and_staffs_names_everyone(app, demo):
    """A member's file names them with their answer, and its statements read no one else's convocation or
    person (another member's address cannot reach it); a secretariat's file names everyone convened."""
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    own = next((i for i in demo.invitations if i.person_id == member.person_id), None)
    if own is None:
        own = Invitation(meeting=demo, person=member.person)
        db.session.add(own)
    own.response = InvitationResponse.EXCUSED
    db.session.commit()
    convened = {i.person.email for i in demo.invitations if i.person.email}
    assert len(convened) > 1
    meeting_id, own_id, person_id, address = demo.id, own.id, member.person_id, member.person.email
    client = log_in(app.test_client(), member, password=DEMO_PASSWORD)
    loaded = []

    def record(target, context):
        if isinstance(target, (Invitation, Person)):
            loaded.append(target)

    fresh_session()
    event.listen(db.Model, "load", record, propagate=True)
    try:
        response = client.get(f"/meetings/{meeting_id}.ics")
    finally:
        event.remove(db.Model, "load", record)
    (event_,) = events(parse_ics(response.data))
    (attendee,) = [event_["ATTENDEE"]] if not isinstance(event_["ATTENDEE"], list) else event_["ATTENDEE"]
    assert str(attendee) == f"mailto:{address}" and attendee.params["PARTSTAT"] == "DECLINED"
    assert {(type(row).__name__, row.id) for row in loaded} <= {("Invitation", own_id), ("Person", person_id)}

    staff = db.session.scalar(select(User).where(User.email == "secretariat@demo.example.fr"))
    staff_file = log_in(app.test_client(), staff, password=DEMO_PASSWORD).get(f"/meetings/{meeting_id}.ics")
    (event_,) = events(parse_ics(staff_file.data))
    assert {str(address).removeprefix("mailto:") for address in event_["ATTENDEE"]} == convened
    # Read as plain rows, everyone convened is named as the mapped invitations name them, byte for byte.
    fresh_session()
    meeting = load_meeting_for_calendar(meeting_id)
    assert staff_file.data == meeting_calendar(meeting, attendees=attendees_of(meeting.invitations)).to_ical()


def test_anonymous_visitor_is_sent_to_login_for_meeting_files(app, client):
    with app.app_context():
        meeting_id = make_meeting(make_body(), paris(2026, 6, 4, 14)).id
    for url in (f"/meetings/{meeting_id}.ics", f"/meetings/{meeting_id}/deadlines.ics"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_calendar_command_writes_the_meeting_and_its_deadlines(app, demo, tmp_path):
    runner = app.test_cli_runner()
    meeting_file, deadlines_file = tmp_path / "seance.ics", tmp_path / "echeances.ics"
    result = runner.invoke(args=["calendar", str(demo.id), "-o", str(meeting_file)])
    assert result.exit_code == 0, result.output
    assert str(events(parse_ics(meeting_file.read_bytes()))[0]["UID"]) == demo.ical_uid
    result = runner.invoke(args=["calendar", str(demo.id), "--deadlines", "-o", str(deadlines_file)])
    assert result.exit_code == 0, result.output
    assert len(events(parse_ics(deadlines_file.read_bytes()))) == 5


def test_calendar_command_refuses_an_unknown_meeting_in_french(app, app_context, tmp_path):
    output = tmp_path / "absent.ics"
    result = app.test_cli_runner().invoke(args=["calendar", "4242", "-o", str(output)])
    assert result.exit_code != 0
    assert "Aucune séance n'a l'identifiant 4242" in result.output
    assert not output.exists()
