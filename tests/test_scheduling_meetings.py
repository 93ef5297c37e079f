"""The secretariat schedules meetings: one, a series, edits one, cancels one, edits the convened list."""
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.meetings.defaults import DEFAULT_AGENDA_ITEM, DEFAULT_SECTION_TITLES
from app.models import Capacity, Invitation, Meeting, MeetingStatus, Seat
from tests.admin_factories import make_body, make_organisation, make_person, seat


@pytest.fixture
def body(app_context):
    """A working group with two current members, one former member and a suppléant."""
    organisation = make_organisation()
    group = make_body(organisation, "Groupe de travail CRSA COVID")
    president = seat(make_person(organisation, "Marchand", "Laurent"), group, "Président de la CRSA")
    seat(make_person(organisation, "Bertrand", "Maurice"), group, "Président URPS Médecins")
    seat(make_person(organisation, "Ancien", "Membre"), group, "Ancien", end=date(2020, 5, 1))
    seat(make_person(organisation, "Fabre", "Claire"), group, "URPS Médecins", seat_kind=Seat.SUPPLEANT,
         substitute_for=president)
    return group


def meeting_form(**overrides):
    """A meeting of June 2020: entered as history (« saisie a posteriori » ticked) unless overridden."""
    form = {"a_posteriori": "y", "title": "Réunion du groupe de travail", "day": "2020-06-09", "starts": "10:30", "ends": "12:30",
            "place": "Visioconférence", "visio_url": "https://visio.example.fr/gt", "context": "Le Ségur",
            "working_method": "Élargissement", "agenda": f"{DEFAULT_AGENDA_ITEM}\nTour de table\n\n- Prochaines échéances"}
    return {**form, **overrides}


def test_secretariat_creates_a_meeting_convening_the_current_members(secretariat_client, body):
    page = secretariat_client.get(f"/bodies/{body.id}/meetings/new").text
    assert DEFAULT_AGENDA_ITEM in page and 'type="date"' in page and 'type="time"' in page
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    # 10:30 in Paris in June is 08:30 UTC
    assert meeting.starts_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc)
    assert meeting.ends_at == datetime(2020, 6, 9, 10, 30, tzinfo=timezone.utc)
    assert (meeting.place, meeting.visio_url, meeting.context) == (
        "Visioconférence", "https://visio.example.fr/gt", "Le Ségur")
    assert [item.title for item in meeting.agenda_items] == [DEFAULT_AGENDA_ITEM, "Tour de table",
                                                             "Prochaines échéances"]
    assert sorted((i.person.last_name, i.title, i.capacity) for i in meeting.invitations) == [
        ("Bertrand", "Président URPS Médecins", Capacity.MEMBER), ("Fabre", "URPS Médecins", Capacity.MEMBER),
        ("Marchand", "Président de la CRSA", Capacity.MEMBER)]
    assert [section.title for section in meeting.sections] == list(DEFAULT_SECTION_TITLES)
    page = secretariat_client.get(response.headers["Location"]).text
    assert "mardi 9 juin 2020" in page and "3 personne(s) convoquée(s)" in page
    assert "Modifier la séance" in page and "Annuler la séance" in page


def test_a_planning_form_posted_twice_creates_one_meeting(secretariat_client, body):
    """Back, then submit again: the form's token finds the meeting already created."""
    first_page, second_page = (secretariat_client.get(f"/bodies/{body.id}/meetings/new").text for _ in range(2))
    token = re.search(r'name="creation_token" type="hidden" value="([^"]+)"', first_page).group(1)
    assert token not in second_page, "each form shown has its own token"
    form = meeting_form(creation_token=token)
    created = secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=form)
    again = secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=form)
    assert created.status_code == again.status_code == 302 and again.location == created.location
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    assert db.session.scalar(select(Meeting.creation_token)) == token
    page = secretariat_client.get(again.location).text
    assert "Ce formulaire avait déjà été envoyé : la séance du mardi 9 juin 2020 est planifiée une seule fois." in page
    other = secretariat_client.post(f"/bodies/{body.id}/meetings/new",
                                    data=meeting_form(creation_token=re.search(
                                        r'name="creation_token" type="hidden" value="([^"]+)"', second_page).group(1)))
    assert other.status_code == 302 and other.location != created.location  # another form: another meeting
    assert db.session.scalar(select(func.count(Meeting.id))) == 2


