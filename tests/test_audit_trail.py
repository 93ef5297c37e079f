"""Who created, changed, validated, published, reopened or deleted what, and when: the audit trail,
the bin of soft-deleted meetings and people, and admins restoring them."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Meeting, Person, Role, RoundTablePoint, RoundTableSection
from tests.conftest import create_user, log_in
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting


def events(**criteria) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in criteria.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def meeting_with_point():
    body = make_body("Commission de test")
    meeting = make_meeting(body, convene=[add_member(body, "Martin")])
    section = RoundTableSection(meeting=meeting, position=1, title="Points forts relevés")
    point = RoundTablePoint(section=section, position=1, text="Texte initial")
    db.session.add(point)
    db.session.commit()
    return meeting, point


def test_command_line_creations_are_recorded_as_such(app_context):
    meeting, point = meeting_with_point()
    created = events(entity_type="Meeting", entity_id=meeting.id)
    assert [event.action for event in created] == ["created"]
    assert created[0].user_id is None and created[0].user_email == "ligne de commande"
    assert created[0].changed_fields["title"] == "Séance plénière"
    point_event = events(entity_type="RoundTablePoint", entity_id=point.id)[0]
    assert point_event.meeting_id == meeting.id  # a point belongs to its meeting's history


def test_secretary_edit_is_recorded_with_author_and_changed_fields(app, app_context):
    meeting, point = meeting_with_point()
    secretary = create_user(Role.SECRETARIAT, email="secretaire@ars.example.fr")
    client = log_in(app.test_client(), secretary)
    url = f"/meetings/{meeting.id}/round-table/points/{point.id}/edit"
    values = form_values(client.get(url).text)
    values["text"] = "Texte corrigé"
    assert client.post(url, data=values).status_code == 302
    [edit] = events(entity_type="RoundTablePoint", action="updated")
    assert (edit.user_id, edit.user_email, edit.meeting_id) == (secretary.id, "secretaire@ars.example.fr", meeting.id)
    assert edit.changed_fields == {"text": ["Texte initial", "Texte corrigé"]}
    assert "Le point du tour de table « Texte corrigé » : modifié" == edit.summary


def test_passwords_and_tokens_never_reach_the_trail(app_context):
    user = create_user(Role.MEMBER, email="membre@ars.example.fr")
    user.set_password("un-autre-mot-de-passe-1")
    db.session.commit()
    text = " ".join(event.changes for event in events(entity_type="User"))
    assert "membre@ars.example.fr" in text and "password" not in text and "pbkdf2" not in text and "scrypt" not in text


def test_minutes_validated_published_and_reopened_are_in_the_meeting_history(app, demo):
    secretary = create_user(Role.SECRETARIAT)
    client = log_in(app.test_client(), secretary)
    client.post(f"/meetings/{demo.id}/minutes/validate")
    client.post(f"/meetings/{demo.id}/minutes/publish")
    client.post(f"/meetings/{demo.id}/minutes/reopen", data={"confirm": "y", "reason": "Erreur de nom"})
    actions = [event.action for event in events(entity_type="Minutes", meeting_id=demo.id)]
    assert actions == ["created", "validated", "published", "reopened"], actions
    admin = log_in(app.test_client(), create_user(Role.ADMIN))
    page = admin.get(f"/meetings/{demo.id}/audit").text
    assert page.index("Réouverture") < page.index("Publication") < page.index("Validation")  # newest first
    assert secretary.email in page
    assert "Historique des modifications" in admin.get(f"/meetings/{demo.id}").text


def test_only_admins_read_the_audit_pages(app, app_context):
    meeting, _ = meeting_with_point()
    secretary = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    assert secretary.get(f"/meetings/{meeting.id}/audit").status_code == 403
    assert secretary.get("/admin/audit").status_code == 403
    assert "Historique des modifications" not in secretary.get(f"/meetings/{meeting.id}").text
    assert app.test_client().get("/admin/audit").status_code == 302


def test_meeting_history_is_paginated(admin_client, app_context):
    meeting, point = meeting_with_point()
    for number in range(60):
        point.text = f"Version {number}"
        db.session.commit()
    first = admin_client.get(f"/meetings/{meeting.id}/audit").text
    assert "Version 59" in first and "Version 0 " not in first and "Page 1 sur 2" in first
    assert "Version 0" in admin_client.get(f"/meetings/{meeting.id}/audit?page=2").text


def test_global_audit_page_filters_by_entity(admin_client, app_context):
    meeting, _ = meeting_with_point()
    page = admin_client.get("/admin/audit?entity=Meeting").text
    assert "La séance « Séance plénière » : créée" in page
    assert "Le point du tour de table" not in page
    assert "Le point du tour de table" in admin_client.get("/admin/audit").text
    assert "Aucun événement" in admin_client.get(f"/admin/audit?entity=Meeting&entity_id={meeting.id + 1000}").text


def test_deleted_meeting_disappears_everywhere_and_an_admin_restores_it(app, app_context, admin_client):
    meeting, _ = meeting_with_point()
    member_user = create_user(Role.MEMBER, person=meeting.invitations[0].person)
    member = log_in(app.test_client(), member_user)
    secretary = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    assert "Supprimer la séance" in secretary.get(f"/meetings/{meeting.id}").text
    assert member.post(f"/meetings/{meeting.id}/delete").status_code == 403
    assert "Oui, supprimer" in secretary.get(f"/meetings/{meeting.id}/delete").text
    assert secretary.post(f"/meetings/{meeting.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).deleted_at is not None  # kept, never DELETEd
    for url in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}.ics", f"/meetings/{meeting.id}/minutes.docx",
                f"/meetings/{meeting.id}/attendance", f"/meetings/{meeting.id}/round-table"):
        assert secretary.get(url).status_code == 404, url
    assert "Séance plénière" not in secretary.get(f"/bodies/{meeting.body_id}").text
    assert "Séance plénière" not in member.get("/mes-seances").text
    assert "Séance plénière" not in secretary.get("/recherche?q=plénière").text
    trash = admin_client.get("/admin/corbeille").text
    assert "Séance plénière" in trash and "Restaurer" in trash
    assert secretary.get("/admin/corbeille").status_code == 403
    assert admin_client.post(f"/admin/corbeille/meetings/{meeting.id}/restore").status_code == 302
    assert secretary.get(f"/meetings/{meeting.id}").status_code == 200
    assert [event.action for event in events(entity_type="Meeting", entity_id=meeting.id)] == [
        "created", "deleted", "restored"]


def test_deleted_person_leaves_the_lists_and_an_admin_restores_them(app_context, secretariat_client, admin_client):
    body = make_body("Commission de test")
    person = add_member(body, "Zorglub").person
    db.session.commit()
    row = "<td>Mme ZORGLUB Anne</td>"
    assert row in secretariat_client.get("/people/?q=zorglub").text
    assert "Supprimer la personne" in secretariat_client.get(f"/people/{person.id}/edit").text
    assert secretariat_client.post(f"/people/{person.id}/delete").status_code == 302
    assert row not in secretariat_client.get("/people/?q=zorglub").text
    assert "ZORGLUB" not in secretariat_client.get(f"/bodies/{body.id}").text
    assert secretariat_client.get(f"/people/{person.id}/edit").status_code == 404
    assert secretariat_client.post(f"/people/{person.id}/delete").status_code == 404
    assert "ZORGLUB" in admin_client.get("/admin/corbeille").text
    assert admin_client.post(f"/admin/corbeille/people/{person.id}/restore").status_code == 302
    assert row in secretariat_client.get("/people/?q=zorglub").text
    deleted, restored = events(entity_type="Person", entity_id=person.id)[-2:]
    assert (deleted.action, restored.action) == ("deleted", "restored")
    assert json.loads(restored.changes)["deleted_at"][1] is None
    db.session.expire_all()
    assert db.session.get(Person, person.id).deleted_at is None


def test_sent_convocations_are_recorded_once_each(app_context, secretariat_client, inbox):
    from datetime import date, timedelta

    from app.formatting import paris_datetime
    from ics_support import make_body as make_body_with_emails, make_meeting as make_ics_meeting

    meeting = make_ics_meeting(make_body_with_emails(2), paris_datetime(date.today() + timedelta(days=20), 14),
                               title="Séance de printemps")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")  # nothing new to send
    sent = events(entity_type="OutboxMessage", meeting_id=meeting.id)
    assert len(inbox.messages) == 2
    assert [event.action for event in sent] == ["sent", "sent"]
