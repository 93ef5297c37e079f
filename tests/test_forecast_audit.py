"""Audit of the forecast from the convocation answers: a pouvoir answered counts in the forecast only as the
attendance sheet would record it, under the body's current rules (D.1432-30: a suppléant present sits in the
titulaire's seat, so a pouvoir has no object; D.1432-50: the body's limit, pouvoirs allowed, presidents), on the
meeting page, on the attendance sheet (saved as forecast) and on the answer page of convocation links alike;
and the body page's quorum base counts people in office, not mandates."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from html import unescape

import pytest

from app.extensions import db
from app.meetings.quorum import quorum_status
from app.models import AttendanceStatus, InvitationResponse, Membership, Seat
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_attendance_sheet import recorded, row_of, sheet
from tests.test_lawful_sitting_audit import meeting_quorum
from tests import test_sitting_proxies
from tests.test_sitting_proxies import answer_page, holders

sitting = test_sitting_proxies.sitting  # the fixture: a formation with a president, suppléants, ARS staff


def give_answers(meeting, people: dict, answers: dict) -> None:
    """``answers``: name → response, or (response, holder's name) for a pouvoir; answered in this order."""
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    for minute, (name, response) in enumerate(answers.items()):
        response, holder = response if isinstance(response, tuple) else (response, None)
        invitation = invitations[people[name].id]
        invitation.response = response
        invitation.proxy_holder = people[holder] if holder else None
        invitation.responded_at = datetime(2020, 1, 1, 9, minute, tzinfo=timezone.utc)
    db.session.commit()


def sheet_text(client, meeting) -> str:
    """The attendance sheet's text, tags taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", unescape(client.get(f"/meetings/{meeting.id}/attendance").text)))


def saved_unchanged(client, meeting) -> dict:
    """Post the sheet as forecast; it must be saved (302). The attendance recorded, by person id."""
    response = client.post(f"/meetings/{meeting.id}/attendance", data=sheet(client, meeting))
    assert response.status_code == 302, re.findall(r'fr-error-text">([^<]*)', unescape(response.text))
    return recorded(meeting)


# --- 1. A pouvoir given, then the giver's suppléant answers « présent »: the suppléant sits ---------------

def test_a_pouvoir_whose_giver_s_suppleant_answered_present_is_set_aside_and_the_sheet_saves(secretariat_client,
                                                                                         sitting):
    """Mme MARTIN gave her pouvoir to Mme BERNARD; her suppléante then answered « présente ». The suppléante
    sits in Mme MARTIN's seat (D.1432-30): the pouvoir has no object. The sheet forecasts Mme MARTIN represented
    by her suppléante, says why the pouvoir is set aside, and saves unchanged (it was refused: 422)."""
    meeting, p = sitting
    give_answers(meeting, p, {"martin": (InvitationResponse.PROXY, "bernard"), "bernard": InvitationResponse.PRESENT,
                              "suppleant_martin": InvitationResponse.PRESENT})

    values = sheet(secretariat_client, meeting)
    row = row_of(values, p["martin"])
    assert (values[f"{row}-status"], values[f"{row}-represented_by"]) == ("represented",
                                                                          str(p["suppleant_martin"].id))
    assert ("Donne pouvoir : Mme BERNARD Anne Pouvoir écarté. Mme SUPPLEANTE-MARTIN Anne, suppléant(e), siège à "
            "sa place : le pouvoir n'a pas d'objet.") in sheet_text(secretariat_client, meeting)
    forecast = meeting_quorum(secretariat_client, meeting)
    assert forecast.endswith("Quorum non atteint : 2 membres sur 6 (3 requis)")

    attendances = saved_unchanged(secretariat_client, meeting)
    martin = attendances[p["martin"].id]
    assert (martin.status, martin.represented_by_id) == (AttendanceStatus.REPRESENTED, p["suppleant_martin"].id)
    db.session.expire_all()
    assert quorum_status(meeting).label == "Quorum non atteint : 2 membres sur 6 (3 requis)"


def test_the_answer_page_does_not_count_a_pouvoir_set_aside_against_its_holder(app, secretariat_client, sitting):
    """The body allows one pouvoir per holder. Mme MARTIN's pouvoir to Mme BERNARD has no object (her suppléante
    sits): Mme BERNARD may still receive Mme ROUX's, and the sheet then saves both as forecast."""
    meeting, p = sitting
    give_answers(meeting, p, {"martin": (InvitationResponse.PROXY, "bernard"), "bernard": InvitationResponse.PRESENT,
                              "suppleant_martin": InvitationResponse.PRESENT})
    assert meeting.body.max_proxies_per_holder == 1

    assert p["bernard"].formal_name in holders(answer_page(app.test_client(), meeting, p["roux"]).text)
    response = answer_page(app.test_client(), meeting, p["roux"], {"response": "proxy", "proxy_holder": p["bernard"].id})
    assert response.status_code == 302

    attendances = saved_unchanged(secretariat_client, meeting)
    assert {name: (attendances[p[name].id].status, attendances[p[name].id].represented_by_id)
            for name in ("martin", "roux")} == {
        "martin": (AttendanceStatus.REPRESENTED, p["suppleant_martin"].id),
        "roux": (AttendanceStatus.REPRESENTED, p["bernard"].id)}