def test_a_series_form_posted_twice_creates_the_series_once(secretariat_client, body):
    """The same token as the planning form, kept on the first meeting of the series."""
    first_page, second_page = (secretariat_client.get(f"/bodies/{body.id}/meetings/series").text for _ in range(2))
    token = re.search(r'name="creation_token" type="hidden" value="([^"]+)"', first_page).group(1)
    assert token not in second_page, "each form shown has its own token"
    series = {**meeting_form(), "creation_token": token,
              "occurrences": "09/06/2020 10:30-12:30\n16/06/2020 10:30-12:30\n23/06/2020 10:30-12:30"}
    created = secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series)
    again = secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series)
    assert created.status_code == again.status_code == 302 and again.location == created.location
    assert db.session.scalar(select(func.count(Meeting.id))) == 3
    first = db.session.scalar(select(Meeting).order_by(Meeting.starts_at).limit(1))
    assert first.creation_token == token
    page = secretariat_client.get(again.location).text
    assert ("Ce formulaire avait déjà été envoyé : la série commençant le mardi 9 juin 2020 est planifiée "
            "une seule fois.") in page
    # The first meeting deleted since: posting again still creates nothing.
    first.deleted_at = first.starts_at
    db.session.commit()
    assert secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series).status_code == 302
    assert db.session.scalar(select(func.count(Meeting.id))) == 3
    other_token = re.search(r'name="creation_token" type="hidden" value="([^"]+)"', second_page).group(1)
    assert secretariat_client.post(f"/bodies/{body.id}/meetings/series",
                                   data={**series, "creation_token": other_token}).status_code == 302
    assert db.session.scalar(select(func.count(Meeting.id))) == 6  # another form: another series


def test_meeting_ending_before_it_starts_is_refused_with_the_input_kept(secretariat_client, body):
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/new",
                                       data=meeting_form(starts="14:00", ends="12:00", place="Salle Ségur"))
    assert response.status_code == 200
    assert "L&#39;heure de fin doit être après l&#39;heure de début." in response.text
    assert 'id="ends-erreurs"' in response.text and 'value="Salle Ségur"' in response.text
    assert 'aria-describedby="ends-aide ends-erreurs"' in response.text and '="None"' not in response.text
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form(day="31/02/2020"))
    assert "Date invalide : saisissez-la au format JJ/MM/AAAA." in response.text
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/new",
                                       data=meeting_form(visio_url="javascript://visio.example.fr/%0Aalert(1)"))
    assert "Saisissez une adresse complète, commençant par https://." in response.text
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_a_meeting_in_the_past_needs_saisie_a_posteriori(secretariat_client, body):
    past = {key: value for key, value in meeting_form(place="Salle Ségur").items() if key != "a_posteriori"}
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=past)
    assert response.status_code == 200
    assert ('<p id="day-erreurs" class="fr-error-text">Le 09/06/2020 est passé : pour enregistrer une séance '
            'déjà tenue, cochez « Saisie a posteriori ».</p>') in response.text
    assert 'value="Salle Ségur"' in response.text and 'name="a_posteriori"' in response.text
    series = secretariat_client.post(f"/bodies/{body.id}/meetings/series",
                                     data={**past, "occurrences": "09/06/2030 10:30-12:30\n16/06/2020 10:30-12:30"})
    assert "Le 16/06/2020 est passé" in series.text
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    today = datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Paris"))
    upcoming = {**past, "day": f"{today.year + 1}-06-09"}
    assert secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=upcoming).status_code == 302
    assert secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form()).status_code == 302
    # A past meeting keeps its date and time without the box ticked: its other fields stay editable.
    held = db.session.scalar(select(Meeting).order_by(Meeting.starts_at).limit(1))
    kept = {**past, "title": "Réunion (corrigée)", "version": str(held.version)}
    assert secretariat_client.post(f"/meetings/{held.id}/edit", data=kept).status_code == 302
    moved = secretariat_client.post(f"/meetings/{held.id}/edit", data={**kept, "day": "2020-06-10",
                                                                       "version": str(held.version)})
    assert "Le 10/06/2020 est passé" in moved.text
    db.session.refresh(held)
    assert held.title == "Réunion (corrigée)" and held.starts_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc)


