"""Second convocation in one step (D.1432-50): a meeting whose quorum was not reached is convened again
within 8 days, same agenda and convened list, and then sits whatever the number present."""
from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from app.calendar.convocations import meeting_message
from app.documents.typography import french_typography
from app.extensions import db
from app.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Capacity,
    Civility,
    Invitation,
    InvitationResponse,
    MailKind,
    Meeting,
    Person,
)
from docx_reading import body_text, reopen
from tests.meeting_factories import add_member, make_body, make_meeting

NOTICE = "Seconde convocation : la séance se tient quel que soit le nombre de présents"


@pytest.fixture
def without_quorum(app_context):
    """The 4 June 2020 meeting of a 10-member body: 3 present, a guest convened; quorum (5) not reached."""
    body = make_body("Commission de test")
    members = [add_member(body, f"Membre{index}") for index in range(10)]
    meeting = make_meeting(body, place="ARS, Montpellier")
    meeting.agenda_items = [AgendaItem(position=1, title="Approbation du compte rendu"),
                            AgendaItem(position=2, title="Avis sur le projet régional de santé",
                                       description="Rapport de la commission")]
    guest = Person(organisation=body.organisation, civility=Civility.MR, last_name="Expert", first_name="Léo")
    meeting.invitations.append(Invitation(person=guest, capacity=Capacity.GUEST, title="Expert invité"))
    meeting.invitations[0].response = InvitationResponse.PRESENT
    for position, membership in enumerate(members, start=1):
        status = AttendanceStatus.PRESENT if position <= 3 else AttendanceStatus.EXCUSED
        meeting.attendances.append(Attendance(person=membership.person, status=status, position=position,
                                              voting=True))
    db.session.commit()
    return meeting


def meetings_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


def test_secretariat_reconvenes_a_meeting_without_quorum(secretariat_client, without_quorum):
    meeting = without_quorum
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert "Quorum non atteint : 3 membres sur 10 (5 requis)" in page
    assert f'href="/meetings/{meeting.id}/second-convocation">Reconvoquer</a>' in page
    form = secretariat_client.get(f"/meetings/{meeting.id}/second-convocation").text
    assert "au plus tard le <strong>vendredi 12 juin 2020</strong>" in form
    assert 'value="2020-06-11"' in form and 'value="14:00"' in form and 'value="ARS, Montpellier"' in form

    response = secretariat_client.post(f"/meetings/{meeting.id}/second-convocation", data={
        "day": "12/06/2020", "starts": "10:00", "ends": "12:00", "place": "Visioconférence", "visio_url": "",
        "a_posteriori": "y"})
    assert response.status_code == 302
    second = db.session.scalar(select(Meeting).where(Meeting.second_convocation_of_id == meeting.id))
    assert response.location.endswith(f"/meetings/{second.id}")
    assert second.title == "Séance plénière (seconde convocation)" and second.place == "Visioconférence"
    assert [(item.title, item.description) for item in second.agenda_items] == [
        ("Approbation du compte rendu", ""), ("Avis sur le projet régional de santé", "Rapport de la commission")]
    assert [(i.person_id, i.capacity, i.title, i.response) for i in second.invitations] == [
        (i.person_id, i.capacity, i.title, None) for i in meeting.invitations]
    assert second.sections  # the default round-table sections, as for any new meeting

    page = unescape(secretariat_client.get(response.location).text)
    assert "Seconde convocation planifiée le vendredi 12 juin 2020 ; 11 personne(s) convoquée(s)." in page
    assert (f"{NOTICE} (le quorum n'avait pas été atteint à la séance du jeudi 4 juin 2020).") in page
    sheet = secretariat_client.get(f"/meetings/{second.id}/attendance").text
    assert "Seconde convocation, aucun quorum requis : 0 membre sur 10" in sheet
    assert 'data-second-convocation="1"' in sheet and 'data-required="0"' in sheet

    # The first meeting now links to its second convocation, and cannot be reconvened twice.
    first = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert "Seconde convocation du vendredi 12 juin 2020" in first and ">Reconvoquer</a>" not in first
    again = secretariat_client.get(f"/meetings/{meeting.id}/second-convocation", follow_redirects=True)
    assert "Cette séance est déjà reconvoquée le vendredi 12 juin 2020." in unescape(again.text)


@pytest.mark.parametrize("day, message", [
    ("13/06/2020", "La seconde convocation se tient dans les 8 jours qui suivent la séance sans quorum : au plus "
                   "tard le vendredi 12 juin 2020."),
    ("03/06/2020", "La seconde convocation se tient après la séance du jeudi 4 juin 2020."),
])
def test_the_second_convocation_sits_within_the_bodys_delay(secretariat_client, without_quorum, day, message):
    before = meetings_count()
    response = secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": day, "starts": "10:00", "ends": "12:00", "place": "Salle 3", "a_posteriori": "y"})
    assert response.status_code == 422
    page = unescape(response.text)
    assert f'<p id="day-erreurs" class="fr-error-text">{message}</p>' in page
    assert 'value="Salle 3"' in page
    assert meetings_count() == before


def test_the_delay_is_a_setting_of_the_body(secretariat_client, without_quorum):
    without_quorum.body.second_convocation_days = 15
    db.session.commit()
    response = secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": "18/06/2020", "starts": "10:00", "ends": "12:00", "a_posteriori": "y"})
    assert response.status_code == 302


