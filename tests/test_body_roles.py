"""Roles in a body (président, vice-président, bureau, rapporteur), dated on a membership: edited by the
secretariat on the member's page, shown on the body page and the attendance sheet, and read by the
rules that need the president of a body on a day."""
from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from app.bodies.members import body_members, officers
from app.bodies.roles import president_of, vice_presidents_of
from app.extensions import db
from app.models import MembershipRole, Role, RoleKind, Seat, utc_now
from tests.conftest import create_user, log_in
from tests.meeting_factories import add_member, make_body, make_meeting


@pytest.fixture
def body(app_context):
    body = make_body("Commission de test")
    for name in ("Martin", "Bernard", "Petit"):
        add_member(body, name)
    add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=body.memberships[0])
    db.session.commit()
    return body


def add_role(client, membership, kind: str, start: str, end: str = ""):
    return client.post(f"/bodies/memberships/{membership.id}/roles/new",
                       data={"kind": kind, "start_date": start, "end_date": end})


def test_secretariat_names_the_president_shown_on_the_body_page_and_the_sheet(secretariat_client, body):
    martin, bernard = body.memberships[0], body.memberships[1]
    response = add_role(secretariat_client, martin, "president", "01/01/2020")
    assert response.status_code == 302 and response.location.endswith(f"/bodies/memberships/{martin.id}/edit")
    assert add_role(secretariat_client, bernard, "vice_president", "01/01/2020").status_code == 302
    assert "Mme Anne MARTIN : présidente depuis le 01/01/2020." in unescape(
        secretariat_client.get(response.location).text)

    assert president_of(body, date(2020, 6, 4)) == martin
    assert president_of(body, date(2019, 6, 4)) is None
    assert vice_presidents_of(body, date(2020, 6, 4)) == [bernard]
    on = date(2020, 6, 4)
    assert [(officer.title, officer.person.id) for officer in officers(body_members(body.id, on), on)] == [
        ("Présidente", martin.person_id), ("Vice-présidente", bernard.person_id)]
    assert officers(body_members(body.id, date(2019, 6, 4)), date(2019, 6, 4)) == []

    page = unescape(secretariat_client.get(f"/bodies/{body.id}").text)
    assert "Présidente : Mme Anne MARTIN ; Vice-présidente : Mme Anne BERNARD." in page
    assert "Présidente depuis le 01/01/2020" in page
    meeting = make_meeting(body)
    sheet = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    assert '<span class="fr-badge fr-badge--sm fr-badge--blue-ecume">Présidente</span>' in sheet


@pytest.mark.parametrize("member, kind, start, end, field, message", [
    (3, "president", "01/01/2020", "", "kind", "Seul un membre titulaire peut être président(e) de l'instance."),
    (0, "rapporteur", "01/01/2018", "", "start_date", "Le rôle doit commencer pendant le mandat (depuis le 01/01/2019)."),
    (0, "rapporteur", "01/01/2020", "01/01/2019", "end_date", "La fin du rôle ne peut pas précéder son début."),
    (1, "president", "01/06/2020", "", "start_date",
     "L'instance a déjà un président à ces dates : Mme MARTIN Anne (depuis le 01/01/2020). Mettez d'abord fin à sa "
     "présidence."),
    (0, "president", "01/03/2021", "", "start_date", "Ce membre est déjà président(e) à ces dates (depuis le "
                                                     "01/01/2020)."),
    (0, "chef", "01/03/2021", "", "kind", "N'est pas un choix valide."),
])
def test_roles_the_rules_refuse_come_back_with_a_french_message(secretariat_client, body, member, kind, start, end,
                                                                field, message):
    db.session.add(MembershipRole(membership=body.memberships[0], kind=RoleKind.PRESIDENT,
                                  start_date=date(2020, 1, 1)))
    db.session.commit()
    response = add_role(secretariat_client, body.memberships[member], kind, start, end)
    assert response.status_code == 200
    assert f'<p id="{field}-erreurs" class="fr-error-text">{message}</p>' in unescape(response.text)
    assert len(db.session.scalars(select(MembershipRole)).all()) == 1


def test_a_presidency_ends_and_another_begins(secretariat_client, body):
    martin, bernard = body.memberships[0], body.memberships[1]
    role = MembershipRole(membership=martin, kind=RoleKind.PRESIDENT, start_date=date(2019, 1, 1))
    db.session.add(role)
    db.session.commit()
    ended = secretariat_client.post(f"/bodies/roles/{role.id}/edit", data={
        "kind": "president", "start_date": "01/01/2019", "end_date": "31/05/2020"})
    assert ended.status_code == 302
    assert add_role(secretariat_client, bernard, "president", "01/06/2020").status_code == 302
    assert president_of(body, date(2020, 5, 31)) == martin and president_of(body, date(2020, 6, 1)) == bernard
    assert "Mandat de Mme Anne MARTIN" in secretariat_client.get(f"/bodies/memberships/{martin.id}/edit").text
    deleted = secretariat_client.post(f"/bodies/roles/{role.id}/delete")
    assert deleted.status_code == 302
    assert db.session.get(MembershipRole, role.id) is None


def test_a_role_ends_with_the_mandate(secretariat_client, body):
    martin = body.memberships[0]
    martin.end_date = date(2020, 12, 31)
    db.session.commit()
    response = add_role(secretariat_client, martin, "rapporteur", "01/01/2020")
    assert ("Le mandat prend fin le 31/12/2020 : le rôle doit finir au plus tard à cette date."
            in unescape(response.text))


def test_members_cannot_edit_roles(app, body):
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=body.memberships[0].person))
    assert member.get(f"/bodies/memberships/{body.memberships[0].id}/roles/new").status_code == 403
    role = MembershipRole(membership=body.memberships[0], kind=RoleKind.RAPPORTEUR, start_date=date(2020, 1, 1))
    db.session.add(role)
    db.session.commit()
    assert member.post(f"/bodies/roles/{role.id}/delete").status_code == 403
    assert member.get(f"/bodies/roles/{role.id}/edit").status_code == 403
    assert "Rapporteure : Mme Anne MARTIN." in unescape(member.get(f"/bodies/{body.id}").text)


def test_a_member_reads_the_officers_and_the_quorum_of_the_seats_in_office_but_not_the_members_table(app, body):
    """The body page counts the voting titulaires whose mandate runs today (not a suppléant, a seat without a
    vote, an ended mandate or a deleted person) and names the officers of today, for members too."""
    martin, bernard = body.memberships[0], body.memberships[1]
    add_member(body, "Consultante", voting=False)
    add_member(body, "Partie").end_date = date(2020, 12, 31)
    add_member(body, "Effacee").person.deleted_at = utc_now()
    db.session.add_all([MembershipRole(membership=martin, kind=RoleKind.PRESIDENT, start_date=date(2020, 1, 1)),
                        MembershipRole(membership=bernard, kind=RoleKind.VICE_PRESIDENT, start_date=date(2019, 1, 1),
                                       end_date=date(2019, 12, 31))])
    db.session.commit()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=body.memberships[2].person))
    page = unescape(member.get(f"/bodies/{body.id}").text)
    assert "Quorum : la moitié au moins des 3 membres en fonction, présents ou représentés (2)." in page
    assert '<p id="bureau">Présidente : Mme Anne MARTIN.</p>' in page  # Bernard's role ended in 2019
    assert "seances-table" not in page and "Consultante" not in page and "SUPPLEANTE" not in page.upper()