def test_secretariat_creates_a_series_of_three_tuesdays(secretariat_client, body):
    series = {**meeting_form(), "occurrences": "09/06/2020 10:30-12:30\n16/06/2020 14h30-16h30\n\n23/06/2020 11:00-13:00"}
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series)
    assert response.status_code == 302
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.starts_at for m in meetings] == [
        datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc), datetime(2020, 6, 16, 12, 30, tzinfo=timezone.utc),
        datetime(2020, 6, 23, 9, 0, tzinfo=timezone.utc)]
    assert all(len(m.invitations) == 3 and len(m.sections) == 4 and len(m.agenda_items) == 3 for m in meetings)
    assert len({m.ical_uid for m in meetings}) == 3
    # each occurrence is then edited alone
    second = meetings[1]
    form = meeting_form(day="2020-06-17", starts="15:00", ends="17:00", agenda="Tour de table\n" + DEFAULT_AGENDA_ITEM,
                        version=str(second.version))
    assert secretariat_client.post(f"/meetings/{second.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert second.starts_at == datetime(2020, 6, 17, 13, 0, tzinfo=timezone.utc)
    assert [item.title for item in second.agenda_items] == ["Tour de table", DEFAULT_AGENDA_ITEM]
    assert meetings[0].starts_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc)
    assert second.ical_sequence == 1 and meetings[0].ical_sequence == 0


def test_series_lines_in_error_are_reported_and_nothing_is_created(secretariat_client, body):
    series = {**meeting_form(), "occurrences": "09/06/2020 10:30-12:30\nmardi prochain\n23/06/2020 13:00-11:00"}
    response = secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series)
    assert response.status_code == 200
    assert "Ligne 2 : « mardi prochain » ne suit pas le format JJ/MM/AAAA HH:MM-HH:MM." in response.text
    assert "Ligne 3 : l&#39;heure de fin doit être après l&#39;heure de début." in response.text
    assert "mardi prochain" in response.text.split("<textarea")[1]
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_edit_form_shows_the_paris_times_and_refuses_a_stale_version(secretariat_client, body):
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))
    page = secretariat_client.get(f"/meetings/{meeting.id}/edit").text
    assert 'value="10:30"' in page and 'value="2020-06-09"' in page
    response = secretariat_client.post(f"/meetings/{meeting.id}/edit",
                                       data=meeting_form(title="Autre titre", version=str(meeting.version - 1 or 99)))
    assert response.status_code == 409 and "Quelqu&#39;un a modifié cette séance" in response.text
    db.session.refresh(meeting)
    assert meeting.title == "Réunion du groupe de travail"
    # the typed text is kept, and saving again (knowingly) is now possible
    assert 'value="Autre titre"' in response.text
    assert f'name="version" type="hidden" value="{meeting.version}"' in response.text


def test_secretariat_cancels_a_meeting_which_is_kept(secretariat_client, body):
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))
    assert "Oui, annuler la séance" in secretariat_client.get(f"/meetings/{meeting.id}/cancel").text
    assert meeting.status is MeetingStatus.PLANNED
    response = secretariat_client.post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.CANCELLED and meeting.deleted_at is None
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert "Séance annulée" in page and "Annuler la séance</a>" not in page and "Rétablir la séance</a>" in page
    assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302  # already: nothing changes
    assert "Cette séance est déjà annulée" in secretariat_client.get(f"/meetings/{meeting.id}").text


def test_secretariat_restores_a_cancelled_meeting(secretariat_client, body):
    """Restored: planned again, or held if it is over; calendars get a new version of the event."""
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))  # 9 June 2020: over
    secretariat_client.post(f"/meetings/{meeting.id}/cancel")
    assert "La séance redevient tenue" in secretariat_client.get(f"/meetings/{meeting.id}/restore").text
    response = secretariat_client.post(f"/meetings/{meeting.id}/restore", follow_redirects=True)
    assert "est rétablie" in response.text and "Annuler la séance</a>" in response.text
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.HELD and meeting.ical_sequence == 2
    secretariat_client.post(f"/meetings/{meeting.id}/restore")
    assert "Cette séance n&#39;est pas annulée" in secretariat_client.get(f"/meetings/{meeting.id}").text


