"""Convocation e-mails through a real SMTP server on loopback, answer links, reminders."""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.formatting import long_date, paris_datetime
from app.models import (
    Invitation,
    REQUEST_KINDS,
    Deadline,
    DeadlineKind,
    InvitationResponse,
    MailKind,
    MailStatus,
    OutboxMessage,
    Person,
)
from tests.smtp_server import Inbox, free_port
from ics_support import events, make_body, make_meeting, paris, parse_ics, parse_with_ical_js

ANSWER_LINK = re.compile(r"http://seances\.test/reponse/[^\s\"<>?]+\?reponse=(\w+)")


def upcoming_meeting(members: int = 3, days: int = 20):
    start = paris_datetime(date.today() + timedelta(days=days), 14)
    return make_meeting(make_body(members), start, title="Séance de printemps")


def send(client, meeting):
    return client.post(f"/meetings/{meeting.id}/convocations", follow_redirects=True)


def parts(message):
    """(text, html, text/calendar part) of a meeting e-mail, checking the iMIP structure: multipart/mixed
    holding multipart/alternative (text, HTML, text/calendar with its METHOD) and the same file as seance.ics."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.get_payload()
    assert [plain.get_content_type(), html.get_content_type(), calendar.get_content_type()] == [
        "text/plain", "text/html", "text/calendar"]
    assert calendar.get_param("charset").lower() == "utf-8"
    assert attachment.get_content_type() == "application/ics" and attachment.get_filename() == "seance.ics"
    assert attachment.get_content() == calendar.get_content().encode()
    assert str(parse_ics(attachment.get_content())["METHOD"]) == calendar.get_param("method")
    return plain.get_content(), html.get_content(), calendar


def ics_of(part) -> bytes:
    return part.get_content().encode()


def deliveries(meeting, kinds=REQUEST_KINDS) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id, OutboxMessage.kind.in_(kinds))
        .order_by(OutboxMessage.id)
    ))


def test_secretariat_sends_convocations_with_ics_and_answer_links(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    silent = meeting.invitations[2].person
    silent.email = None
    db.session.commit()
    page = send(secretariat_client, meeting).get_data(as_text=True)
    assert "Courriel envoyé à 2 personne(s)" in page
    assert "Sans adresse électronique" in page and silent.display_name in page
    assert len(inbox.messages) == 2

    message = inbox.to("membre1@example.fr")[0]
    assert message["Subject"].startswith("Convocation : CSDU — Séance de printemps — ")
    assert message["To"].addresses[0].addr_spec == "membre1@example.fr"
    assert message["From"].addresses[0].addr_spec == "secretariat@ars.example.fr"
    text, html, attachment = parts(message)
    assert f"Date : {long_date(meeting.starts_at).capitalize()}, de 14h00 à 16h00" in text
    assert re.search(r"Date : (Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d{1,2} \w+ 20\d\d, de", text)
    assert "Lieu : ARS, Montpellier" in text
    assert "1. Approbation du compte rendu" in text and "<li>Rapport annuel des droits des usagers</li>" in html
    answers = [match.group(1) for match in ANSWER_LINK.finditer(text)]
    # Only the answers this titulaire may give: no suppléant in the body, so no « mon suppléant me remplace ».
    assert answers == ["present", "excused", "proxy"]
    assert "Je serai présent(e)" in html and "Je donne pouvoir à…" in html
    assert attachment.get_param("method") == "REQUEST"
    calendar = parse_ics(ics_of(attachment))
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = events(calendar)
    assert str(event["UID"]) == meeting.ical_uid and event["SEQUENCE"] == 0
    (attendee,) = [event["ATTENDEE"]]
    assert str(attendee) == "mailto:membre1@example.fr" and str(attendee.params["RSVP"]) == "FALSE"
    assert "n'informent pas le secrétariat" in text
    assert [(d.kind, d.status) for d in deliveries(meeting)] == [(MailKind.CONVOCATION, MailStatus.SENT)] * 2


def test_a_batch_of_convocations_reads_the_bodys_composition_once(app, app_context, secretariat_client, inbox,
                                                                  monkeypatch):
    """The answers each e-mail offers (a pouvoir, a suppléant) follow the body's composition on the meeting day:
    read once for the batch, not once for each person convened (150 members: 150 readings of every seat)."""
    import app.calendar.answers as answers
    import app.calendar.convocations as convocations

    meeting = upcoming_meeting(members=5)
    reads = []
    for module in (answers, convocations):
        monkeypatch.setattr(module, "body_composition", lambda *arguments, read=module.body_composition: (
            reads.append(arguments), read(*arguments))[1])
    send(secretariat_client, meeting)
    assert len(inbox.messages) == 5 and len(reads) == 1
    for _, message in inbox.messages:
        assert [match.group(1) for match in ANSWER_LINK.finditer(parts(message)[0])] == ["present", "excused", "proxy"]


def test_sending_twice_by_mistake_sends_nothing_twice(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    page = send(secretariat_client, meeting).get_data(as_text=True)
    assert len(inbox.messages) == 3
    assert "Aucun courriel à envoyer" in page
    assert len(deliveries(meeting)) == 3


def test_change_of_time_sends_an_update_with_higher_sequence(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    meeting.invitations[1].response = InvitationResponse.EXCUSED
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    db.session.commit()
    send(secretariat_client, meeting)
    first, update = inbox.to("membre2@example.fr")
    assert update["Subject"].startswith("Modification : CSDU — Séance de printemps")
    text, _, attachment = parts(update)
    assert "a été modifiée" in text and "de 15h00 à 17h00" in text
    assert "Votre réponse enregistrée : Sera excusé(e). Vous pouvez la modifier" in text
    assert "Merci d'indiquer votre réponse" in parts(first)[0]
    (event,) = events(parse_ics(ics_of(attachment)))
    (first_event,) = events(parse_ics(ics_of(parts(first)[2])))
    assert str(event["ATTENDEE"].params["PARTSTAT"]) == "DECLINED"
    assert str(event["UID"]) == str(first_event["UID"]) == meeting.ical_uid
    assert event["SEQUENCE"] == 1 > first_event["SEQUENCE"]
    assert event.decoded("DTSTART").hour == 15


def test_cancelling_sends_a_cancellation_to_those_convened(app, app_context, secretariat_client, inbox, tmp_path):
    from app.models import MeetingStatus

    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Envoyer l'annulation" in page
    send(secretariat_client, meeting)
    send(secretariat_client, meeting)
    cancellations = [m for _, m in inbox.messages if m["Subject"].startswith("Annulation")]
    assert len(cancellations) == 3
    text, _, attachment = parts(cancellations[0])
    assert "est annulée" in text and not ANSWER_LINK.search(text)
    assert attachment.get_param("method") == "CANCEL"
    calendar = parse_ics(ics_of(attachment))
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = events(calendar)
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("ANNULÉE — CSDU — ")
    parsed = parse_with_ical_js(ics_of(attachment), tmp_path)
    assert parsed["method"] == "CANCEL" and parsed["events"][0]["status"] == "CANCELLED"
    assert parsed["events"][0]["uid"] == meeting.ical_uid and parsed["events"][0]["sequence"] == 1


def test_a_restored_meeting_is_sent_again_as_an_update(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    send(secretariat_client, meeting)
    page = secretariat_client.get(f"/meetings/{meeting.id}/restore").get_data(as_text=True)
    assert "Rétablir la séance du" in page and "La séance redevient prévue" in page
    assert secretariat_client.post(f"/meetings/{meeting.id}/restore").status_code == 302
    assert "Envoyer l'annulation" not in secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    send(secretariat_client, meeting)
    first, cancellation, update = inbox.to("membre1@example.fr")
    assert cancellation["Subject"].startswith("Annulation") and update["Subject"].startswith("Modification")
    text, _, attachment = parts(update)
    assert ANSWER_LINK.search(text)
    calendar = parse_ics(ics_of(attachment))
    (event,) = events(calendar)
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 2 and str(event["UID"]) == meeting.ical_uid


def test_failed_send_is_reported_per_person_and_retried(app, app_context, secretariat_client, mail_settings):
    meeting = upcoming_meeting()
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    page = send(secretariat_client, meeting).get_data(as_text=True)
    assert "Échec de l&#39;envoi pour 3 personne(s)" in page
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for invitation in meeting.invitations:
        assert invitation.person.display_name in page
    assert "ConnectionRefusedError" in page and "Réessayer les envois en échec" in page
    assert "0 courriel(s) envoyé(s)" in page and "3 en attente d'un nouvel essai" in page
    rows = deliveries(meeting)
    assert [(d.status, d.sent_at) for d in rows] == [(MailStatus.PENDING, None)] * 3
    assert [d.attempts for d in rows] == [1, 0, 0], "once the server is found down, the others wait without trying"
    assert all(d.next_attempt_at is not None and "ConnectionRefusedError" in d.detail for d in rows)

    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail_settings["MAIL_PORT"] = port
        page = send(secretariat_client, meeting).get_data(as_text=True)
    finally:
        controller.stop()
    assert "Courriel envoyé à 3 personne(s)" in page
    assert len(handler.messages) == 3
    assert [(d.status, d.attempts, d.detail) for d in deliveries(meeting)] == [
        (MailStatus.SENT, 2, ""), (MailStatus.SENT, 1, ""), (MailStatus.SENT, 1, "")]


def test_unreachable_server_is_tried_once_per_batch(app, app_context, secretariat_client, monkeypatch):
    import smtplib

    meeting = upcoming_meeting(members=4)
    attempts = []

    def unreachable(*args, **kwargs):
        attempts.append(args)
        raise TimeoutError("timed out")

    monkeypatch.setattr(smtplib, "SMTP", unreachable)
    send(secretariat_client, meeting)
    assert len(attempts) == 1
    assert [(d.status, d.detail) for d in deliveries(meeting)] == [
        (MailStatus.PENDING, "Le serveur de messagerie ne répond pas (TimeoutError: timed out)")] * 4


def test_member_cannot_send_convocations(app, app_context):
    from app.models import Role
    from conftest import create_user, log_in

    meeting = upcoming_meeting()
    client = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.invitations[0].person))
    assert client.post(f"/meetings/{meeting.id}/convocations").status_code == 403
    assert "Envoyer les convocations" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def links_of(inbox, address: str) -> dict[str, str]:
    text = parts(inbox.to(address)[-1])[0]
    return {match.group(1): match.group(0) for match in ANSWER_LINK.finditer(text)}


def test_member_answers_present_without_logging_in_and_link_works_once(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    url = links_of(inbox, "membre1@example.fr")["present"]
    client = app.test_client()
    form = client.get(url)
    assert form.status_code == 200
    assert re.search(r'<input checked[^>]*value="present"', form.get_data(as_text=True))
    assert db.session.scalar(select(Invitation.response).where(Invitation.id == meeting.invitations[0].id)) is None
    response = client.post(url, data={"response": "present"}, follow_redirects=True)
    assert "Votre réponse est enregistrée : Sera présent(e)" in response.get_data(as_text=True)
    db.session.expire_all()
    invitation = db.session.get(Invitation, meeting.invitations[0].id)
    assert invitation.response is InvitationResponse.PRESENT and invitation.responded_at is not None

    reused = client.post(url, data={"response": "excused"})
    assert reused.status_code == 410 and "déjà été utilisé" in reused.get_data(as_text=True)
    assert client.get(url).status_code == 410
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).response is InvitationResponse.PRESENT


def test_tampered_and_expired_links_answer_nothing(app, app_context, secretariat_client, inbox, monkeypatch):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    url = links_of(inbox, "membre1@example.fr")["excused"]
    client = app.test_client()
    path, query = url.split("?")
    tampered = client.post(path[:-3] + ("abc" if not path.endswith("abc") else "xyz") + "?" + query,
                           data={"response": "excused"})
    assert tampered.status_code == 404 and "pas valide" in tampered.get_data(as_text=True)

    days = app.config["ANSWER_LINK_MAX_AGE_DAYS"]
    later = time.time() + (days + 1) * 24 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    expired = client.post(url, data={"response": "excused"})
    assert expired.status_code == 410 and "a expiré" in expired.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invitation, meeting.invitations[0].id).response is None


def test_links_of_a_cancelled_or_past_meeting_answer_nothing(app, app_context, secretariat_client, inbox):
    from app.models import MeetingStatus

    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    client = app.test_client()
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    cancelled = client.post(links_of(inbox, "membre1@example.fr")["present"], data={"response": "present"})
    assert cancelled.status_code == 410 and "Cette séance est annulée" in cancelled.get_data(as_text=True)
    meeting.status = MeetingStatus.PLANNED
    meeting.starts_at = paris(2020, 1, 6, 10)
    meeting.ends_at = paris(2020, 1, 6, 12)
    db.session.commit()
    past = client.get(links_of(inbox, "membre2@example.fr")["present"])
    assert past.status_code == 410 and "a eu lieu" in past.get_data(as_text=True)
    db.session.expire_all()
    assert {db.session.get(Invitation, i.id).response for i in meeting.invitations} == {None}


def test_member_gives_proxy_to_another_voting_member(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting(members=4)
    send(secretariat_client, meeting)
    outsider = Person(organisation=meeting.body.organisation, civility=meeting.invitations[0].person.civility,
                      last_name="Extérieur", email="x@example.fr")
    db.session.add(outsider)
    db.session.commit()
    holder = meeting.invitations[1].person
    url = links_of(inbox, "membre1@example.fr")["proxy"]
    client = app.test_client()
    page = client.get(url).get_data(as_text=True)
    assert holder.formal_name in page and meeting.invitations[0].person.formal_name not in page.split("Je donne pouvoir à")[-1]

    missing = client.post(url, data={"response": "proxy", "proxy_holder": "0"})
    assert missing.status_code == 200 and "Choisissez le membre qui recevra votre pouvoir." in missing.get_data(as_text=True)
    wrong = client.post(url, data={"response": "proxy", "proxy_holder": str(outsider.id)})
    assert "Choisissez le membre qui recevra votre pouvoir." in wrong.get_data(as_text=True)
    garbage = client.post(url, data={"response": "proxy", "proxy_holder": "n'importe quoi"})
    assert garbage.status_code == 200
    not_offered = client.post(url, data={"response": "substitute"})  # no suppléant in this body
    assert "Choisissez une des réponses proposées." in not_offered.get_data(as_text=True)
    done = client.post(url, data={"response": "proxy", "proxy_holder": str(holder.id)}, follow_redirects=True)
    assert f"Donne pouvoir à {holder.display_name}" in done.get_data(as_text=True)
    db.session.expire_all()
    invitation = db.session.get(Invitation, meeting.invitations[0].id)
    assert (invitation.response, invitation.proxy_holder_id) == (InvitationResponse.PROXY, holder.id)

    # The body allows one pouvoir per holder: a second one to the same member is refused.
    second = links_of(inbox, "membre3@example.fr")["proxy"]
    refused = client.post(second, data={"response": "proxy", "proxy_holder": str(holder.id)})
    assert refused.status_code == 200 and "c&#39;est le maximum dans cette instance" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invitation, meeting.invitations[2].id).response is None


def test_substitute_answer_is_offered_only_with_a_suppleant(app, app_context, secretariat_client, inbox, demo):
    from app.models import Meeting, Membership

    fabre = db.session.scalar(select(Person).where(Person.last_name == "Fabre"))
    titulaire = db.session.scalar(select(Membership).where(Membership.substitutes.any(Membership.person_id == fabre.id)))
    meeting = db.session.scalar(select(Meeting).where(Meeting.body_id == titulaire.body_id, Meeting.starts_at > demo.ends_at,
                                                      Meeting.title == "Suivi des retours d'expérience"))
    send(secretariat_client, meeting)
    with_substitute = app.test_client().get(links_of(inbox, titulaire.person.email)["present"]).get_data(as_text=True)
    assert "Mon suppléant me remplace" in with_substitute
    other = next(i.person for i in meeting.invitations if i.person_id not in (titulaire.person_id, fabre.id))
    without = app.test_client().get(links_of(inbox, other.email)["present"]).get_data(as_text=True)
    assert "Mon suppléant me remplace" not in without and "Je serai excusé(e)" in without


def run_reminders(app):
    return app.test_cli_runner().invoke(args=["send-reminders"])


def test_reminders_go_to_unanswered_people_once(app, app_context, inbox):
    soon = upcoming_meeting(days=2)
    later = upcoming_meeting(days=10)
    soon.invitations[0].response = InvitationResponse.PRESENT
    soon.body.reminder_days = 3
    later.body.reminder_days = 3
    db.session.commit()
    result = run_reminders(app)
    assert result.exit_code == 0, result.output
    assert "Rappels de séance envoyés : 2" in result.output
    reminders = [m for _, m in inbox.messages if m["Subject"].startswith("Rappel : CSDU — Séance de printemps")]
    assert len(reminders) == 2
    assert {m["To"].addresses[0].addr_spec for m in reminders} == {"membre2@example.fr", "membre3@example.fr"}
    text = parts(reminders[0])[0]
    assert "pas encore reçu votre réponse" in text and ANSWER_LINK.search(text)

    again = run_reminders(app)
    assert again.exit_code == 0 and "Rappels de séance envoyés : 0" in again.output
    assert len(inbox.messages) == 2
    reminder = [MailKind.REMINDER]
    assert len(deliveries(soon, reminder)) == 2 and deliveries(later, reminder) == []


def test_deadline_reminders_go_to_the_meeting_invitees_once(app, app_context, inbox):
    meeting = make_meeting(make_body(), paris(2026, 1, 8, 10), title="Séance de janvier")
    meeting.body.reminder_days = 3
    meeting.deadlines = [
        Deadline(position=1, kind=DeadlineKind.DUE_DATE, title="Contributions attendues",
                 due_date=date.today() + timedelta(days=2)),
        Deadline(position=2, kind=DeadlineKind.DUE_DATE, title="Rapport final attendu",
                 due_date=date.today() + timedelta(days=20)),
    ]
    db.session.commit()
    result = run_reminders(app)
    assert "rappels d'échéance envoyés : 3" in result.output
    subjects = {m["Subject"] for _, m in inbox.messages}
    assert len(subjects) == 1 and subjects.pop().startswith("Rappel : Contributions attendues le ")
    message = inbox.messages[0][1]
    assert message.get_content_type() == "multipart/alternative"
    text = parts_text(message)
    assert "Contributions attendues le " in text and "/deadlines/" in text
    assert "rappels d'échéance envoyés : 0" in run_reminders(app).output
    assert len(inbox.messages) == 3
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == MailKind.DEADLINE_REMINDER)
                             .limit(1)).status is MailStatus.SENT


def parts_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_failed_reminders_exit_non_zero_and_are_retried(app, app_context, mail_settings):
    soon = upcoming_meeting(days=1)
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    result = run_reminders(app)
    assert result.exit_code == 1 and "Échec pour 3 rappel(s)" in result.output
    assert [d.status for d in deliveries(soon, [MailKind.REMINDER])] == [MailStatus.PENDING] * 3


def test_answer_link_works_with_csrf_protection_on(database):
    """The real configuration: the form's CSRF token comes with the page the link opens."""
    from app.calendar.answers import make_answer_token
    from conftest import make_app

    csrf_app = make_app(database("csrf"), WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        db.create_all()
        try:
            meeting = upcoming_meeting()
            invitation_id = meeting.invitations[0].id
            token = make_answer_token(meeting.invitations[0])
            client = csrf_app.test_client()
            assert client.post(f"/reponse/{token}", data={"response": "excused"}).status_code == 400
            page = client.get(f"/reponse/{token}?reponse=excused").get_data(as_text=True)
            csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            done = client.post(f"/reponse/{token}", data={"response": "excused", "csrf_token": csrf_token})
            assert done.status_code == 302
            db.session.expire_all()
            assert db.session.get(Invitation, invitation_id).response is InvitationResponse.EXCUSED
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
