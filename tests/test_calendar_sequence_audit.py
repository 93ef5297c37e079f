"""Calendar audit: what a calendar client holds after reading, in order, the e-mails a person was sent (RFC 5546
§2.1.5: a REQUEST whose SEQUENCE is not greater than the one held is ignored), and the feeds' date bounds."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import to_paris
from app.models import Invitation, MailKind, MailStatus, Membership, OutboxMessage, utc_now
from ics_support import events, feed_token_for, parse_ics
from test_calendar_changes import edit, titulaire_with_substitute
from test_calendar_convocations import ics_of, links_of, parts, send
from test_calendar_withdrawals_and_links import convene_again, upcoming_meeting


def invitations_received(inbox, address: str) -> list:
    """The VEVENT of each meeting e-mail sent to ``address``, in order, with the METHOD of its file."""
    received = []
    for message in inbox.to(address):
        calendar = parse_ics(ics_of(parts(message)[2]))
        (event,) = events(calendar)
        received.append((str(calendar["METHOD"]), event))
    return received


def calendar_holds(inbox, address: str, uid: str) -> str | None:
    """The STATUS of the event ``uid`` in the calendar of ``address`` once it has read its e-mails in order, as
    Outlook and Google do: a REQUEST is taken when nothing is held or its SEQUENCE is greater, a CANCEL when its
    SEQUENCE is not lower; a CANCEL of an event not held is ignored. None: no event."""
    held = None
    for method, event in invitations_received(inbox, address):
        if str(event["UID"]) != uid:
            continue
        sequence = int(event.get("SEQUENCE", 0))
        if method == "REQUEST" and (held is None or sequence > held[0]):
            held = (sequence, str(event["STATUS"]))
        elif method == "CANCEL" and held is not None and sequence >= held[0]:
            held = (sequence, "CANCELLED")
    return None if held is None else held[1]


def test_a_person_convened_again_after_being_taken_off_gets_an_invitation_that_outranks_the_cancellation(
        app, app_context, secretariat_client, inbox):
    """Taken off the list (METHOD:CANCEL), then convened again with nothing else changed: the new REQUEST
    must carry a SEQUENCE greater than the CANCEL's, or Outlook and Google keep the meeting cancelled."""
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    invitation = next(i for i in meeting.invitations if i.person.email == "membre2@example.fr")
    person_id, start = invitation.person_id, meeting.starts_at
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    convene_again(secretariat_client, meeting, person_id)
    send(secretariat_client, meeting)

    (_, first), (cancel_method, cancel), (again_method, again) = invitations_received(inbox, "membre2@example.fr")
    assert (cancel_method, again_method) == ("CANCEL", "REQUEST")
    assert str(first["UID"]) == str(cancel["UID"]) == str(again["UID"]) == meeting.ical_uid
    assert str(cancel["STATUS"]) == "CANCELLED" and str(again["STATUS"]) == "CONFIRMED"
    assert again.decoded("DTSTART") == start
    assert int(again["SEQUENCE"]) > int(cancel["SEQUENCE"]) >= int(first["SEQUENCE"]), \
        "the new invitation carries the SEQUENCE of the cancellation: calendars keep the meeting cancelled"
    assert calendar_holds(inbox, "membre2@example.fr", meeting.ical_uid) == "CONFIRMED"

    # The meeting then moves: the update outranks the re-invitation, and the others get theirs as before.
    later = to_paris(start) + timedelta(hours=1)
    edit(secretariat_client, meeting, starts=later.strftime("%H:%M"),
         ends=(later + timedelta(hours=2)).strftime("%H:%M"))
    send(secretariat_client, meeting)
    (_, update) = invitations_received(inbox, "membre2@example.fr")[-1]
    assert int(update["SEQUENCE"]) > int(again["SEQUENCE"]) and update.decoded("DTSTART").hour == later.hour
    assert calendar_holds(inbox, "membre2@example.fr", meeting.ical_uid) == "CONFIRMED"
    (_, other) = invitations_received(inbox, "membre1@example.fr")[-1]
    assert int(other["SEQUENCE"]) == 1 and other.decoded("DTSTART").hour == later.hour