# --- 2. Pouvoirs answered before the body's rules changed count under the current rules --------------------

def test_pouvoirs_beyond_a_lowered_limit_no_longer_count_in_the_forecast(secretariat_client, sitting):
    """The body allowed two pouvoirs per holder: Mme PETIT, then Mme MARTIN, gave theirs to Mme BERNARD. The
    limit is lowered to one: the pouvoir answered last no longer counts, in the forecast as on the sheet."""
    meeting, p = sitting
    meeting.body.max_proxies_per_holder = 2
    give_answers(meeting, p, {"petit": (InvitationResponse.PROXY, "bernard"),
                              "martin": (InvitationResponse.PROXY, "bernard"),
                              "bernard": InvitationResponse.PRESENT, "roux": InvitationResponse.PRESENT})
    assert meeting_quorum(secretariat_client, meeting).endswith("Quorum atteint : 4 membres sur 6 (3 requis)")
    meeting.body.max_proxies_per_holder = 1
    db.session.commit()

    assert meeting_quorum(secretariat_client, meeting).endswith("Quorum atteint : 3 membres sur 6 (3 requis)")
    values = sheet(secretariat_client, meeting)
    assert values[f"{row_of(values, p['martin'])}-status"] == "excused"
    assert (values[f"{row_of(values, p['petit'])}-status"], values[f"{row_of(values, p['petit'])}-represented_by"]
            ) == ("represented", str(p["bernard"].id))
    assert ("Donne pouvoir : Mme BERNARD Anne Pouvoir écarté. Mme BERNARD Anne détient déjà 1 pouvoir : c'est le "
            "maximum dans cette instance.") in sheet_text(secretariat_client, meeting)
    saved_unchanged(secretariat_client, meeting)
    db.session.expire_all()
    assert quorum_status(meeting).counted == 3


@pytest.mark.parametrize(("holder", "setting", "before", "after", "reason"), [
    ("bernard", "proxies_allowed", True, False,
     "Mme BERNARD Anne Pouvoir écarté. Cette instance n'admet pas les pouvoirs : seul son suppléant peut "
     "représenter ce membre."),
    # The meeting page reads the body's seats without their roles: it still knows who presides.
    ("president", "proxies_exclude_presidents", False, True,
     "Mme PRESIDENT Paul Pouvoir écarté. Le président de l'instance ne peut ni donner ni recevoir de pouvoir."),
], ids=["pouvoirs no longer allowed", "presidents excluded since"])
def test_a_pouvoir_the_body_s_rules_refuse_since_does_not_count_in_the_forecast(secretariat_client, sitting, holder,
                                                                                 setting, before, after, reason):
    meeting, p = sitting
    setattr(meeting.body, setting, before)
    give_answers(meeting, p, {"roux": (InvitationResponse.PROXY, holder), holder: InvitationResponse.PRESENT})
    assert meeting_quorum(secretariat_client, meeting).endswith("2 membres sur 6 (3 requis)")
    setattr(meeting.body, setting, after)
    db.session.commit()

    assert meeting_quorum(secretariat_client, meeting).endswith("1 membre sur 6 (3 requis)")
    assert f"Donne pouvoir : {reason}" in sheet_text(secretariat_client, meeting)
    assert saved_unchanged(secretariat_client, meeting)[p["roux"].id].status is AttendanceStatus.EXCUSED


# --- 3. The body page counts people in office, not mandates -------------------------------------------------

def test_the_body_page_counts_a_person_with_overlapping_mandates_once(secretariat_client, app_context):
    """Old data: Mme MEMBRE0's renewed mandate overlaps the old one (the member form now refuses it). The quorum
    counts her once (``count_quorum`` on ``Composition.seats_in_office``): the body page says 4, not 5."""
    body = make_body("CTS de test")
    members = [add_member(body, f"Membre{index}") for index in range(4)]
    db.session.add(Membership(person=members[0].person, body=body, title="Qualité renouvelée", seat=Seat.TITULAIRE,
                              voting=True, start_date=date(2023, 1, 1)))
    db.session.commit()
    meeting = make_meeting(body, day=date.today(), convene=members)

    assert quorum_status(meeting).voting_members == 4
    page = unescape(secretariat_client.get(f"/bodies/{body.id}").text)
    assert "Quorum : la moitié au moins des 4 membres en fonction, présents ou représentés (2)" in page
