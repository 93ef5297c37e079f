"""Written consultation in extreme urgency: personal signed links (once, expiring, tied to the person,
refused after the closing), reminders to those who have not answered, the result and the extract."""
from __future__ import annotations

import re
from html import unescape
from datetime import date, timedelta
from unittest.mock import patch

from sqlalchemy import func, select

from app.extensions import db
from app.formatting import paris_today
from app.models import (
    ConsultationAnswer,
    MailKind,
    OutboxMessage,
    Seat,
    VoteChoice,
    VoteOutcome,
    WrittenConsultation,
    utc_now,
)
from app.votes import consultations
from app.documents.typography import french_typography as fr
from tests.docx_reading import reopen
from tests.meeting_factories import add_member, make_body, make_president
from tests.smtp_server import all_text

QUESTION = "Avis de la CRSA sur l'arrêté de zonage des médecins généralistes, à rendre sous huit jours."
LINK = re.compile(r"http://seances\.test/consultation/[\w.\-]+")


def crsa(size: int = 4):
    """A body of ``size`` voting titulaires with addresses (the first one president), an observer without
    vote and a suppléant: only the titulaires with a vote are consulted."""
    body = make_body("CRSA consultée")
    members = [add_member(body, f"Membre{index}", first_name=f"Prénom{index}") for index in range(size)]
    for index, membership in enumerate(members):
        membership.person.email = f"membre{index}@example.fr"
    make_president(members[0])
    add_member(body, "Observatrice", voting=False)
    add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[1])
    db.session.commit()
    return body, members


def open_form(question=QUESTION, day=None, hour="18:00") -> dict:
    day = day or date.today() + timedelta(days=3)
    return {"question": question, "closes_on": day.isoformat(), "closes_at": hour}


def open_one(secretariat_client, body) -> WrittenConsultation:
    response = secretariat_client.post(f"/bodies/{body.id}/consultations/new", data=open_form())
    assert response.status_code == 302
    return db.session.scalar(select(WrittenConsultation))


def links_by_address(inbox) -> dict[str, str]:
    return {recipients[0]: LINK.search(message.get_body(("plain",)).get_content()).group(0)
            .removeprefix("http://seances.test") for recipients, message in inbox.messages}


def test_each_voting_member_receives_a_personal_link_and_answers_once(app, secretariat_client, inbox):
    body, members = crsa()
    consultation = open_one(secretariat_client, body)
    assert [answer.person_id for answer in consultation.answers] == [m.person_id for m in members]
    links = links_by_address(inbox)
    assert set(links) == {f"membre{index}@example.fr" for index in range(4)}
    assert QUESTION in all_text(inbox.to("membre2@example.fr")[0])
    anonymous = app.test_client()
    link = links["membre2@example.fr"]
    page = anonymous.get(link)
    assert page.status_code == 200 and "Mme Prénom2 MEMBRE2" in page.get_data(as_text=True)
    refused = anonymous.post(link, data={"choice": ""})
    assert refused.status_code == 200 and "Choisissez pour, contre ou abstention." in refused.get_data(as_text=True)
    assert anonymous.post(link, data={"choice": "ne_prend_pas_part"}).status_code == 200
    assert anonymous.post(link, data={"choice": "contre"}).status_code == 200
    db.session.expire_all()
    answer = db.session.scalar(select(ConsultationAnswer).where(ConsultationAnswer.person_id == members[2].person_id))
    assert answer.choice is VoteChoice.AGAINST
    again = anonymous.get(link)
    assert again.status_code == 409 and "un lien ne sert qu&#39;une fois" in again.get_data(as_text=True)
    assert anonymous.post(link, data={"choice": "pour"}).status_code == 409
    db.session.expire_all()
    assert answer.choice is VoteChoice.AGAINST


def test_tampered_expired_and_closed_links_are_refused(app, secretariat_client, inbox, monkeypatch):
    body, _ = crsa()
    consultation = open_one(secretariat_client, body)
    link = links_by_address(inbox)["membre1@example.fr"]
    anonymous = app.test_client()
    tampered = anonymous.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert tampered.status_code == 404 and "Ce lien n&#39;est pas valide" in tampered.get_data(as_text=True)
    other_answer = consultation.answers[0]
    forged = consultations._serializer().dumps({"answer": other_answer.id, "person": consultation.answers[1].person_id})
    assert anonymous.get(f"/consultation/{forged}").status_code == 404  # a person's link answers for them only
    monkeypatch.setattr(consultations, "MAX_LINK_DAYS", -1)
    assert anonymous.get(link).status_code == 410
    monkeypatch.undo()
    consultation.closes_at = utc_now() - timedelta(minutes=1)
    db.session.commit()
    closed = anonymous.post(link, data={"choice": "pour"})
    assert closed.status_code == 410 and "La consultation est close" in closed.get_data(as_text=True)
    db.session.expire_all()
    assert all(answer.choice is None for answer in consultation.answers)