def test_secretariat_edits_the_convened_list(secretariat_client, body):
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))
    guest = make_person(body.organisation, "Expert", "Invitée")
    staff = make_person(body.organisation, "Le Roux", "Céline")
    page = secretariat_client.get(f"/meetings/{meeting.id}/convened").text
    assert "MARCHAND Laurent" in page and "EXPERT Invitée" in page
    for person, capacity, title in ((guest, "guest", "Experte"), (staff, "ars_staff", "Assistante Démocratie Sanitaire")):
        response = secretariat_client.post(f"/meetings/{meeting.id}/convened",
                                           data={"person_id": str(person.id), "capacity": capacity, "title": title})
        assert response.status_code == 302
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened",
                                       data={"person_id": str(guest.id), "capacity": "guest", "title": ""})
    assert response.status_code == 200 and "N&#39;est pas un choix valide." in response.text  # already convened
    invitations = {i.person.last_name: i for i in db.session.scalars(select(Invitation))}
    assert invitations["Expert"].capacity is Capacity.GUEST and invitations["Expert"].title == "Experte"
    assert invitations["Le Roux"].capacity is Capacity.ARS_STAFF
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitations['Bertrand'].id}/remove")
    assert response.status_code == 302
    remaining = set(db.session.scalars(select(Invitation.person_id)))
    assert invitations["Bertrand"].person_id not in remaining and len(remaining) == 4


def test_a_guest_seen_for_the_first_time_is_convened_in_one_step(secretariat_client, body):
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))
    new_guest = {"person_id": "0", "new_civility": "Mme", "new_first_name": "Marie-Pierre",
                 "new_last_name": "Battisti", "new_email": "", "new_affiliation": "ARS Occitanie",
                 "capacity": "ars_staff", "title": "Directrice déléguée"}
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened", data={**new_guest, "new_last_name": ""})
    assert response.status_code == 200
    assert "Choisissez une personne ou saisissez le nom d&#39;une nouvelle personne." in response.text
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened",
                                       data={**new_guest, "new_email": "laurent.marchand@test.example.fr"})
    assert "Une personne a déjà cette adresse : choisissez-la dans la liste." in response.text
    assert 'value="Marie-Pierre"' in response.text
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened", data=new_guest).status_code == 302
    invitation = db.session.scalar(select(Invitation).where(Invitation.capacity == Capacity.ARS_STAFF))
    assert invitation.person.formal_name == "Mme BATTISTI Marie-Pierre"
    assert invitation.person.affiliation == "ARS Occitanie" and invitation.title == "Directrice déléguée"


def test_members_who_joined_after_scheduling_are_convened_on_request(secretariat_client, body):
    secretariat_client.post(f"/bodies/{body.id}/meetings/new", data=meeting_form())
    meeting = db.session.scalar(select(Meeting))
    newcomer = seat(make_person(body.organisation, "Nouvelle", "Arrivée"), body, "Représentante des usagers")
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/members").status_code == 302
    invitation = db.session.scalar(select(Invitation).where(Invitation.person_id == newcomer.person_id))
    assert invitation.title == "Représentante des usagers" and invitation.capacity is Capacity.MEMBER
    secretariat_client.post(f"/meetings/{meeting.id}/convened/members")
    assert db.session.scalar(select(func.count(Invitation.id))) == 4
    assert "Tous les membres sont déjà convoqués." in secretariat_client.get(f"/meetings/{meeting.id}/convened").text


def test_paris_wall_clock_times_follow_daylight_saving(secretariat_client, body):
    series = {**meeting_form(), "occurrences": "12/01/2021 10:30-12:00\n13/07/2021 10:30-12:00"}
    assert secretariat_client.post(f"/bodies/{body.id}/meetings/series", data=series).status_code == 302
    winter, summer = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert winter.starts_at == datetime(2021, 1, 12, 9, 30, tzinfo=timezone.utc)  # UTC+1
    assert summer.starts_at == datetime(2021, 7, 13, 8, 30, tzinfo=timezone.utc)  # UTC+2
    assert 'value="10:30"' in secretariat_client.get(f"/meetings/{winter.id}/edit").text
