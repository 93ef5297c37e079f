"""Audit of a body's settings and mandates: renewals, suppléants and their titulaire's mandate."""
from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.bodies.rules import quorum_sentence, rules_summary
from app.calendar.convocations import convocation_record
from app.extensions import db
from app.formatting import paris_datetime, paris_today, plain_date
from app.meetings.quorum import quorum_status
from app.models import Attendance, AttendanceStatus, Membership, MembershipRole, RoleKind, Seat
from tests import ics_support
from tests.admin_factories import make_body as make_admin_body, make_organisation, make_person, seat
from tests.meeting_factories import add_member, make_body, make_meeting


def renew(membership: Membership, old_end: date, new_start: date) -> Membership:
    """The titulaire's mandate ends on ``old_end`` and a new one of the same person starts on ``new_start``."""
    membership.end_date = old_end
    renewed = Membership(person=membership.person, body=membership.body, title=membership.title,
                         seat=Seat.TITULAIRE, voting=True, start_date=new_start)
    db.session.add(renewed)
    db.session.flush()
    return renewed


def test_a_suppleant_still_fills_the_seat_of_a_titulaire_whose_mandate_was_renewed(app_context):
    """D.1432-44: a mandate is renewable. The suppléant recorded for the titulaire's first mandate sits in
    place of the same titulaire, renewed, and fills that seat (the quorum counts a member present)."""
    body = make_body()
    titulaire = add_member(body, "MARTIN")
    other = add_member(body, "BERNARD")
    substitute = add_member(body, "DURAND", seat=Seat.SUPPLEANT, substitute_for=titulaire)
    renew(titulaire, date(2019, 12, 31), date(2020, 1, 1))
    meeting = make_meeting(body, day=date(2020, 6, 4), convene=[titulaire, other, substitute])
    for position, (membership, status) in enumerate([(titulaire, AttendanceStatus.EXCUSED),
                                                      (other, AttendanceStatus.ABSENT),
                                                      (substitute, AttendanceStatus.PRESENT)], start=1):
        meeting.attendances.append(Attendance(person=membership.person, status=status, position=position,
                                              voting=membership.voting))
    db.session.commit()
    status = quorum_status(meeting)
    assert (status.voting_members, status.present) == (2, 1)
    assert status.reached


def edit_seat(client, membership: Membership, **overrides):
    form = {"title": membership.title, "college": "", "seat": membership.seat.value,
            "substitute_for_id": str(membership.substitute_for_id or 0), "voting": "",
            "start_date": membership.start_date.isoformat(),
            "end_date": membership.end_date.isoformat() if membership.end_date else ""}
    return client.post(f"/bodies/memberships/{membership.id}/edit", data={**form, **overrides})


def test_a_suppleant_cannot_stand_for_a_titulaire_outside_the_titulaires_mandate(secretariat_client):
    """A suppléant sits in place of their titulaire (D.1432-30): not from a day when the titulaire's
    mandate has ended. The error is French, on the field, and nothing is written."""
    organisation = make_organisation()
    body = make_admin_body(organisation)
    titulaire = seat(make_person(organisation, "Martin", "Anne"), body, "Titulaire", end=date(2020, 12, 31))
    substitute = seat(make_person(organisation, "Durand", "Paul"), body, "Suppléant", seat_kind=Seat.SUPPLEANT,
                      substitute_for=titulaire)
    response = edit_seat(secretariat_client, substitute, start_date="2021-03-01")
    assert response.status_code == 200
    assert ('<p id="substitute_for_id-erreurs" class="fr-error-text">Le mandat de Mme Anne MARTIN a pris fin le '
            '31/12/2020 : son suppléant ne peut siéger qu\'à des dates de ce mandat.</p>') in unescape(response.text)
    db.session.refresh(substitute)
    assert substitute.start_date == date(2020, 1, 1)


