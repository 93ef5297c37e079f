"""The compte rendu states the quorum; the statement is computed at validation and frozen with the file."""
from __future__ import annotations

from datetime import date
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Body, Civility, Meeting, Membership, Minutes, Person, Seat
from docx_reading import body_text, reopen

STATED = "Le quorum étant atteint (52 membres présents ou représentés sur 100), la séance est ouverte."


def test_the_quorum_statement_is_frozen_with_the_validated_minutes(demo, secretariat_client):
    crsa = db.session.scalar(select(Body).where(Body.short_name == "CRSA"))
    plenary = db.session.scalar(select(Meeting).where(Meeting.body_id == crsa.id).order_by(Meeting.starts_at))
    draft = body_text(reopen(secretariat_client.get(f"/meetings/{plenary.id}/minutes.docx").data))
    assert STATED in draft
    assert secretariat_client.post(f"/meetings/{plenary.id}/minutes/validate").status_code == 302
    assert db.session.scalar(select(Minutes.quorum_statement).where(Minutes.meeting_id == plenary.id)) == STATED

    # Ten titulaires appointed afterwards, with effect before the meeting: the live quorum would now read
    # « sur 110 », what was validated still reads « sur 100 ».
    for index in range(10):
        person = Person(organisation=crsa.organisation, civility=Civility.MRS, last_name=f"Nouvelle{index}")
        db.session.add(Membership(person=person, body=crsa, seat=Seat.TITULAIRE, voting=True, title="Nouveau siège",
                                  start_date=date(2020, 5, 1)))
    db.session.commit()
    page = unescape(secretariat_client.get(f"/meetings/{plenary.id}").text)
    assert f'<p id="meeting-quorum">{STATED} <span class="seances-muted">(établi à la validation du compte rendu)' in page
    frozen = body_text(reopen(secretariat_client.get(f"/meetings/{plenary.id}/minutes.docx").data))
    assert STATED in frozen

    secretariat_client.post(f"/meetings/{plenary.id}/minutes/reopen", data={"confirm": "y", "reason": "Sièges"})
    assert db.session.scalar(select(Minutes.quorum_statement).where(Minutes.meeting_id == plenary.id)) is None
    live = secretariat_client.get(f"/meetings/{plenary.id}").text
    assert "Quorum non atteint : 52 membres sur 110 (55 requis)" in live


def test_no_statement_before_attendance_is_recorded(demo, secretariat_client):
    crsa = db.session.scalar(select(Body).where(Body.short_name == "CRSA"))
    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == crsa.id).order_by(Meeting.starts_at.desc()))
    text = body_text(reopen(secretariat_client.get(f"/meetings/{upcoming.id}/minutes.docx").data))
    assert "quorum" not in text
