"""Every change reaches the people concerned, and only the changes they must act on (issue 12, part 3)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_datetime, to_paris
from app.models import Invitation, InvitationResponse, MailKind, Meeting, Membership, OutboxMessage, Person, Seat
from ics_support import events, make_body, make_meeting, parse_ics
from test_calendar_convocations import ANSWER_LINK, ics_of, links_of, parts

IN_A_MONTH = date.today() + timedelta(days=30)


def upcoming_meeting(members: int = 3):
    return make_meeting(make_body(members), paris_datetime(IN_A_MONTH, 14), title="Séance de printemps")


def edit(client, meeting, **changes):
    """Post the meeting form as the page shows it, with ``changes``."""
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    starts, ends = to_paris(meeting.starts_at), to_paris(meeting.ends_at)
    data = {"title": meeting.title, "place": meeting.place, "visio_url": meeting.visio_url,
            "agenda": "\n".join(item.title for item in meeting.agenda_items), "context": meeting.context,
            "working_method": meeting.working_method, "day": starts.date().isoformat(),
            "starts": starts.strftime("%H:%M"), "ends": ends.strftime("%H:%M"), "version": str(meeting.version)}
    data.update(changes)
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


def send(client, meeting) -> str:
    return client.post(f"/meetings/{meeting.id}/convocations", follow_redirects=True).get_data(as_text=True)


def page(client, meeting) -> str:
    return client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_context_title_and_unchanged_saves_raise_nothing_and_send_nothing(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    meeting = edit(secretariat_client, meeting)
    meeting = edit(secretariat_client, meeting, context="Un contexte plus long.", working_method="Ateliers",
                   title="Séance de printemps (ordre du jour joint)")
    assert meeting.ical_sequence == 0
    shown = page(secretariat_client, meeting)
    assert "version ancienne" not in shown and "Envoyer les convocations" in shown
    assert "Aucun courriel à envoyer" in send(secretariat_client, meeting)
    assert len(inbox.messages) == 3


def test_each_change_people_must_act_on_raises_the_sequence_once(app_context, secretariat_client):
    meeting = upcoming_meeting()
    changes = [
        {"starts": "15:00", "ends": "17:00"},
        {"day": (IN_A_MONTH + timedelta(days=1)).isoformat()},
        {"place": "Salle Pasteur"},
        {"visio_url": "https://visio.example.fr/csdu"},
        {"agenda": "Approbation du compte rendu\nRapport annuel des droits des usagers\nQuestions diverses"},
        {"agenda": "Rapport annuel des droits des usagers\nApprobation du compte rendu\nQuestions diverses"},
        {"agenda": "Rapport annuel des droits des usagers\nApprobation du compte rendu"},
        {"agenda": "Rapport 2026 des droits des usagers\nApprobation du compte rendu"},
    ]
    for expected, change in enumerate(changes, start=1):
        meeting = edit(secretariat_client, meeting, **change)
        assert meeting.ical_sequence == expected, change
    assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).ical_sequence == len(changes) + 1


def test_after_a_change_the_page_says_who_holds_an_old_version_and_the_update_goes_to_them(
        app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    meeting = edit(secretariat_client, meeting, place="Salle Pasteur")
    shown = page(secretariat_client, meeting)
    assert "3 personnes ont une version ancienne : envoyer la mise à jour." in shown
    assert "Envoyer la mise à jour" in shown
    send(secretariat_client, meeting)
    updates = [message for _, message in inbox.messages if message["Subject"].startswith("Modification")]
    assert len(updates) == 3
    (event,) = events(parse_ics(ics_of(parts(updates[0])[2])))
    assert event["SEQUENCE"] == 1 and str(event["LOCATION"]) == "Salle Pasteur"
    assert "version ancienne" not in page(secretariat_client, meeting)


def test_a_person_taken_off_the_list_gets_a_cancellation_of_their_invitation(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    invitation = meeting.invitations[1]
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove",
                                       follow_redirects=True)
    assert "l&#39;annulation lui est envoyée" in response.get_data(as_text=True)
    (cancellation,) = [m for m in inbox.to("membre2@example.fr") if m["Subject"].startswith("Annulation")]
    text, _, calendar_part = parts(cancellation)
    assert "Vous ne faites plus partie des personnes convoquées" in text and not ANSWER_LINK.search(text)
    assert calendar_part.get_param("method") == "CANCEL"
    calendar = parse_ics(ics_of(calendar_part))
    (event,) = events(calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["UID"]) == meeting.ical_uid
    assert str(event["ATTENDEE"]) == "mailto:membre2@example.fr"
    assert len([m for _, m in inbox.messages if m["Subject"].startswith("Annulation")]) == 1


def test_someone_never_sent_an_invitation_gets_nothing_when_taken_off(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    invitation = meeting.invitations[0]
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    assert inbox.messages == []


def test_deleting_a_convened_meeting_cancels_it_for_everyone_first(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting(members=13)
    send(secretariat_client, meeting)
    confirm = secretariat_client.get(f"/meetings/{meeting.id}/delete").get_data(as_text=True)
    assert "13 personnes convoquées recevront une annulation par courriel." in confirm
    assert secretariat_client.post(f"/meetings/{meeting.id}/delete").status_code == 302
    cancellations = [m for _, m in inbox.messages if m["Subject"].startswith("Annulation")]
    assert len(cancellations) == 13
    calendar = parse_ics(ics_of(parts(cancellations[0])[2]))
    (event,) = events(calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1, "higher than the invitation the calendars hold"
    assert db.session.scalar(select(Meeting.deleted_at).where(Meeting.id == meeting.id)) is not None


def test_deleting_a_meeting_nobody_was_invited_to_says_nothing_of_cancellations(app_context, secretariat_client,
                                                                                 inbox):
    meeting = upcoming_meeting()
    confirm = secretariat_client.get(f"/meetings/{meeting.id}/delete").get_data(as_text=True)
    assert "recevront une annulation" not in confirm and "recevra une annulation" not in confirm
    secretariat_client.post(f"/meetings/{meeting.id}/delete")
    assert inbox.messages == []


def titulaire_with_substitute(meeting):
    """The first member gets a suppléant (convened like every member of the body)."""
    body = meeting.body
    seat = next(m for m in body.memberships if m.person_id == meeting.invitations[0].person_id)
    substitute = Person(organisation=body.organisation, civility=seat.person.civility, first_name="Sophie",
                        last_name="Suppléante", email="suppleante@example.fr")
    db.session.add(Membership(person=substitute, body=body, title=seat.title, seat=Seat.SUPPLEANT, voting=True,
                              start_date=seat.start_date, substitute_for=seat))
    db.session.commit()
    return seat.person, substitute


def test_the_suppleant_is_told_they_sit_with_the_invitation_when_the_titulaire_answers(
        app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    titulaire, substitute = titulaire_with_substitute(meeting)
    send(secretariat_client, meeting)
    url = links_of(inbox, titulaire.email)["substitute"]
    assert app.test_client().post(url, data={"response": "substitute"}).status_code == 302
    (notice,) = inbox.to("suppleante@example.fr")
    assert notice["Subject"].startswith(f"Vous siégez à la place de {titulaire.display_name} : CSDU — ")
    text, _, calendar_part = parts(notice)
    assert "vous siégez à sa place" in text and ANSWER_LINK.search(text)
    (event,) = events(parse_ics(ics_of(calendar_part)))
    assert calendar_part.get_param("method") == "REQUEST" and str(event["UID"]) == meeting.ical_uid
    assert str(event["ATTENDEE"]) == "mailto:suppleante@example.fr"
    db.session.expire_all()
    assert db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                      Invitation.person_id == substitute.id)) is not None

    send(secretariat_client, meeting)  # the suppléant now holds this version: no convocation on top
    assert len(inbox.to("suppleante@example.fr")) == 1


def test_the_proxy_holder_is_told_whose_pouvoir_they_hold(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    giver, holder = meeting.invitations[0].person, meeting.invitations[1].person
    url = links_of(inbox, giver.email)["proxy"]
    app.test_client().post(url, data={"response": "proxy", "proxy_holder": str(holder.id)})
    (notice,) = [m for m in inbox.to(holder.email) if m["Subject"].startswith("Pouvoir")]
    assert notice["Subject"].startswith(f"Pouvoir de {giver.display_name} : CSDU — Séance de printemps")
    assert notice.get_content_type() == "multipart/alternative", "no invitation in a proxy notice"
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert f"{giver.display_name} vous donne pouvoir pour la séance suivante : vous voterez en son nom." in text
    assert giver.email not in notice.as_string()
    assert db.session.scalar(select(OutboxMessage.kind).where(OutboxMessage.person_id == holder.id,
                                                              OutboxMessage.about_person_id == giver.id)) \
        is MailKind.PROXY_NOTICE


def test_a_notice_is_dropped_if_the_answer_changed_before_it_left(app, app_context, secretariat_client, inbox):
    from app.calendar.notices import build_notice_emails, queue_answer_notices
    from app.mail.outbox import Dropped

    meeting = upcoming_meeting()
    giver, holder = meeting.invitations[0], meeting.invitations[1].person
    giver.response, giver.proxy_holder = InvitationResponse.PROXY, holder
    db.session.commit()
    queued = queue_answer_notices(giver, date.today())
    db.session.commit()
    giver.response, giver.proxy_holder = InvitationResponse.PRESENT, None
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(queued.ids))).all()
    assert list(build_notice_emails(rows).values()) == [Dropped("réponse modifiée depuis")]


def test_the_answer_form_still_reads_one_link_per_e_mail(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting(members=1)
    send(secretariat_client, meeting)
    text = parts(inbox.messages[0][1])[0]
    assert len(set(re.findall(r"/reponse/([^?\s]+)", text))) == 1