def test_a_delay_of_one_day_reads_in_french(secretariat_client, without_quorum):
    without_quorum.body.second_convocation_days = 1
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{without_quorum.id}/second-convocation").text
    assert "dans un délai d&#39;un jour, au plus tard" in page or "dans un délai d'un jour, au plus tard" in page
    assert "dans les 1 jours" not in page


@pytest.mark.parametrize("change, message", [
    ("reached", "Le quorum a été atteint à cette séance : elle n'a pas à être reconvoquée."),
    ("nothing recorded", "Enregistrez d'abord la feuille de présence"),
    ("cancelled", "Cette séance est annulée"),
])
def test_only_a_meeting_without_quorum_is_reconvened(secretariat_client, without_quorum, change, message):
    meeting = without_quorum
    if change == "reached":
        for attendance in meeting.attendances[3:5]:
            attendance.status = AttendanceStatus.PRESENT
    elif change == "nothing recorded":
        meeting.attendances = []
    else:
        from app.models import MeetingStatus
        meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert ">Reconvoquer</a>" not in page
    response = secretariat_client.post(f"/meetings/{meeting.id}/second-convocation", data={
        "day": "10/06/2020", "starts": "10:00", "ends": "12:00"}, follow_redirects=True)
    assert message in unescape(response.text)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_a_second_convocation_is_not_reconvened(secretariat_client, without_quorum):
    second = make_meeting(without_quorum.body, day=date(2020, 6, 11), second_convocation_of_id=without_quorum.id)
    response = secretariat_client.get(f"/meetings/{second.id}/second-convocation", follow_redirects=True)
    assert "Cette séance est déjà une seconde convocation" in unescape(response.text)


def test_its_convocation_e_mail_and_its_compte_rendu_say_it(secretariat_client, without_quorum):
    secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": "11/06/2020", "starts": "10:00", "ends": "12:00", "a_posteriori": "y"})
    second = db.session.scalar(select(Meeting).where(Meeting.second_convocation_of_id == without_quorum.id))
    invitation = second.invitations[0]
    invitation.person.email = "membre0@example.fr"
    db.session.commit()
    message = meeting_message(second, invitation.person, invitation, MailKind.CONVOCATION)
    notice = f"{NOTICE} (le quorum n'avait pas été atteint à la séance du jeudi 4 juin 2020)."
    assert notice in message.get_body(preferencelist=("plain",)).get_content()
    assert notice in unescape(message.get_body(preferencelist=("html",)).get_content())

    second.attendances = [Attendance(person=second.invitations[0].person, status=AttendanceStatus.PRESENT,
                                     position=1, voting=True)]
    db.session.commit()
    text = body_text(reopen(secretariat_client.get(f"/meetings/{second.id}/minutes.docx").data))
    assert french_typography(notice) in text  # the documents apply the French typography
    assert french_typography("Sur seconde convocation, l'instance délibère valablement quel que soit le nombre de "
                             "présents (1 membre présent ou représenté sur 10).") in text


def test_members_cannot_reconvene(app, without_quorum):
    from tests.conftest import create_user, log_in
    from app.models import Role

    member = log_in(app.test_client(), create_user(Role.MEMBER, person=without_quorum.invitations[0].person))
    assert member.get(f"/meetings/{without_quorum.id}/second-convocation").status_code == 403
    assert ">Reconvoquer</a>" not in member.get(f"/meetings/{without_quorum.id}").text


def test_a_second_convocation_in_the_past_needs_saisie_a_posteriori(secretariat_client, without_quorum):
    """The same rule as the planning forms: a meeting in the past only when entering history."""
    before = meetings_count()
    response = secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": "11/06/2020", "starts": "10:00", "ends": "12:00", "place": "Salle 3"})
    assert response.status_code == 422
    assert ('<p id="day-erreurs" class="fr-error-text">Le 11/06/2020 est passé : pour enregistrer une séance déjà '
            'tenue, cochez « Saisie a posteriori ».</p>') in unescape(response.text)
    assert 'value="Salle 3"' in response.text and 'name="a_posteriori"' in response.text
    assert meetings_count() == before
    # Ticked, a date before the first meeting is still refused, on the date field.
    response = secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": "03/06/2020", "starts": "10:00", "ends": "12:00", "a_posteriori": "y"})
    assert "La seconde convocation se tient après la séance du jeudi 4 juin 2020." in unescape(response.text)
    assert meetings_count() == before


def test_a_second_convocation_of_a_meeting_held_today_is_planned_ahead(secretariat_client, without_quorum):
    from datetime import datetime, timedelta

    from app.formatting import paris_datetime, to_paris
    from app.models import utc_now

    today = to_paris(utc_now()).date()
    without_quorum.starts_at = paris_datetime(today, 0)
    without_quorum.ends_at = without_quorum.starts_at + timedelta(minutes=30)
    db.session.commit()
    tomorrow = today + timedelta(days=1)
    response = secretariat_client.post(f"/meetings/{without_quorum.id}/second-convocation", data={
        "day": tomorrow.isoformat(), "starts": "10:00", "ends": "12:00"})
    assert response.status_code == 302
    second = db.session.scalar(select(Meeting).where(Meeting.second_convocation_of_id == without_quorum.id))
    assert to_paris(second.starts_at).date() == tomorrow and isinstance(second.starts_at, datetime)
