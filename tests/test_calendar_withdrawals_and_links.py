"""Calendar files and links around a person taken off the convened list (their withdrawal, convened again,
their old answer link), and the personal feed's deadlines set at older meetings."""
from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.formatting import paris_datetime
from app.models import Deadline, DeadlineKind, Meeting, MeetingStatus
from ics_support import events, feed_token_for, make_body, make_meeting, parse_ics
from test_calendar_convocations import ics_of, links_of, parts, send

IN_A_MONTH = date.today() + timedelta(days=30)


def upcoming_meeting(members: int = 3) -> Meeting:
    return make_meeting(make_body(members), paris_datetime(IN_A_MONTH, 14), title="Séance de printemps")


def convene_again(client, meeting: Meeting, person_id: int) -> None:
    """The « Convoquer une personne » form of the convened list, choosing someone already known."""
    response = client.post(f"/meetings/{meeting.id}/convened", data={
        "person_id": str(person_id), "capacity": "member", "title": "Représentante", "new_civility": "Mme",
        "new_first_name": "", "new_last_name": "", "new_email": "", "new_affiliation": ""})
    assert response.status_code == 302


def take_off_while_mail_is_down(client, meeting: Meeting, mail_settings, email: str = "membre2@example.fr") -> int:
    """Take ``email``'s person off the convened list while the mail server is down: their cancellation waits
    for a retry (the server is back afterwards). Returns their person id."""
    from tests.smtp_server import free_port

    invitation = next(i for i in meeting.invitations if i.person.email == email)
    person_id, port = invitation.person_id, mail_settings["MAIL_PORT"]
    mail_settings.update(MAIL_PORT=free_port())
    assert client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove").status_code == 302
    mail_settings.update(MAIL_PORT=port)
    return person_id


def test_a_person_taken_off_by_mistake_then_convened_again_gets_a_new_invitation(
        app, app_context, secretariat_client, inbox):
    """The withdrawal (METHOD:CANCEL) removed the meeting from their calendar; convened again, they
    get an invitation again (the same version of the meeting, a new e-mail)."""
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    invitation = next(i for i in meeting.invitations if i.person.email == "membre2@example.fr")
    person_id = invitation.person_id
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    assert [m["Subject"].split(" : ")[0] for m in inbox.to("membre2@example.fr")] == ["Convocation", "Annulation"]

    convene_again(secretariat_client, meeting, person_id)
    send(secretariat_client, meeting)

    received = inbox.to("membre2@example.fr")
    assert len(received) == 3, "convened again after a cancellation of their invitation, they receive nothing"
    calendar = parse_ics(ics_of(parts(received[-1])[2]))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(events(calendar)[0]["UID"]) == meeting.ical_uid


def test_the_withdrawal_file_cancels_and_carries_no_confirmed_status_nor_reminder(
        app, app_context, secretariat_client, inbox):
    """RFC 5546 §3.2.5: a CANCEL has no VALARM, and STATUS is CANCELLED or absent. The withdrawal's
    seance.ics (« Votre agenda retire la séance grâce au fichier joint ») says neither CONFIRMED nor a
    reminder: a calendar that imports the file keeps no meeting and no alarm."""
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    invitation = next(i for i in meeting.invitations if i.person.email == "membre2@example.fr")
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    withdrawal = inbox.to("membre2@example.fr")[-1]
    calendar = parse_ics(ics_of(parts(withdrawal)[2]))
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = events(calendar)
    assert event.walk("VALARM") == [], "a cancellation sets a reminder one day before the meeting"
    assert str(event.get("STATUS", "CANCELLED")) == "CANCELLED", "the cancelled invitation says CONFIRMED"


def test_a_personal_feed_shows_an_upcoming_deadline_set_at_a_meeting_older_than_its_window(app, app_context):
    """« Synthèses attendues » set at a meeting 8 months ago and due in 3 weeks: the body's feed shows it,
    and the member's personal feed (« Mon agenda ») too, whatever the date of the meeting that set it."""
    body = make_body(1)
    old = make_meeting(body, paris_datetime(date.today() - timedelta(days=240), 10), status=MeetingStatus.HELD)
    old.deadlines = [Deadline(kind=DeadlineKind.DUE_DATE, title="Synthèses attendues",
                              due_date=date.today() + timedelta(days=21))]
    db.session.commit()
    person = body.memberships[0].person

    body_feed = app.test_client().get(f"/feeds/{feed_token_for(body, person)}.ics").data
    personal_feed = app.test_client().get(f"/feeds/{person.feed_token}.ics").data

    assert "CSDU — Synthèses attendues" in [str(event["SUMMARY"]) for event in events(parse_ics(body_feed))]
    assert "CSDU — Synthèses attendues" in [str(event["SUMMARY"]) for event in events(parse_ics(personal_feed))]


def test_the_answer_link_of_a_person_taken_off_answers_for_nobody_else(app, app_context, secretariat_client, inbox):
    """On SQLite (the embedded database) the id of the last invitation, once deleted, is given to the next
    one: the removed member's e-mail link then answers for nobody (it names its person and meeting too)."""
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    removed = max(meeting.invitations, key=lambda invitation: invitation.id)
    link = links_of(inbox, removed.person.email)["present"]
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{removed.id}/remove")
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened", data={
        "person_id": "0", "new_civility": "M.", "new_first_name": "Paul", "new_last_name": "Expert",
        "new_email": "paul.expert@example.fr", "new_affiliation": "", "capacity": "guest", "title": "Expert invité"})
    assert response.status_code == 302

    page = app.test_client().get(link)
    app.test_client().post(link, data={"response": "present"})

    db.session.expire_all()
    guest = next(i for i in db.session.get(Meeting, meeting.id).invitations if i.person.last_name == "Expert")
    assert "EXPERT" not in page.get_data(as_text=True), "the removed member's link shows the guest's convocation"
    assert guest.response is None, "the removed member's link answered for the guest"
