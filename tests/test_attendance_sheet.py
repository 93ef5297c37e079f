"""The secretariat marks attendance on one screen; the body's proxy rules are enforced."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    Capacity,
    Civility,
    InvitationResponse,
    Organisation,
    Person,
    Role,
    Seat,
)
from tests.conftest import create_user, log_in
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting, plenary
from tests.query_count import count_queries, fresh_session


def sheet(client, meeting) -> dict:
    response = client.get(f"/meetings/{meeting.id}/attendance")
    assert response.status_code == 200
    return form_values(response.text, "attendance-sheet")


def row_of(values: dict, person: Person) -> str:
    """The field prefix (« rows-3 ») of ``person``'s row."""
    return next(name.removesuffix("-person_id") for name, value in values.items()
                if name.endswith("-person_id") and value == str(person.id))


def mark(values: dict, person: Person, status: str, represented_by: Person | None = None) -> dict:
    row = row_of(values, person)
    values[f"{row}-status"] = status
    values[f"{row}-represented_by"] = str(represented_by.id) if represented_by else ""
    return values


def recorded(meeting) -> dict[int, Attendance]:
    db.session.expire_all()
    return {attendance.person_id: attendance
            for attendance in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}


@pytest.fixture
def group(app_context):
    """A body of four voting titulaires, a suppléant for the first, and a non-voting member; all convened."""
    body = make_body("Commission de test", max_proxies_per_holder=1)
    titulaires = [add_member(body, name) for name in ("Martin", "Bernard", "Petit", "Durand")]
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=titulaires[0])
    observer = add_member(body, "Observateur", voting=False)
    meeting = make_meeting(body, convene=[*titulaires, observer])
    return meeting, [m.person for m in titulaires], substitute.person, observer.person


