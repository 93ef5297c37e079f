"""A pouvoir whose holder does not sit counts for nothing (no chain of pouvoirs, D.1432-50): the holder is
warned on their answer page, the member who gave it is told by e-mail (to them alone) with their own answer
links to give it to someone else, and the secretariat's attendance sheet shows it as lapsed."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.calendar.answers import make_answer_token
from app.extensions import db
from app.models import Invitation, InvitationResponse, MailKind, MailStatus, OutboxMessage
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_attendance_sheet import row_of, sheet
from tests.smtp_server import all_text


@pytest.fixture
def pouvoir(app_context):
    """Martin (B) gave her pouvoir to Bernard (C); Roux (A) and Petit answered nothing yet. Everyone has an
    address."""
    body = make_body("CSDU", max_proxies_per_holder=2)
    members = {name.lower(): add_member(body, name).person for name in ("Martin", "Bernard", "Roux", "Petit")}
    for name, person in members.items():
        person.email = f"{name}@example.fr"
    meeting = make_meeting(body, day=date.today() + timedelta(days=20), title="Séance de printemps")
    invitation_of(meeting, members["martin"]).response = InvitationResponse.PROXY
    invitation_of(meeting, members["martin"]).proxy_holder = members["bernard"]
    db.session.commit()
    return meeting, members


def invitation_of(meeting, person) -> Invitation:
    return next(invitation for invitation in meeting.invitations if invitation.person_id == person.id)


def answer_url(meeting, person) -> str:
    return f"/reponse/{make_answer_token(invitation_of(meeting, person))}"


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


WARNING = ("Mme Anne MARTIN vous a donné pouvoir. Ce pouvoir ne compte que si vous siégez et ne peut pas être "
           "transmis : si vous répondez « Je serai excusé(e) » ou « Je donne pouvoir à… », il ne comptera plus et "
           "Mme Anne MARTIN en sera prévenu(e) par courriel pour le donner à un autre membre.")


def test_the_holder_is_warned_on_the_answer_page_whose_pouvoir_would_lapse(app, pouvoir):
    meeting, p = pouvoir
    page = page_text(app.test_client().get(answer_url(meeting, p["bernard"]) + "?reponse=excused"))
    assert WARNING in page
    assert "@" not in page.split("<body", 1)[1], "no address on the page"
    # Someone who holds no pouvoir is not warned.
    assert "vous a donné pouvoir" not in page_text(app.test_client().get(answer_url(meeting, p["roux"])))


def test_the_warning_names_every_pouvoir_held(app, pouvoir):
    meeting, p = pouvoir
    invitation_of(meeting, p["petit"]).response = InvitationResponse.PROXY
    invitation_of(meeting, p["petit"]).proxy_holder = p["bernard"]
    db.session.commit()
    page = page_text(app.test_client().get(answer_url(meeting, p["bernard"])))
    assert ("Mme Anne MARTIN et Mme Anne PETIT vous ont donné pouvoir. Ces pouvoirs ne comptent que si vous "
            "siégez et ne peuvent pas être transmis : si vous répondez « Je serai excusé(e) » ou « Je donne "
            "pouvoir à… », ils ne compteront plus et Mme Anne MARTIN et Mme Anne PETIT en seront prévenu(e)s par "
            "courriel pour les donner à un autre membre.") in page


def lapse_notices(meeting) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id,
                                                               OutboxMessage.kind == MailKind.PROXY_LAPSED)))


def test_answering_excused_tells_the_giver_alone_by_e_mail(app, pouvoir, inbox):
    meeting, p = pouvoir
    response = app.test_client().post(answer_url(meeting, p["bernard"]), data={"response": "excused"},
                                      follow_redirects=True)
    page = page_text(response)
    assert "Votre réponse est enregistrée : Sera excusé(e). Merci." in page
    assert "Le pouvoir de Mme Anne MARTIN ne compte plus : Mme Anne MARTIN en est prévenu(e) par courriel." in page

    assert [recipients for recipients, _ in inbox.messages] == [["martin@example.fr"]]
    (message,) = inbox.to("martin@example.fr")
    assert message["To"].addresses[0].addr_spec == "martin@example.fr" and len(message["To"].addresses) == 1
    assert message["Cc"] is None and message["Bcc"] is None
    assert message["Subject"].startswith("Pouvoir caduc : CSDU — Séance de printemps — ")
    assert message.get_content_type() == "multipart/alternative", "no invitation in this notice"
    everything = all_text(message)
    assert set(re.findall(r"[\w.+-]+@example\.fr", everything)) == {"martin@example.fr"}
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour Mme Anne MARTIN," in text
    assert ("Mme Anne BERNARD, à qui vous avez donné pouvoir pour la séance suivante, a indiqué ne pas y siéger : "
            "votre pouvoir ne compte plus (un pouvoir ne peut pas être transmis).") in text
    assert "Pour donner votre pouvoir à un autre membre titulaire présent, ou changer votre réponse :" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "votre pouvoir ne compte plus" in unescape(html)

    # Her own answer links: they open her answer page, where Bernard is no longer offered.
    links = dict(re.findall(r"- ([^:\n]+) : (http://seances\.test/reponse/\S+)", text))
    assert set(links) == {"Je serai présent(e)", "Je serai excusé(e)", "Je donne pouvoir à…"}
    own_page = page_text(app.test_client().get(links["Je donne pouvoir à…"]))
    assert "Mme Anne MARTIN" in own_page and "Mme ROUX Anne" in own_page and "Mme BERNARD Anne" not in own_page
    assert [(row.person_id, row.about_person_id, row.status) for row in lapse_notices(meeting)] == [
        (p["martin"].id, p["bernard"].id, MailStatus.SENT)]


def test_giving_ones_own_pouvoir_lapses_the_pouvoirs_held(app, pouvoir, inbox):
    meeting, p = pouvoir
    response = app.test_client().post(answer_url(meeting, p["bernard"]),
                                      data={"response": "proxy", "proxy_holder": str(p["roux"].id)})
    assert response.status_code == 302
    (lapse,) = inbox.to("martin@example.fr")
    assert lapse["Subject"].startswith("Pouvoir caduc")
    (received,) = inbox.to("roux@example.fr")
    assert received["Subject"].startswith("Pouvoir de Mme Anne BERNARD")
    assert sorted(recipients for recipients, _ in inbox.messages) == [["martin@example.fr"], ["roux@example.fr"]]


def test_answering_present_or_holding_nothing_sends_no_such_notice(app, pouvoir, inbox):
    meeting, p = pouvoir
    response = app.test_client().post(answer_url(meeting, p["bernard"]), data={"response": "present"},
                                      follow_redirects=True)
    assert "ne compte plus" not in page_text(response)
    app.test_client().post(answer_url(meeting, p["petit"]), data={"response": "excused"})
    assert inbox.messages == [] and lapse_notices(meeting) == []


def test_the_notice_is_dropped_if_the_pouvoir_counts_again_before_it_leaves(app, pouvoir):
    from app.calendar.notices import build_notice_emails, queue_answer_notices
    from app.mail.outbox import Dropped

    meeting, p = pouvoir
    holder = invitation_of(meeting, p["bernard"])
    holder.response = InvitationResponse.EXCUSED
    db.session.commit()
    queued = queue_answer_notices(holder, date.today())
    db.session.commit()
    holder.response = InvitationResponse.PRESENT
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(queued.ids))).all()
    assert [row.kind for row in rows] == [MailKind.PROXY_LAPSED]
    assert list(build_notice_emails(rows).values()) == [Dropped("le pouvoir compte de nouveau")]


def test_the_attendance_sheet_shows_the_lapsed_pouvoir(secretariat_client, pouvoir):
    meeting, p = pouvoir
    sheet = page_text(secretariat_client.get(f"/meetings/{meeting.id}/attendance"))
    assert "Donne pouvoir : Mme BERNARD Anne" in sheet and "pouvoir caduc" not in sheet
    invitation_of(meeting, p["bernard"]).response = InvitationResponse.EXCUSED
    db.session.commit()
    sheet = re.sub(r"<[^>]+>", "", page_text(secretariat_client.get(f"/meetings/{meeting.id}/attendance")))
    assert "Donne pouvoir : Mme BERNARD Anne (pouvoir caduc : Mme BERNARD Anne ne siège pas)" in sheet


def test_the_sheet_forecasts_the_giver_of_a_lapsed_pouvoir_excused_and_saves_as_forecast(secretariat_client,
                                                                                          pouvoir):
    """The sheet would refuse a pouvoir to someone excusé: forecast so, it could not be saved unchanged."""
    meeting, p = pouvoir
    invitation_of(meeting, p["bernard"]).response = InvitationResponse.EXCUSED
    db.session.commit()
    values = sheet(secretariat_client, meeting)
    row = row_of(values, p["martin"])
    assert (values[f"{row}-status"], values[f"{row}-represented_by"]) == ("excused", "")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302


def test_a_giver_without_an_address_is_not_promised_an_e_mail(app, pouvoir):
    meeting, p = pouvoir
    p["martin"].email = None
    db.session.commit()
    page = page_text(app.test_client().get(answer_url(meeting, p["bernard"])))
    assert ("il ne comptera plus et Mme Anne MARTIN n'en sera pas prévenu(e) par courriel (aucune adresse "
            "électronique).") in page
    answered = app.test_client().post(answer_url(meeting, p["bernard"]), data={"response": "excused"},
                                      follow_redirects=True)
    assert "Mme Anne MARTIN n'en est pas prévenu(e) par courriel (aucune adresse électronique)" in page_text(answered)
    assert lapse_notices(meeting) == []
