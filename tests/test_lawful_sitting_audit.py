"""Audit of the lawful sitting: the quorum forecast from the convocation answers counts only the
seats the attendance sheet could record as filled (D.1432-30: a suppléant sits in place of an absent
titulaire; D.1432-50: a pouvoir is held by another titulaire who sits)."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from app.extensions import db
from app.meetings.quorum import quorum_status
from app.models import InvitationResponse, Seat
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_attendance_sheet import row_of, sheet

QUORUM_ON_PAGE = re.compile(r'id="meeting-quorum">([^<]*)<')


def meeting_quorum(client, meeting) -> str:
    """The quorum line of the meeting page (« Prévision d'après les réponses aux convocations — … »)."""
    found = QUORUM_ON_PAGE.search(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert found, "the meeting page shows no quorum"
    return unescape(found.group(1)).strip()


def answer(meeting, answers: dict) -> None:
    """``answers``: membership → response, or (response, holder membership) for a pouvoir."""
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    for membership, response in answers.items():
        response, holder = response if isinstance(response, tuple) else (response, None)
        invitations[membership.person_id].response = response
        invitations[membership.person_id].proxy_holder = holder.person if holder else None
    db.session.commit()


# --- « Mon suppléant me remplace »: the suppléant who stands in is one who has not declined ----------------

@pytest.mark.parametrize("second_answer", [None, InvitationResponse.PRESENT])
def test_the_forecast_seats_the_titulaires_other_suppleant_when_the_first_declined(secretariat_client,
                                                                                  second_answer):
    """A titulaire has two suppléants (D.1432-30) and answered « mon suppléant me remplace »; the first
    suppléant answered « excusé », the second did not decline. The second sits in the titulaire's place: the
    meeting page forecasts the seat filled, and the attendance sheet, forecast so, can be saved as it stands
    (it refuses a titulaire represented by a suppléant who is excusé)."""
    body = make_body("CTS de test")
    members = [add_member(body, f"Membre{index}") for index in range(4)]
    first = add_member(body, "Premiere", seat=Seat.SUPPLEANT, substitute_for=members[0])
    second = add_member(body, "Seconde", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body, day=date(2030, 6, 4))
    answers = {members[0]: InvitationResponse.SUBSTITUTE, first: InvitationResponse.EXCUSED,
               members[1]: InvitationResponse.PRESENT, members[2]: InvitationResponse.EXCUSED,
               members[3]: InvitationResponse.EXCUSED}
    if second_answer is not None:
        answers[second] = second_answer
    answer(meeting, answers)

    assert meeting_quorum(secretariat_client, meeting) == (
        "Prévision d'après les réponses aux convocations — Quorum atteint : 2 membres sur 4 (2 requis)")
    values = sheet(secretariat_client, meeting)
    titulaire, stand_in = row_of(values, members[0].person), row_of(values, second.person)
    assert (values[f"{titulaire}-status"], values[f"{titulaire}-represented_by"]) == (
        "represented", str(second.person_id))
    assert values[f"{stand_in}-status"] == "present"
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 302, re.findall(r'fr-error-text">([^<]*)', response.get_data(as_text=True))
    db.session.expire_all()
    assert (quorum_status(meeting).counted, quorum_status(meeting).reached) == (2, True)


def test_the_forecast_does_not_name_a_suppleant_who_declined_when_none_can_sit(secretariat_client):
    """Both suppléants answered « excusé »: nobody sits in the titulaire's place. The sheet forecasts the
    titulaire excusé (as for a pouvoir that lapsed) rather than « représenté par » an excused suppléant, which
    it would refuse to save."""
    body = make_body("CTS de test")
    members = [add_member(body, f"Membre{index}") for index in range(4)]
    first = add_member(body, "Premiere", seat=Seat.SUPPLEANT, substitute_for=members[0])
    second = add_member(body, "Seconde", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body, day=date(2030, 6, 4))
    answer(meeting, {members[0]: InvitationResponse.SUBSTITUTE, first: InvitationResponse.EXCUSED,
                     second: InvitationResponse.EXCUSED, members[1]: InvitationResponse.PRESENT})

    assert meeting_quorum(secretariat_client, meeting).endswith("1 membre sur 4 (2 requis)")
    values = sheet(secretariat_client, meeting)
    titulaire = row_of(values, members[0].person)
    assert (values[f"{titulaire}-status"], values[f"{titulaire}-represented_by"]) == ("excused", "")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302


# --- A pouvoir counts only when held by a titulaire in office on the meeting day ---------------------------

def test_a_pouvoir_held_by_someone_no_longer_in_office_fills_no_seat(secretariat_client):
    """Mme MEMBRE0 gave her pouvoir to Mme MEMBRE1, who answered « présente »; Mme MEMBRE1's mandate then ended
    before the meeting day. A pouvoir is held by another titulaire (D.1432-50): hers counts for nothing. The
    meeting page's forecast must not count Mme MEMBRE0's seat as represented (the sheet would refuse it)."""
    body = make_body("CTS de test")
    members = [add_member(body, f"Membre{index}") for index in range(4)]
    meeting = make_meeting(body, day=date(2030, 6, 4))
    answer(meeting, {members[0]: (InvitationResponse.PROXY, members[1]), members[1]: InvitationResponse.PRESENT,
                     members[2]: InvitationResponse.EXCUSED, members[3]: InvitationResponse.EXCUSED})
    assert quorum_status(meeting).counted == 2  # before her mandate ended: her seat and the pouvoir
    members[1].end_date = date(2030, 5, 31)
    db.session.commit()

    status = quorum_status(meeting)
    assert (status.voting_members, status.counted, status.reached) == (3, 0, False), status.label
    assert meeting_quorum(secretariat_client, meeting) == (
        "Prévision d'après les réponses aux convocations — Quorum non atteint : 0 membre sur 3 (2 requis)")
    # The attendance sheet shows the same figure as the meeting page.
    page = unescape(secretariat_client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True))
    assert "Quorum non atteint : 0 membre sur 3 (2 requis)" in page


# --- A quorum setting no sitting can ever reach is refused ------------------------------------------------

def test_a_quorum_of_more_than_all_members_is_refused(secretariat_client):
    """« Strictement plus » than the whole body (part 1) asks for more members than the body has: with every
    member present, the meeting page would say « Quorum non atteint : 4 membres sur 4 (5 requis) » and no avis
    could ever be given but on second convocation. The body form refuses it on the field, in French."""
    from sqlalchemy import select

    from app.models import Body
    from tests.test_bodies_admin import BODY_FORM

    body = make_body("CTS de test", quorum_fraction=1.0, quorum_strict=False)  # « la totalité au moins »: lawful
    assert body.quorum_required(4) == 4
    response = secretariat_client.post("/bodies/new", data={**BODY_FORM, "quorum_fraction": "1", "quorum_strict": "y"})
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "ne peut jamais être atteint" in page
    assert db.session.scalar(select(Body).where(Body.name == BODY_FORM["name"])) is None
    response = secretariat_client.post(f"/bodies/{body.id}/edit", data={
        **BODY_FORM, "name": "CTS de test", "quorum_fraction": "1", "quorum_strict": "y"})
    assert response.status_code == 200 and "ne peut jamais être atteint" in unescape(response.get_data(as_text=True))
    db.session.refresh(body)
    assert body.quorum_strict is False