def test_a_meeting_cancelled_while_the_worker_sends_its_convocations_leaves_no_calendar_holding_it(
        app, app_context, secretariat_client, job_queue, inbox, monkeypatch):
    """The worker has built the three convocations and is sending the first when the secretariat cancels the
    meeting and presses « Envoyer » again. Whoever receives the invitation must receive the cancellation after
    it; the convocations not gone yet must not leave."""
    from app.mail import outbox

    meeting = upcoming_meeting()
    real_claim = outbox.claim

    def claim_then_the_meeting_is_cancelled(row_id: int) -> bool:
        monkeypatch.setattr(outbox, "claim", real_claim)
        claimed = real_claim(row_id)  # the first convocation is leaving; the two others are built, waiting
        assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
        send(secretariat_client, meeting)  # with a worker: queued after the job being run
        return claimed

    send(secretariat_client, meeting)
    monkeypatch.setattr(outbox, "claim", claim_then_the_meeting_is_cancelled)
    job_queue.work()

    for number in (1, 2, 3):
        assert calendar_holds(inbox, f"membre{number}@example.fr", meeting.ical_uid) in (None, "CANCELLED"), \
            f"membre{number} keeps the cancelled meeting in their calendar"
    first = invitations_received(inbox, "membre1@example.fr")
    assert [method for method, _ in first] == ["REQUEST", "CANCEL"]
    assert int(first[1][1]["SEQUENCE"]) > int(first[0][1]["SEQUENCE"])
    assert inbox.to("membre2@example.fr") == [] and inbox.to("membre3@example.fr") == []


def test_a_suppleant_whose_mandate_ended_before_their_notice_left_is_not_sent_the_invitation(
        app, app_context, secretariat_client, inbox, mail_settings):
    """The titulaire answers « mon suppléant me remplace » while the mail server is down; the suppléant's
    mandate is then ended. The notice's retry must not put the meeting in their calendar: dropped, with why."""
    from tests.smtp_server import free_port
    from app.mail.outbox import deliver_due
    from app.formatting import paris_today

    meeting = upcoming_meeting()
    titulaire, substitute = titulaire_with_substitute(meeting)
    send(secretariat_client, meeting)
    answer_url = links_of(inbox, titulaire.email)["substitute"]
    port = mail_settings["MAIL_PORT"]
    mail_settings.update(MAIL_PORT=free_port())
    assert app.test_client().post(answer_url, data={"response": "substitute"}).status_code == 302
    mail_settings.update(MAIL_PORT=port)
    seat = db.session.scalar(select(Membership).where(Membership.person_id == substitute.id))
    seat.end_date = paris_today()  # ended today: over at once
    (notice,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MailKind.SUBSTITUTE_NOTICE))
    notice.next_attempt_at = utc_now() - timedelta(seconds=1)
    db.session.commit()

    deliver_due()

    assert inbox.to(substitute.email) == [], "the suppléant whose mandate ended receives the invitation"
    db.session.expire_all()
    dropped = db.session.get(OutboxMessage, notice.id)
    assert (dropped.status, dropped.detail) == (MailStatus.DROPPED, "mandat terminé")


def test_a_suppleant_whose_mandate_ends_before_the_meeting_day_is_neither_convened_nor_told_they_sit(
        app, app_context, secretariat_client, inbox):
    """Two suppléants stand for the titulaire; one's mandate ends the day before the meeting. Only the other
    sits in the titulaire's place: the first gets no invitation and is not put on the convened list."""
    from app.models import Person, Seat

    meeting = upcoming_meeting()
    titulaire, substitute = titulaire_with_substitute(meeting)
    seat = db.session.scalar(select(Membership).where(Membership.person_id == titulaire.id))
    leaving = Person(organisation=seat.person.organisation, civility=seat.person.civility, first_name="Lucie",
                     last_name="Sortante", email="sortante@example.fr")
    day_before = to_paris(meeting.starts_at).date() - timedelta(days=1)
    db.session.add(Membership(person=leaving, body=meeting.body, title=seat.title, seat=Seat.SUPPLEANT, voting=True,
                              start_date=seat.start_date, end_date=day_before, substitute_for=seat))
    db.session.commit()
    send(secretariat_client, meeting)
    assert app.test_client().post(links_of(inbox, titulaire.email)["substitute"],
                                  data={"response": "substitute"}).status_code == 302

    assert inbox.to("sortante@example.fr") == []
    assert calendar_holds(inbox, substitute.email, meeting.ical_uid) == "CONFIRMED"
    db.session.expire_all()
    assert db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                      Invitation.person_id == leaving.id)) is None


def test_an_all_day_deadline_on_the_last_day_the_forms_accept_is_in_the_feeds(app, app_context, secretariat_client):
    """The échéance form accepts 31/12/2100 (``LATEST_DATE``); the all-day event ends, exclusive, on
    1/1/2101. Feeds must show it like any other date."""
    meeting = upcoming_meeting()
    response = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data={
        "butoir-title": "Bilan du siècle", "butoir-day": "2100-12-31", "butoir-at": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    person = meeting.invitations[0].person

    for token in (feed_token_for(meeting.body), person.feed_token):
        feed = parse_ics(app.test_client().get(f"/feeds/{token}.ics").data)
        found = [event for event in events(feed) if str(event["SUMMARY"]) == "CSDU — Bilan du siècle"]
        assert len(found) == 1, "the échéance of 31/12/2100 is left out of the feed"
        (event,) = found
        assert event.decoded("DTSTART") == date(2100, 12, 31) and not isinstance(event.decoded("DTSTART"), datetime)
        assert event.decoded("DTEND") == date(2101, 1, 1)