def president_and_titulaire():
    """A body whose titulaire Martin presides since 2020, and another titulaire, Bernard."""
    organisation = make_organisation()
    body = make_admin_body(organisation)
    president = seat(make_person(organisation, "Martin", "Anne"), body, "Présidente")
    other = seat(make_person(organisation, "Bernard", "Luc"), body, "Titulaire")
    db.session.add(MembershipRole(membership=president, kind=RoleKind.PRESIDENT, start_date=date(2020, 1, 1)))
    db.session.commit()
    return president, other


def test_a_president_cannot_become_a_suppleant(secretariat_client):
    """Only a titulaire presides (the role form refuses a suppléant): turning the president's seat into a
    suppléant's would leave a suppléant presiding, with the casting vote."""
    president, other = president_and_titulaire()
    response = edit_seat(secretariat_client, president, seat="suppleant", substitute_for_id=str(other.id))
    assert response.status_code == 200
    assert ('<p id="seat-erreurs" class="fr-error-text">Mme Anne MARTIN a été nommé(e) président(e) sur ce mandat : '
            'seul un membre titulaire peut l\'être. Supprimez d\'abord ce rôle, ou enregistrez un nouveau mandat '
            'de suppléant.</p>') in unescape(response.text)
    db.session.refresh(president)
    assert president.seat is Seat.TITULAIRE



@pytest.mark.parametrize("fraction, seats, words, required", [
    (0.505, 100, "au moins 50,5 %", 51),  # not « la moitié » (50): 50,5 % typed is 50,5 % applied
    (0.335, 200, "au moins 33,5 %", 67),  # not « le tiers » (67 too), said as typed
    (0.254, 1000, "au moins 25,4 %", 254),  # not « le quart » (250)
    (0.996, 250, "au moins 99,6 %", 249),  # not « la totalité » (250)
])
def test_a_share_close_to_a_named_one_is_not_taken_for_it(app_context, fraction, seats, words, required):
    """Only the usual decimal writing of a third (0,33, 0,333, 0,67…) stands for it; a share typed with more
    precision is applied and said as typed."""
    body = make_body(quorum_fraction=fraction)
    assert words in quorum_sentence(body, seats)
    assert body.quorum_required(seats) == required


def ics_meeting_in(days: int, delay: int):
    body = ics_support.make_body()
    body.convocation_days = delay
    return ics_support.make_meeting(body, paris_datetime(paris_today() + timedelta(days=days), 14),
                                    title="Séance de printemps")


def test_a_later_change_of_the_convocation_delay_does_not_make_a_sending_late(app_context, secretariat_client,
                                                                             inbox):
    """Convened at J-12 under a delay of 10 days: on time. The body's règlement later sets 15 days: the
    convocations sent under the old rule were not late, as the frozen compte rendu says."""
    meeting = ics_meeting_in(12, delay=10)
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations").status_code == 302
    meeting.body.convocation_days = 15
    db.session.commit()
    record = convocation_record(meeting)
    assert not record.late
    assert record.sentence == f"Convocations envoyées le {plain_date(paris_today())} (J-12)"


def test_a_later_change_of_the_convocation_delay_keeps_the_urgency_of_a_late_sending(app_context,
                                                                                    secretariat_client, inbox):
    meeting = ics_meeting_in(5, delay=10)
    reason = "Avis urgent demandé par le directeur général"
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations", data={"urgency": reason}).status_code == 302
    meeting.body.convocation_days = 5
    db.session.commit()
    assert convocation_record(meeting).sentence == (
        f"Convocations envoyées le {plain_date(paris_today())} (J-5), en deçà du délai de 10 jours ; "
        f"motif d'urgence : {reason}")


