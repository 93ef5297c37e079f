"""Privacy and isolation between ARS and between members, found by an audit: each test is a defect that was
shown first, then fixed."""
from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from app.calendar.answers import make_answer_token
from app.extensions import db
from app.models import Attendance, AttendanceStatus, Capacity, Deadline, DeadlineKind, Invitation, Role, utc_now
from app.models.dossier import MeetingDocument
from tests.conftest import create_user, log_in
from tests.dossier_files import PDF, upload
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_votes_consultation import crsa, links_by_address, open_one


# -- dossier de séance ----------------------------------------------------------------------------

def test_a_member_cannot_download_a_replaced_version_of_a_dossier_document(app, secretariat_client):
    """« Remplacée » versions stay the secretariat's (a file replaced because it held what members must not
    read): a member changing the version's number in the URL gets a 404, the current one still downloads."""
    body = make_body("CRSA du dossier")
    membership = add_member(body, "Arnaud")
    meeting = make_meeting(body, day=date.today() + timedelta(days=30))
    assert upload(secretariat_client, meeting.id, PDF + b"% liste nominative\n", "budget.pdf",
                  title="Budget").status_code == 302
    document = db.session.scalar(select(MeetingDocument))
    secretariat_client.post(f"/dossier/documents/{document.id}/publish")
    replaced = secretariat_client.post(f"/dossier/documents/{document.id}/version",
                                       data={"file": (io.BytesIO(PDF), "budget.pdf")},
                                       content_type="multipart/form-data")
    assert replaced.status_code == 302
    db.session.expire_all()
    first, second = document.versions
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))
    assert member.get(f"/dossier/versions/{second.id}").data == PDF
    assert member.get(f"/dossier/versions/{first.id}").status_code == 404
    assert secretariat_client.get(f"/dossier/versions/{first.id}").status_code == 200  # staff keep it


# -- written consultations -------------------------------------------------------------------------

def test_a_consultation_reminder_goes_neither_to_a_deleted_person_nor_to_a_former_member(app, secretariat_client,
                                                                                          inbox):
    """« Relancer » reminds the members who may still answer: not a person deleted since (she left every list),
    nor a titulaire whose mandate ended (her link is refused): neither receives the question again."""
    body, members = crsa()
    consultation = open_one(secretariat_client, body)
    assert len(links_by_address(inbox)) == 4
    assert secretariat_client.post(f"/people/{members[1].person_id}/delete").status_code == 302
    members[2].end_date = date.today() - timedelta(days=1)
    db.session.commit()
    inbox.messages.clear()
    assert secretariat_client.post(f"/consultations/{consultation.id}/remind").status_code == 302
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == ["membre0@example.fr", "membre3@example.fr"]


# -- « Mes séances » -------------------------------------------------------------------------------

def test_mes_seances_drops_the_meetings_of_a_body_once_the_mandate_ended(app, app_context):
    """Ending a mandate, today included, closes the body's pages and feeds at once: « Mes séances » must not
    keep showing its meetings (place, visio link, ordre du jour, dossier), convened or attended as a member."""
    cts = make_body("CTS de l'Hérault")
    membership = add_member(cts, "Ancienne")
    coming = make_meeting(cts, day=date.today() + timedelta(days=10), title="Séance de rentrée",
                          visio_url="https://visio.example.fr/cts-secret")
    held = make_meeting(cts, day=date(2020, 5, 28), title="Séance du printemps")
    held.attendances.append(Attendance(person=membership.person, status=AttendanceStatus.PRESENT, position=1,
                                       voting=True))
    membership.end_date = date.today()
    db.session.commit()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))
    assert member.get(f"/meetings/{coming.id}").status_code == 403
    page = member.get("/mes-seances").text
    for shown in ("Séance de rentrée", "https://visio.example.fr/cts-secret", "Séance du printemps"):
        assert shown not in page, shown



# -- e-mails of a meeting -------------------------------------------------------------------------

