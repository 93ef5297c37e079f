"""A next meeting is one event, whatever file it comes from (issue 12, part 2)."""
from __future__ import annotations

from datetime import date, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.formatting import long_date, paris_datetime
from app.models import Deadline, Meeting, Role
from conftest import create_user, log_in
from ics_support import events, feed_token_for, make_body, make_meeting, parse_ics, parse_with_ical_js
from test_calendar_changes import edit

SOON = date.today() + timedelta(days=10)
NEXT = date.today() + timedelta(days=40)


def announce_next_meeting(client, meeting) -> Deadline:
    response = client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data={
        "prochaine-body_id": str(meeting.body_id), "prochaine-title": "Réunion suivante",
        "prochaine-day": NEXT.isoformat(), "prochaine-starts": "10:30", "prochaine-ends": "12:00",
        "prochaine-place": "Salle A"})
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalar(select(Deadline).where(Deadline.meeting_id == meeting.id))


def event_of(content: bytes, uid: str):
    matching = [event for event in events(parse_ics(content)) if str(event["UID"]) == uid]
    assert len(matching) == 1, f"{len(matching)} events with UID {uid}"
    return matching[0]


def test_the_echeance_is_the_meeting_event_and_follows_it_everywhere(app, app_context, secretariat_client, tmp_path):
    meeting = make_meeting(make_body(), paris_datetime(SOON, 14))
    deadline = announce_next_meeting(secretariat_client, meeting)
    announced = deadline.announced_meeting
    announced = edit(secretariat_client, announced, day=(NEXT + timedelta(days=2)).isoformat(), starts="15:00",
                     ends="17:30", place="Salle B")
    moved_day = NEXT + timedelta(days=2)
    assert announced.ical_sequence == 1

    echeances = secretariat_client.get(f"/meetings/{meeting.id}/deadlines.ics").data
    meeting_file = secretariat_client.get(f"/meetings/{announced.id}.ics").data
    from_echeances, from_meeting = event_of(echeances, announced.ical_uid), event_of(meeting_file, announced.ical_uid)
    for name in ("DTSTART", "DTEND", "SEQUENCE", "LOCATION", "STATUS", "SUMMARY"):
        assert from_echeances.decoded(name) == from_meeting.decoded(name), name
    assert from_echeances.decoded("DTSTART") == paris_datetime(moved_day, 15)
    assert from_echeances.decoded("DTEND") == paris_datetime(moved_day, 17, 30)
    assert from_echeances["SEQUENCE"] == 1

    # Imported together, the two files hold one event for that meeting.
    both = parse_with_ical_js(echeances, tmp_path)["events"] + parse_with_ical_js(meeting_file, tmp_path)["events"]
    assert {(e["uid"], e["sequence"], e["start"]["utc"]) for e in both if e["uid"] == announced.ical_uid} == {
        (announced.ical_uid, 1, paris_datetime(moved_day, 15).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"))}

    feed = app.test_client().get(f"/feeds/{feed_token_for(meeting.body)}.ics").data
    assert event_of(feed, announced.ical_uid).decoded("DTSTART") == paris_datetime(moved_day, 15)

    moved = f"Réunion suivante le {long_date(moved_day)} à 15h00"
    assert moved in secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    db.session.expire_all()
    deadline = db.session.get(Deadline, deadline.id)
    assert (deadline.due_date, deadline.due_at) == (moved_day, paris_datetime(moved_day, 15))
    listed = secretariat_client.get("/deadlines").get_data(as_text=True)
    assert f"{long_date(moved_day)} à 15h00" in listed


def test_a_cancelled_next_meeting_is_cancelled_in_the_echeances_too(app, app_context, secretariat_client):
    meeting = make_meeting(make_body(), paris_datetime(SOON, 14))
    deadline = announce_next_meeting(secretariat_client, meeting)
    announced_id = deadline.announced_meeting_id
    secretariat_client.post(f"/meetings/{announced_id}/cancel")
    announced = db.session.get(Meeting, announced_id)
    event = event_of(secretariat_client.get(f"/meetings/{meeting.id}/deadlines.ics").data, announced.ical_uid)
    assert str(event["STATUS"]) == "CANCELLED" and str(event["SUMMARY"]).startswith("ANNULÉE — ")
    assert event["SEQUENCE"] == announced.ical_sequence == 1
    assert "(annulée)" in secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Annulée" in secretariat_client.get("/deadlines").get_data(as_text=True)


def test_a_next_meeting_deleted_to_the_bin_leaves_the_echeances(app, app_context, secretariat_client):
    meeting = make_meeting(make_body(), paris_datetime(SOON, 14))
    deadline = announce_next_meeting(secretariat_client, meeting)
    announced = deadline.announced_meeting
    uid = announced.ical_uid
    secretariat_client.post(f"/meetings/{announced.id}/delete")
    assert uid not in secretariat_client.get(f"/meetings/{meeting.id}/deadlines.ics").get_data(as_text=True)
    assert uid not in app.test_client().get(f"/feeds/{feed_token_for(meeting.body)}.ics").get_data(as_text=True)
    secretariat_client.get("/")  # the flashed messages name it
    assert "Réunion suivante" not in secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Réunion suivante" not in secretariat_client.get("/deadlines").get_data(as_text=True)
    assert secretariat_client.get(f"/deadlines/{deadline.id}.ics").status_code == 404


def test_a_member_feed_holds_a_next_meeting_once(app, app_context, secretariat_client):
    meeting = make_meeting(make_body(), paris_datetime(SOON, 14))
    announced = announce_next_meeting(secretariat_client, meeting).announced_meeting
    person = meeting.invitations[0].person
    content = app.test_client().get(f"/feeds/{person.feed_token}.ics").data
    event_of(content, announced.ical_uid)
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=person))
    assert member.get(f"/meetings/{meeting.id}/deadlines.ics").status_code == 200