def test_sheet_lists_convened_people_with_their_answer_and_prefills_it(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    answers = {martin.id: InvitationResponse.SUBSTITUTE, bernard.id: InvitationResponse.PRESENT,
               petit.id: InvitationResponse.PROXY, durand.id: InvitationResponse.EXCUSED}
    for invitation in meeting.invitations:
        invitation.response = answers.get(invitation.person_id)
        if invitation.person_id == petit.id:
            invitation.proxy_holder = bernard
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    for label in ("Remplacé(e) par son suppléant", "Sera présent(e)", "Donne pouvoir : M", "Sera excusé(e)"):
        assert label.replace("'", "&#39;") in page or label in page, label
    values = form_values(page, "attendance-sheet")
    expected = {martin: ("represented", substitute), bernard: ("present", None), petit: ("represented", bernard),
                durand: ("excused", None), observer: ("absent", None)}
    for person, (status, representative) in expected.items():
        row = row_of(values, person)
        assert values[f"{row}-status"] == status, person
        assert values[f"{row}-represented_by"] == (str(representative.id) if representative else ""), person
    assert values[f"{row_of(values, martin)}-title"] == "Qualité de Martin"
    assert recorded(meeting) == {}  # a forecast, not yet a record
    assert '<script src="/static/js/attendance.js" defer></script>' in page
    assert "<script>" not in page  # no inline script: a strict CSP comes later


def test_secretariat_records_the_whole_sheet_in_one_post(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = sheet(secretariat_client, meeting)
    mark(values, martin, "represented", substitute)
    mark(values, bernard, "present")
    mark(values, petit, "present")
    mark(values, durand, "excused")
    mark(values, observer, "present")
    values[f"{row_of(values, bernard)}-title"] = "Président de séance"
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 302
    rows = recorded(meeting)
    assert rows[martin.id].status is AttendanceStatus.REPRESENTED and rows[martin.id].represented_by_id == substitute.id
    assert rows[bernard.id].title == "Président de séance"
    assert rows[durand.id].status is AttendanceStatus.EXCUSED and rows[durand.id].represented_by_id is None
    assert rows[observer.id].voting is False and rows[bernard.id].voting is True
    assert [rows[p.id].position for p in (martin, bernard, petit, durand, observer)] == [1, 2, 3, 4, 5]
    page = secretariat_client.get(response.location).text
    assert "Feuille de présence enregistrée." in page
    # Saved again: the same rows are updated, not duplicated.
    values = sheet(secretariat_client, meeting)
    mark(values, durand, "absent")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    rows = recorded(meeting)
    assert len(rows) == 5 and rows[durand.id].status is AttendanceStatus.ABSENT


def test_proxy_to_a_present_member_within_the_limit(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = sheet(secretariat_client, meeting)
    mark(values, bernard, "present")
    mark(values, petit, "represented", bernard)
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    assert recorded(meeting)[petit.id].represented_by_id == bernard.id


def test_second_proxy_for_the_same_holder_is_refused_and_nothing_is_written(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = sheet(secretariat_client, meeting)
    mark(values, bernard, "present")
    mark(values, petit, "represented", bernard)
    mark(values, durand, "represented", bernard)
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert "Mme BERNARD Anne détient déjà 1 pouvoir : c&#39;est le maximum dans cette instance." in response.text
    assert recorded(meeting) == {}
    kept = form_values(response.text, "attendance-sheet")
    assert kept[f"{row_of(kept, durand)}-status"] == "represented"  # the choices come back as typed


def test_proxies_refused_where_the_body_admits_none_but_the_substitute_may_sit(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    meeting.body.proxies_allowed = False
    db.session.commit()
    values = sheet(secretariat_client, meeting)
    mark(values, bernard, "present")
    mark(values, martin, "represented", substitute)
    mark(values, petit, "represented", bernard)
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert "Cette instance n&#39;admet pas les pouvoirs" in response.text
    assert response.text.count("fr-error-text") == 1  # only the proxy, not the suppléant
    mark(values, petit, "absent")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302


@pytest.mark.parametrize("holder_status, message", [
    ("absent", "Un pouvoir ne peut être donné qu&#39;à un membre titulaire présent : Mme BERNARD Anne n&#39;est pas "
               "présent(e)."),
    (None, "Indiquez qui représente ce membre"),
])
def test_representation_needs_a_present_holder(secretariat_client, group, holder_status, message):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = sheet(secretariat_client, meeting)
    mark(values, bernard, holder_status or "present")
    mark(values, petit, "represented", bernard if holder_status else None)
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert message in response.text
    assert recorded(meeting) == {}


def test_secretariat_adds_ars_staff_and_a_guest(secretariat_client, group):
    meeting, people, substitute, observer = group
    colleague = Person(organisation=meeting.body.organisation, civility=Civility.MR, last_name="Ricard",
                       first_name="Pierre")
    db.session.add(colleague)
    db.session.commit()
    values = sheet(secretariat_client, meeting)
    values.update({"new_capacity": Capacity.ARS_STAFF.value, "new_person": str(colleague.id),
                   "new_title": "Directeur Général Adjoint"})
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    values = sheet(secretariat_client, meeting)
    values.update({"new_capacity": Capacity.GUEST.value, "new_civility": "Mme", "new_last_name": "Expert",
                   "new_first_name": "Léa", "new_title": "Médecin invitée"})
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    rows = recorded(meeting)
    assert rows[colleague.id].capacity is Capacity.ARS_STAFF
    assert rows[colleague.id].status is AttendanceStatus.PRESENT and rows[colleague.id].voting is False
    guest = db.session.scalar(select(Person).where(Person.last_name == "Expert"))
    assert rows[guest.id].capacity is Capacity.GUEST and rows[guest.id].title == "Médecin invitée"
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert "Personnes présentes au titre de l'Agence Régionale de Santé" in page
    assert "M. Pierre RICARD, Directeur Général Adjoint" in page
    assert "Mme Léa EXPERT, Médecin invitée" in page
    # Both now belong to the sheet; staff are not offered again in the list of people to add.
    values = sheet(secretariat_client, meeting)
    assert any(value == str(guest.id) for name, value in values.items() if name.endswith("person_id"))
    assert f'<option value="{colleague.id}">M. RICARD' not in secretariat_client.get(f"/meetings/{meeting.id}/attendance").text


def test_new_person_without_a_name_is_refused_and_the_typing_kept(secretariat_client, group):
    meeting, people, substitute, observer = group
    values = sheet(secretariat_client, meeting)
    values.update({"new_capacity": Capacity.GUEST.value, "new_first_name": "Léa", "new_title": "Médecin invitée"})
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert "Saisissez le nom de la personne à ajouter." in response.text
    assert "Choisissez la civilité de la personne à ajouter." in response.text
    kept = form_values(response.text, "attendance-sheet")
    assert kept["new_first_name"] == "Léa" and kept["new_title"] == "Médecin invitée"
    assert recorded(meeting) == {}


def test_a_missing_or_unknown_status_is_refused_in_french(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = sheet(secretariat_client, meeting)
    values[f"{row_of(values, martin)}-status"] = "parti"
    del values[f"{row_of(values, bernard)}-status"]
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert response.text.count("Choisissez présent, excusé, absent ou représenté.") == 2
    assert recorded(meeting) == {}


def test_a_sheet_posted_for_another_roster_is_not_saved(secretariat_client, group):
    meeting, people, substitute, observer = group
    values = sheet(secretariat_client, meeting)
    values["rows-0-person_id"] = str(substitute.id)  # not on the sheet
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 409
    assert "Quelqu&#39;un a modifié la feuille de présence" in response.text
    assert recorded(meeting) == {}


def test_members_cannot_reach_the_sheet_and_visitors_must_log_in(app, client, group):
    meeting, people, substitute, observer = group
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=people[0]))
    assert member.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    assert member.post(f"/meetings/{meeting.id}/attendance", data={}).status_code == 403
    response = client.get(f"/meetings/{meeting.id}/attendance")
    assert response.status_code == 302 and "/login" in response.location
    assert client.post(f"/meetings/{meeting.id}/attendance", data={}).status_code == 302
    assert member.get(f"/meetings/{meeting.id}").status_code == 200
    assert f"/meetings/{meeting.id}/attendance" not in member.get(f"/meetings/{meeting.id}").text


def test_a_100_person_plenary_is_recorded_with_its_quorum(secretariat_client, app_context):
    meeting = plenary(100)
    values = sheet(secretariat_client, meeting)
    assert len([name for name in values if name.endswith("-person_id")]) == 100
    people = [invitation.person for invitation in meeting.invitations]
    for index, person in enumerate(people):
        mark(values, person, "present" if index < 50 else "excused")
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 302
    page = secretariat_client.get(response.location).text
    # « au moins la moitié » (D.1432-50): 50 of 100, not 51.
    assert "Quorum atteint : 50 membres sur 100 (50 requis)" in page
    assert 'data-required="50"' in page and 'data-voting-members="100"' in page
    assert "Quorum atteint : 50 membres sur 100 (50 requis)" in secretariat_client.get(f"/meetings/{meeting.id}").text


def test_sheet_queries_do_not_grow_with_attendees(secretariat_client, app_context):
    small, large = plenary(10), plenary(100)
    for meeting in (small, large):  # some recorded rows, some from the convocation only; no quorum in either
        for position, invitation in enumerate(meeting.invitations[:4], start=1):
            meeting.attendances.append(Attendance(person=invitation.person, status=AttendanceStatus.PRESENT,
                                                  position=position, voting=True))
    db.session.commit()
    ids = [small.id, large.id]
    fresh_session()
    counts = []
    for meeting_id in ids:
        counts.append(count_queries(secretariat_client, f"/meetings/{meeting_id}/attendance"))
        fresh_session()
    assert counts[0] == counts[1], counts
    meeting_page = []
    for meeting_id in ids:
        meeting_page.append(count_queries(secretariat_client, f"/meetings/{meeting_id}"))
        fresh_session()
    assert meeting_page[0] == meeting_page[1], meeting_page
    print("queries: attendance sheet", counts, "meeting page", meeting_page)



def options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_only_a_represented_row_carries_its_list_the_page_holds_the_others_once(secretariat_client, group):
    """The browser builds a row's list from the page's one list (static/js/attendance.js): a
    100-person sheet would otherwise hold 10,000 options."""
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    meeting.invitations[0].response = InvitationResponse.SUBSTITUTE  # Martin: represented by his suppléante
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    values = form_values(page, "attendance-sheet")
    # The observer has no vote: they may neither give nor hold a pouvoir.
    assert options_of(page, f"{row_of(values, martin)}-represented_by") == [
        "—", f"{substitute.formal_name} (suppléant)", *[person.formal_name for person in (bernard, petit, durand)]]
    assert options_of(page, f"{row_of(values, bernard)}-represented_by") == ["—"]
    assert f'data-gives-proxy="1" data-person="{martin.id}" data-substitutes="{substitute.id}"' in page
    assert f'data-gives-proxy="0" data-person="{observer.id}" data-substitutes=""' in page
    pool = re.search(r'<template id="representatives">(.*?)</template>', page, re.S).group(1)
    assert re.findall(r'<option value="(\d+)"( data-proxy-holder)?>', pool) == [
        *[(str(person.id), " data-proxy-holder") for person in (martin, bernard, petit, durand)],
        (str(substitute.id), "")]


def test_a_100_person_sheet_stays_light(secretariat_client, app_context):
    meeting = plenary(100)
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    assert page.count("<option") < 3 * 100
    assert len(page.encode()) < 250_000


def test_without_javascript_a_represented_row_comes_back_asking_with_its_list(secretariat_client, group):
    meeting, (martin, bernard, petit, durand), substitute, observer = group
    values = mark(sheet(secretariat_client, meeting), bernard, "represented")
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert "Indiquez qui représente ce membre" in response.text
    assert options_of(response.text, f"{row_of(values, bernard)}-represented_by") == [
        "—", *[person.formal_name for person in (martin, petit, durand)]]
    assert recorded(meeting) == {}


def test_a_person_to_add_is_found_by_name_not_picked_from_the_whole_ars(secretariat_client, group):
    """The sheet offers only the people a search finds (server side, without JavaScript); the search keeps
    the sheet as typed and saves nothing; the person chosen is checked again on saving."""
    meeting, people, substitute, observer = group
    organisation = meeting.body.organisation
    colleague = Person(organisation=organisation, civility=Civility.MR, last_name="Ricard", first_name="Pierre")
    others = [Person(organisation=organisation, civility=Civility.MRS, last_name=f"Agent{n}", first_name="Zoé")
              for n in range(40)]
    db.session.add_all([colleague, *others])
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    assert "RICARD" not in page and "AGENT1" not in page

    values = mark(sheet(secretariat_client, meeting), people[0], "present")
    values.update({"new_person_search": "pierre ric", "chercher": "1"})
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 200 and recorded(meeting) == {}
    kept = form_values(response.text, "attendance-sheet")
    assert kept[f"{row_of(kept, people[0])}-status"] == "present" and kept["new_person_search"] == "pierre ric"
    assert f'<option value="{colleague.id}">M. RICARD Pierre</option>' in response.text
    assert "AGENT" not in response.text

    values.update({"new_person_search": "agent", "chercher": "1"})
    found = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).text
    assert found.count("AGENT") == 30  # a short list: type more of the name to narrow it

    values.update({"new_person_search": "ZOE agent12"})  # the people search shared with the membership form:
    found = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).text  # accents and case
    assert found.count("AGENT12") == 1 and "AGENT13" not in found  # ignored

    values.update({"new_person_search": "personne inconnue"})
    nobody = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).text
    assert "Aucune personne enregistrée à ajouter ne porte ce nom" in nobody

    del values["chercher"]
    values.update({"new_capacity": Capacity.ARS_STAFF.value, "new_person": str(colleague.id), "new_person_search": ""})
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    assert recorded(meeting)[colleague.id].capacity is Capacity.ARS_STAFF


def test_a_person_of_another_ars_or_already_on_the_sheet_cannot_be_added(secretariat_client, group):
    meeting, people, substitute, observer = group
    other_ars = Organisation(name="ARS Corse")
    stranger = Person(organisation=other_ars, civility=Civility.MR, last_name="Ricard", first_name="Paul")
    db.session.add(stranger)
    db.session.commit()
    values = sheet(secretariat_client, meeting)
    values.update({"new_person_search": "ricard", "chercher": "1"})
    assert "RICARD" not in secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).text
    for person in (stranger, people[1]):
        values = sheet(secretariat_client, meeting)
        values.update({"new_capacity": Capacity.GUEST.value, "new_person": str(person.id)})
        response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
        assert response.status_code == 422
        assert "Cette personne figure déjà sur la feuille ou n&#39;existe pas." in response.text
    assert recorded(meeting) == {}
