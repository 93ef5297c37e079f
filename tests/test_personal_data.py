"""Everything held about a person, exported as JSON; anonymising a person who left, following the
retention rule for validated minutes (ANONYMISE_MINUTES_AFTER_YEARS); both logged in the audit trail."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from app.documents.workflow import validate_minutes
from app.dossier.domain import add_document, record_receipts
from app.dossier.files import FileType
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    AuditEvent,
    Meeting,
    Person,
    Role,
    RoundTablePoint,
    RoundTableSection,
    User,
)
from tests.conftest import create_user, log_in
from tests.docx_reading import body_text, reopen
from tests.meeting_factories import add_member, make_body, make_meeting


@pytest.fixture
def leaver(app_context):
    """Mme Anne DUPONTEL, member with an account, present at a 2010 and a 2024 meeting whose minutes are
    validated; she spoke a point in 2024 and downloaded its « Note de cadrage »."""
    body = make_body("Commission de test")
    membership = add_member(body, "Dupontel", title="Représentante des usagers")
    other = add_member(body, "Martin")
    person = membership.person
    person.email = "anne.dupontel@example.fr"
    account = create_user(Role.MEMBER, email="anne.dupontel@example.fr", person=person)
    secretary = create_user(Role.SECRETARIAT)
    meetings = []
    for day in (date(2010, 3, 4), date(2024, 3, 4)):
        meeting = make_meeting(body, day=day, title=f"Séance de {day.year}")
        for position, member in enumerate((membership, other), start=1):
            meeting.attendances.append(Attendance(person=member.person, status=AttendanceStatus.PRESENT,
                                                  title=member.title, voting=True, position=position))
        meetings.append(meeting)
    section = RoundTableSection(meeting=meetings[1], position=1, title="Points forts relevés")
    db.session.add(RoundTablePoint(section=section, position=1, text="Le bilan est positif", speaker=person))
    note = add_document(meetings[1], title="Note de cadrage", agenda_item=None, presented_at_meeting=False,
                        stream=io.BytesIO(b"%PDF-1.4 note"), filename="note.pdf",
                        file_type=FileType("application/pdf", "pdf"), user=secretary)
    db.session.commit()
    record_receipts(note.versions, person.id)
    for meeting in meetings:
        validate_minutes(meeting, secretary)
    db.session.commit()
    return person, account, meetings


def minutes_text(meeting: Meeting) -> str:
    db.session.expire_all()
    return body_text(reopen(db.session.get(Meeting, meeting.id).minutes.document))


def test_export_person_writes_everything_held_about_them(app, leaver, tmp_path):
    person, account, meetings = leaver
    target = tmp_path / "personne.json"
    result = app.test_cli_runner().invoke(args=["export-person", str(person.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["person"]["last_name"] == "Dupontel" and data["person"]["email"] == "anne.dupontel@example.fr"
    assert [m["body"] for m in data["memberships"]] == ["Commission de test"]
    assert sorted(i["meeting"]["title"] for i in data["invitations"]) == ["Séance de 2010", "Séance de 2024"]
    assert {a["status"] for a in data["attendances"]} == {"present"}
    assert [p["text"] for p in data["points_spoken"]] == ["Le bilan est positif"]
    assert [(r["document"], r["version"], r["meeting"]["title"]) for r in data["document_receipts"]] == [
        ("Note de cadrage", 1, "Séance de 2024")]
    assert data["account"]["email"] == "anne.dupontel@example.fr" and "password_hash" not in data["account"]
    assert "pbkdf2" not in target.read_text() and "scrypt" not in target.read_text()
    assert "created" in [event["action"] for event in data["audit_events"]]
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exported")).all()
    assert [(e.entity_type, e.entity_id, e.user_email) for e in logged] == [("Person", person.id, "ligne de commande")]


def test_export_of_an_unknown_person_fails_in_french(app, app_context, tmp_path):
    result = app.test_cli_runner().invoke(args=["export-person", "999999", "-o", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "Aucune personne n°999999" in result.output
    assert not (tmp_path / "x.json").exists()


def test_staff_download_the_export_from_the_person_page(app, leaver, secretariat_client):
    person, account, _ = leaver
    assert "Données personnelles" in secretariat_client.get(f"/people/{person.id}/edit").text
    assert "Exporter en JSON" in secretariat_client.get(f"/people/{person.id}/data").text
    response = secretariat_client.post(f"/people/{person.id}/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f'filename="personne-{person.id}.json"' in response.headers["Content-Disposition"]
    assert response.get_json()["person"]["id"] == person.id
    member = log_in(app.test_client(), account)
    assert member.post(f"/people/{person.id}/data.json").status_code == 403


def test_admin_anonymises_a_person_following_the_retention_rule(app, leaver, admin_client, secretariat_client):
    person, account, (old, recent) = leaver
    assert "Anonymiser" not in secretariat_client.get(f"/people/{person.id}/data").text
    assert secretariat_client.post(f"/people/{person.id}/anonymise").status_code == 403
    assert "DUPONTEL" in minutes_text(old) and "DUPONTEL" in minutes_text(recent)
    assert admin_client.post(f"/people/{person.id}/anonymise").status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.last_name == f"Personne anonymisée n°{person.id}" and person.first_name == ""
    assert person.email is None
    account = db.session.get(User, account.id)
    assert account.person_id is None and not account.active and "dupontel" not in account.email
    # Older than ANONYMISE_MINUTES_AFTER_YEARS (10): the validated minutes are rebuilt without the name.
    assert "DUPONTEL" not in minutes_text(old) and f"PERSONNE ANONYMISÉE N°{person.id}" in minutes_text(old)
    # Younger: the validated document stays as it was validated.
    assert "DUPONTEL" in minutes_text(recent)
    # Live pages show the anonymised record.
    assert "DUPONTEL" not in admin_client.get(f"/meetings/{recent.id}/attendance").text
    trail = db.session.scalars(select(AuditEvent)).all()
    assert not [event for event in trail
                if "dupontel" in f"{event.summary} {event.changes} {event.user_email}".casefold()]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "anonymised")).all()
    assert event.entity_id == person.id and event.changed_fields == {"rebuilt_meetings": [old.id]}


def test_anonymise_command_honours_a_shorter_retention_setting(app, leaver):
    person, _, (old, recent) = leaver
    app.config["ANONYMISE_MINUTES_AFTER_YEARS"] = 1
    try:
        result = app.test_cli_runner().invoke(args=["anonymise-person", str(person.id), "--yes"])
    finally:
        app.config["ANONYMISE_MINUTES_AFTER_YEARS"] = 10
    assert result.exit_code == 0, result.output
    assert "2 compte(s) rendu(s)" in result.output
    assert "DUPONTEL" not in minutes_text(old) and "DUPONTEL" not in minutes_text(recent)


def test_a_person_in_the_bin_can_still_be_exported_and_anonymised(leaver, admin_client):
    person, _, _ = leaver
    assert admin_client.post(f"/people/{person.id}/delete").status_code == 302
    assert "Données personnelles" in admin_client.get("/admin/corbeille").text
    assert admin_client.post(f"/people/{person.id}/data.json").get_json()["person"]["last_name"] == "Dupontel"
    assert admin_client.post(f"/people/{person.id}/anonymise").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).last_name == f"Personne anonymisée n°{person.id}"
