"""Written consultations (the closing minute, the mandate still running, one answer per person) and unexcused
absences where the body's rule is one meeting."""
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
    VoteOutcome,
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