def test_a_member_whose_mandate_ended_gets_neither_the_update_nor_the_reminder_of_the_bodys_meeting(
        app, secretariat_client, inbox):
    """Convened while in office, then the mandate ends (today included): the body's pages, feeds and dossier
    links close at once, and so must its e-mails — the update and the reminder carry the place, the visio link
    and the dossier's links. Those still in office get them."""
    body = make_body("CTS de l'Hérault", reminder_days=3)
    staying, leaving = add_member(body, "Reste"), add_member(body, "Partie")
    staying.person.email, leaving.person.email = "reste@example.fr", "partie@example.fr"
    meeting = make_meeting(body, day=date.today() + timedelta(days=2), place="Montpellier")
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations",
                                   data={"urgency": "Avis à rendre avant la fin du mois."}).status_code == 302
    assert len(inbox.to("partie@example.fr")) == 1  # convened while in office
    leaving.end_date = date.today()
    meeting.visio_url = "https://visio.example.fr/cts-secret"
    db.session.commit()
    inbox.messages.clear()
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations",
                                   data={"urgency": "Avis à rendre avant la fin du mois."}).status_code == 302
    assert app.test_cli_runner().invoke(args=["send-reminders"]).exit_code == 0
    assert [message["Subject"].split(" :")[0] for message in inbox.to("reste@example.fr")] == ["Modification", "Rappel"]
    assert inbox.to("partie@example.fr") == []
    for page in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/convocations"):  # said before sending too
        text = secretariat_client.get(page).text
        assert "Mandat terminé, plus de courriel" in text and "Mme Anne PARTIE" in text, page


def test_a_member_whose_mandate_ended_gets_no_reminder_of_the_bodys_deadlines(app, app_context, inbox):
    """An échéance is reminded to those convened to the meeting that set it: not to a member who has left the
    body since (the body's feed already leaves its deadlines out for them)."""
    body = make_body("CTS de l'Hérault", reminder_days=3)
    staying, leaving = add_member(body, "Reste"), add_member(body, "Partie")
    staying.person.email, leaving.person.email = "reste@example.fr", "partie@example.fr"
    meeting = make_meeting(body, day=date(2026, 1, 8), title="Séance de janvier")
    meeting.deadlines = [Deadline(position=1, kind=DeadlineKind.DUE_DATE, title="Contributions attendues",
                                  due_date=date.today() + timedelta(days=2))]
    leaving.end_date = date.today() - timedelta(days=1)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["send-reminders"]).exit_code == 0
    assert [message["Subject"][:30] for message in inbox.to("reste@example.fr")] == ["Rappel : Contributions attendu"]
    assert inbox.to("partie@example.fr") == []


def test_mes_seances_is_empty_once_the_person_is_deleted(app, app_context, secretariat_client):
    """« Supprimer la personne » takes her off every agenda (her personal feed stops): an account still linked to
    her must not keep reading, on « Mes séances », the meetings she was invited to (place, visio link)."""
    body = make_body("CRSA de test")
    guest = add_member(make_body("CTS 34"), "Invitée")
    meeting = make_meeting(body, day=date.today() + timedelta(days=8), title="Plénière ouverte",
                           visio_url="https://visio.example.fr/pleniere", convene=[])
    meeting.invitations.append(Invitation(person=guest.person, capacity=Capacity.GUEST))
    db.session.commit()
    account = log_in(app.test_client(), create_user(Role.MEMBER, person=guest.person))
    assert "Plénière ouverte" in account.get("/mes-seances").text
    assert secretariat_client.post(f"/people/{guest.person_id}/delete").status_code == 302
    page = account.get("/mes-seances").text
    assert "Plénière ouverte" not in page and "https://visio.example.fr/pleniere" not in page


def test_the_answer_link_of_a_member_whose_mandate_ended_or_who_was_deleted_answers_nothing(app, app_context):
    """The links of a convocation stop with the mandate (and with the person, deleted), as its dossier links do:
    the page no longer shows the meeting, and no answer (« présent », a suppléant convened in one's place) is
    recorded."""
    body = make_body("CTS de l'Hérault")
    leaving, deleted = add_member(body, "Partie"), add_member(body, "Supprimée")
    meeting = make_meeting(body, day=date.today() + timedelta(days=10), place="Salle du conseil, Montpellier")
    links = [f"/reponse/{make_answer_token(invitation)}" for invitation in meeting.invitations]
    anonymous = app.test_client()
    assert [anonymous.get(link).status_code for link in links] == [200, 200]
    leaving.end_date = date.today()
    deleted.person.deleted_at = utc_now()
    db.session.commit()
    for link, status in zip(links, (410, 404)):
        page = anonymous.get(link)
        assert page.status_code == status and "Salle du conseil" not in page.text
        assert anonymous.post(link, data={"response": "present"}).status_code == status
    db.session.expire_all()
    assert [db.session.get(Invitation, invitation.id).response for invitation in meeting.invitations] == [None, None]
