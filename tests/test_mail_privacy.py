"""No member receives another member's address (issue 11, part 1): every e-mail of a meeting's life,
sent for real through the test SMTP server, and every file a member can download or subscribe to."""
from __future__ import annotations

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import Meeting, Membership, Person, User
from conftest import log_in
from ics_support import feed_token_for
from test_calendar_changes import edit
from test_calendar_convocations import links_of
from tests.smtp_server import all_text


def life_of_a_meeting(app, client, meeting, inbox) -> set[str]:
    """Convocations (late: with a reason), a suppléant sitting, a pouvoir, an update, someone taken off
    the list, reminders, the cancellation. Returns every address ever convened."""
    addresses = {invitation.person.email for invitation in meeting.invitations if invitation.person.email}
    assert client.post(f"/meetings/{meeting.id}/convocations", data={"urgency": "Réunion avancée"}).status_code == 302

    fabre = db.session.scalar(select(Person).where(Person.last_name == "Fabre"))
    seat = db.session.scalar(select(Membership).where(Membership.substitutes.any(Membership.person_id == fabre.id)))
    app.test_client().post(links_of(inbox, seat.person.email)["substitute"], data={"response": "substitute"})
    others = [i.person for i in meeting.invitations if i.person.email and i.person_id not in (seat.person_id, fabre.id)]
    giver, holder, removed = others[0], others[1], others[2]
    app.test_client().post(links_of(inbox, giver.email)["proxy"], data={"response": "proxy",
                                                                        "proxy_holder": str(holder.id)})
    edit(client, meeting, place="Salle du conseil, ARS Occitanie")
    client.post(f"/meetings/{meeting.id}/convocations", data={"urgency": "Réunion avancée"})
    invitation = next(i for i in db.session.get(Meeting, meeting.id).invitations if i.person_id == removed.id)
    client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    meeting.body.reminder_days = 30
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["send-reminders"]).exit_code == 0
    client.post(f"/meetings/{meeting.id}/cancel")
    client.post(f"/meetings/{meeting.id}/convocations")
    return addresses


def test_no_message_of_a_meetings_life_holds_another_convened_persons_address(app, demo, secretariat_client, inbox):
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Suivi des retours d'expérience"))
    addresses = life_of_a_meeting(app, secretariat_client, meeting, inbox)
    subjects = {message["Subject"].split(" : ")[0] for _, message in inbox.messages}
    assert {"Convocation", "Modification", "Annulation", "Rappel"} <= subjects
    assert any(subject.startswith("Vous siégez à la place de") for subject in subjects)
    assert any(subject.startswith("Pouvoir de") for subject in subjects)
    assert len(addresses) >= 10 and len(inbox.messages) >= 3 * len(addresses)
    for recipients, message in inbox.messages:
        (recipient,) = recipients
        assert [address.addr_spec for address in message["To"].addresses] == [recipient]
        assert message["Cc"] is None and message["Bcc"] is None
        content = all_text(message)
        leaked = {address for address in addresses - {recipient} if address in content}
        assert not leaked, f"{message['Subject']} to {recipient} holds {leaked}"


def test_no_file_a_member_can_download_or_subscribe_to_holds_another_members_address(app, demo):
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    client = log_in(app.test_client(), member, password=DEMO_PASSWORD)
    meetings = db.session.scalars(select(Meeting).where(Meeting.body_id == demo.body_id)).all()
    addresses = {invitation.person.email for meeting in meetings for invitation in meeting.invitations
                 if invitation.person.email and invitation.person_id != member.person_id}
    files = [client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True) for meeting in meetings]
    files += [client.get(f"/meetings/{demo.id}/deadlines.ics").get_data(as_text=True),
              app.test_client().get(f"/feeds/{member.person.feed_token}.ics").get_data(as_text=True),
              app.test_client().get(f"/feeds/{feed_token_for(demo.body, member.person)}.ics").get_data(as_text=True)]
    assert addresses
    for content in files:
        assert "BEGIN:VCALENDAR" in content
        assert not {address for address in addresses if address in content}
