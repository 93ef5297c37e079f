"""Written consultations (the closing minute, the mandate still running, one answer per person, the avis made
public) and unexcused absences where the body's rule is one meeting."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_datetime, to_paris
from app.models import (
    Attendance,
    AttendanceStatus,
    ConsultationAnswer,
    VoteChoice,
    WrittenConsultation,
    utc_now,
)
from app.votes import consultations
from tests.meeting_factories import add_member, make_body, make_meeting, make_president


# -- helpers -------------------------------------------------------------------------------------

def page_text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def consulted_body(size: int = 4):
    body = make_body("CRSA consultée")
    members = [add_member(body, f"Membre{index}", first_name=f"Prénom{index}") for index in range(size)]
    for index, membership in enumerate(members):
        membership.person.email = f"membre{index}@example.fr"
    make_president(members[0])
    db.session.commit()
    return body, members


def open_directly(body, closes_at) -> WrittenConsultation:
    consultation, _ = consultations.open_consultation(body, "Avis sur l'arrêté de zonage ?", closes_at, None)
    db.session.commit()
    return consultation


def link_of(consultation: WrittenConsultation, person_id: int) -> str:
    answer = next(answer for answer in consultation.answers if answer.person_id == person_id)
    return f"/consultation/{consultations.make_link_token(answer)}"


# -- written consultation ------------------------------------------------------------------------

def test_consultation_answer_during_the_closing_minute_2359_paris_is_counted(app, app_context, monkeypatch):
    """The member reads « jusqu'au … à 23h59 » and answers at 23:59:30 Paris time on the last day."""
    body, members = consulted_body()
    last_day = date.today() + timedelta(days=3)
    consultation = open_directly(body, paris_datetime(last_day, 23, 59))
    link = link_of(consultation, members[1].person_id)
    answering_at = paris_datetime(last_day, 23, 59) + timedelta(seconds=30)
    monkeypatch.setattr(consultations, "utc_now", lambda: answering_at.astimezone(to_paris(utc_now()).tzinfo))
    response = app.test_client().post(link, data={"choice": "pour"})
    assert response.status_code == 200, page_text(response)
    db.session.expire_all()
    answer = db.session.scalar(select(ConsultationAnswer).where(ConsultationAnswer.person_id == members[1].person_id))
    assert answer.choice is VoteChoice.FOR


def test_the_avis_of_a_closed_consultation_is_published_on_the_public_page_and_feed(app, app_context,
                                                                                   secretariat_client):
    """L.1432-4: avis are made public, those of written consultations too. Refused while the consultation is
    open; once closed, « Publier l'avis » puts it on the public page and the Atom feed (question, outcome,
    counts, no names), and the same button takes it off."""
    body, members = consulted_body()
    consultation = open_directly(body, paris_datetime(date.today() + timedelta(days=5), 18, 0))
    publish = f"/consultations/{consultation.id}/publish"
    assert secretariat_client.post(publish).status_code == 302
    db.session.expire_all()
    assert consultation.published_at is None  # still open: nothing to publish yet
    client = app.test_client()
    for membership in members:
        client.post(link_of(consultation, membership.person_id), data={"choice": "pour"})
    assert secretariat_client.post(f"/consultations/{consultation.id}/close").status_code == 302
    assert "Publier l&#39;avis sur la page publique" in secretariat_client.get(f"/consultations/{consultation.id}").text
    assert secretariat_client.post(publish).status_code == 302
    public = page_text(app.test_client().get(f"/public/{body.organisation_id}"))
    assert "Avis rendus par consultation écrite" in public
    assert "Avis favorable — pour : 4 ; contre : 0 ; abstentions : 0" in public
    assert "Avis sur l’arrêté de zonage ?" in public or "Avis sur l'arrêté de zonage ?" in public
    assert "Prénom1" not in public and "membre1@example.fr" not in public
    feed = app.test_client().get(f"/public/{body.organisation_id}/avis.atom").get_data(as_text=True)
    assert f"#consultation-{consultation.id}</id>" in feed and "consultation écrite (CRSA consultée)" in feed
    assert secretariat_client.post(publish).status_code == 302  # taken off
    assert "Avis rendus par consultation écrite" not in page_text(app.test_client().get(f"/public/{body.organisation_id}"))


def test_consultation_member_whose_mandate_ended_can_no_longer_answer(app, app_context):
    """Only members entitled to vote when they answer: a titulaire whose mandate ended (resigned, replaced)
    after the opening is refused through their link, and nothing is counted."""
    body, members = consulted_body()
    consultation = open_directly(body, paris_datetime(date.today() + timedelta(days=5), 18, 0))
    members[2].end_date = date.today() - timedelta(days=1)
    db.session.commit()
    response = app.test_client().post(link_of(consultation, members[2].person_id), data={"choice": "contre"})
    db.session.expire_all()
    answer = db.session.scalar(select(ConsultationAnswer).where(ConsultationAnswer.person_id == members[2].person_id))
    assert answer.choice is None and response.status_code in (403, 404, 409, 410)


# -- unexcused absences --------------------------------------------------------------------------

P, E, A = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT
DAYS = [date(2020, 3, 5), date(2020, 4, 2), date(2020, 5, 7), date(2020, 6, 4)]


def hold(body, statuses, days=DAYS):
    members = list(body.memberships)
    for day, status in zip(days, statuses):
        meeting = make_meeting(body, day=day, convene=members)
        for position, membership in enumerate(members, start=1):
            meeting.attendances.append(Attendance(person=membership.person, position=position, voting=True,
                                                  status=status if position == 1 else P))
    db.session.commit()


def test_absences_limit_of_one_meeting_lists_a_single_unexcused_absence(secretariat_client):
    """A body may set « 1 » (the form accepts 1 to 50 and its rules read « absent sans excuse à 1 séance
    successive peut être déclaré démissionnaire »): a lone absence between two presences is listed."""
    body = make_body("Commission à une absence", unexcused_absences_limit=1)
    for name in ("Martin", "Bernard"):
        add_member(body, name)
    hold(body, [P, A, P])
    page = page_text(secretariat_client.get("/absences"))
    assert "Mme MARTIN Anne" in page


def test_consultation_opens_with_one_answer_per_member_holding_two_overlapping_mandates(app_context,
                                                                                         secretariat_client):
    """Two titulaire mandates of one person meeting on a day (recorded before the form and the CSV import
    refused overlaps): opening a written consultation makes one answer per person, not a server error on
    UNIQUE(consultation, person)."""
    from app.models import Membership, Seat

    body, members = consulted_body()
    renewed = members[1]
    db.session.add(Membership(person=renewed.person, body=body, title=renewed.title, seat=Seat.TITULAIRE,
                              voting=True, start_date=date(2020, 1, 1)))
    db.session.commit()
    day = date.today() + timedelta(days=3)
    response = secretariat_client.post(f"/bodies/{body.id}/consultations/new",
                                       data={"question": "Avis ?", "closes_on": day.isoformat(), "closes_at": "18:00"})
    assert response.status_code == 302
    consultation = db.session.scalar(select(WrittenConsultation))
    assert sorted(answer.person_id for answer in consultation.answers) == sorted(m.person_id for m in members)