def test_reminders_go_to_those_who_have_not_answered(app, secretariat_client, inbox):
    body, _ = crsa()
    consultation = open_one(secretariat_client, body)
    app.test_client().post(links_by_address(inbox)["membre0@example.fr"], data={"choice": "pour"})
    inbox.messages.clear()
    assert secretariat_client.post(f"/consultations/{consultation.id}/remind").status_code == 302
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        "membre1@example.fr", "membre2@example.fr", "membre3@example.fr"]
    assert "Rappel" in inbox.messages[0][1]["Subject"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == MailKind.CONSULTATION_REMINDER)) == 3


def test_the_result_is_recorded_at_the_closing_and_the_president_decides_a_tie(app, secretariat_client, inbox):
    body, members = crsa()
    consultation = open_one(secretariat_client, body)
    links = links_by_address(inbox)
    anonymous = app.test_client()
    for index, choice in ((0, "pour"), (1, "contre")):
        anonymous.post(links[f"membre{index}@example.fr"], data={"choice": choice})
    assert secretariat_client.post(f"/consultations/{consultation.id}/close").status_code == 302
    db.session.expire_all()
    assert consultation.closed_at is None  # still open, two members have not answered
    consultation.closes_at = utc_now() - timedelta(minutes=1)
    db.session.commit()
    assert secretariat_client.post(f"/consultations/{consultation.id}/close").status_code == 302
    db.session.expire_all()
    assert (consultation.votes_for, consultation.votes_against, consultation.abstentions) == (1, 1, 0)
    assert consultation.outcome is VoteOutcome.ADOPTED and consultation.decided_by_casting_vote
    page = secretariat_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Participation : 2 membres sur 4 ont répondu." in page and "Avis favorable" in page
    document = reopen(secretariat_client.get(f"/consultations/{consultation.id}/extrait.docx").data)
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "Extrait du relevé des avis" and "CRSA consultée" in paragraphs
    assert fr("Participation : 2 membres sur 4 ont répondu.") in paragraphs and fr(QUESTION) in paragraphs
    assert fr("Pour : 1 ; contre : 1 ; abstentions : 0.") in paragraphs
    assert fr(f"{members[1].person.formal_name} : contre") in paragraphs
    assert paragraphs[-1] == members[0].person.display_name


def test_opening_refuses_a_past_closing_and_an_empty_question(secretariat_client):
    body, _ = crsa()
    past = secretariat_client.post(f"/bodies/{body.id}/consultations/new",
                                   data=open_form(day=date.today() - timedelta(days=1)))
    assert past.status_code == 200 and "La date de clôture doit être à venir." in past.get_data(as_text=True)
    empty = secretariat_client.post(f"/bodies/{body.id}/consultations/new", data=open_form(question=" "))
    assert "Saisissez la question soumise aux membres." in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WrittenConsultation)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_relancer_tapped_twice_the_same_day_mails_each_member_once(app, secretariat_client, inbox):
    """A double tap on « Relancer », or two people of the secretariat the same day: one reminder per member and
    per Paris day, and the second answer says so; the next day, a new reminder goes."""
    body, _ = crsa()
    consultation = open_one(secretariat_client, body)
    app.test_client().post(links_by_address(inbox)["membre0@example.fr"], data={"choice": "pour"})
    inbox.messages.clear()
    first = secretariat_client.post(f"/consultations/{consultation.id}/remind", follow_redirects=True)
    assert "Rappel envoyé à 3 membre(s)" in first.get_data(as_text=True)
    second = secretariat_client.post(f"/consultations/{consultation.id}/remind", follow_redirects=True)
    assert "Un rappel a déjà été envoyé aujourd'hui aux 3 membre(s)" in unescape(second.get_data(as_text=True))
    assert len(inbox.messages) == 3

    tomorrow = paris_today() + timedelta(days=1)
    with patch("app.votes.consultations.paris_today", return_value=tomorrow):
        third = secretariat_client.post(f"/consultations/{consultation.id}/remind", follow_redirects=True)
    assert "Rappel envoyé à 3 membre(s)" in third.get_data(as_text=True)
    assert len(inbox.messages) == 6


def test_relancer_when_everyone_answered_says_so(app, secretariat_client, inbox):
    body, _ = crsa(size=2)
    consultation = open_one(secretariat_client, body)
    links = links_by_address(inbox)
    for address in links:
        app.test_client().post(links[address], data={"choice": "contre"})
    answered = secretariat_client.post(f"/consultations/{consultation.id}/remind", follow_redirects=True)
    assert "Tous les membres consultés ont répondu : aucun rappel envoyé." in answered.get_data(as_text=True)