def test_a_suppleant_is_linked_to_a_titulaire_of_the_next_mandature_recorded_in_advance(secretariat_client):
    """The arrêté naming the next members comes before their mandates start: the secretariat records the new
    titulaire, then links their suppléant, both from the same future day."""
    organisation = make_organisation()
    body = make_admin_body(organisation)
    start = paris_today() + timedelta(days=30)
    titulaire = seat(make_person(organisation, "Martin", "Anne"), body, "Titulaire", start=start)
    substitute = make_person(organisation, "Durand", "Paul")
    form_page = unescape(secretariat_client.get(f"/bodies/{body.id}/members/new").text)
    assert "MARTIN Anne — Titulaire" in form_page
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        "person_id": str(substitute.id), "title": "Suppléant", "college": "", "seat": "suppleant",
        "substitute_for_id": str(titulaire.id), "voting": "", "start_date": start.isoformat(), "end_date": ""})
    assert response.status_code == 302, unescape(response.text)
    recorded = db.session.scalar(select(Membership).where(Membership.person_id == substitute.id))
    assert recorded.substitute_for == titulaire


def test_ending_the_presidents_mandate_ends_the_presidency_and_a_successor_can_be_named(secretariat_client):
    """A role ends with its mandate at the latest (the role form says so): ending the president's mandate
    ends the presidency that day, so that the next president can be named from the day after."""
    president, successor = president_and_titulaire()
    response = secretariat_client.post(f"/bodies/memberships/{president.id}/end", data={"end_date": "2020-12-31"})
    assert response.status_code == 302
    assert [role.end_date for role in president.roles] == [date(2020, 12, 31)]
    response = secretariat_client.post(f"/bodies/memberships/{successor.id}/roles/new",
                                       data={"kind": "president", "start_date": "2021-01-01", "end_date": ""})
    assert response.status_code == 302, unescape(response.text)


def test_a_mandate_cannot_end_before_one_of_its_roles_starts(secretariat_client):
    organisation = make_organisation()
    body = make_admin_body(organisation)
    member = seat(make_person(organisation, "Martin", "Anne"), body, "Titulaire")
    db.session.add(MembershipRole(membership=member, kind=RoleKind.RAPPORTEUR, start_date=date(2021, 3, 1)))
    db.session.commit()
    response = secretariat_client.post(f"/bodies/memberships/{member.id}/end", data={"end_date": "2020-12-31"})
    assert response.status_code == 200
    assert ('<p id="end_date-erreurs" class="fr-error-text">Le rôle de rapporteure commence le 01/03/2021, après '
            'cette date : modifiez-le ou supprimez-le d\'abord.</p>') in unescape(response.text)
    db.session.refresh(member)
    assert member.end_date is None


def test_the_rules_summary_of_one_day_and_one_absence_is_french(app_context):
    """The body page says the rules as set, in correct French, for the smallest values the form allows."""
    body = make_body(second_convocation_days=1, unexcused_absences_limit=1)
    lines = rules_summary(body)
    assert ("Quorum non atteint : seconde convocation dans un délai d'un jour, la séance se tenant alors quel que "
            "soit le nombre de présents.") in lines
    assert "Absences : un membre absent sans excuse à 1 séance peut être déclaré démissionnaire." in lines


def test_a_renewed_titulaire_has_no_more_suppleants_in_office_than_the_body_allows(secretariat_client):
    """The suppléants recorded for the titulaire's first mandate still stand for them once renewed: they
    count in the limit (2 for the CRSA, D.1432-30) when a suppléant is linked to the new mandate."""
    organisation = make_organisation()
    body = make_admin_body(organisation, max_substitutes_per_titulaire=1)
    person = make_person(organisation, "Martin", "Anne")
    first = seat(person, body, "Titulaire", end=date(2020, 12, 31))
    seat(make_person(organisation, "Durand", "Paul"), body, "Suppléant", seat_kind=Seat.SUPPLEANT,
         substitute_for=first)
    renewed = seat(person, body, "Titulaire", start=date(2021, 1, 1))
    newcomer = make_person(organisation, "Petit", "Luc")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        "person_id": str(newcomer.id), "title": "Suppléant", "college": "", "seat": "suppleant",
        "substitute_for_id": str(renewed.id), "voting": "", "start_date": "2021-01-01", "end_date": ""})
    assert response.status_code == 200
    assert "Mme Anne MARTIN a déjà 1 suppléant(s) en fonction (Mme Paul DURAND)" in unescape(response.text)
