"""``flask redact-validator-addresses``: comptes rendus validated before 6 December 2026 by an account without a
person print its login address in their validation line; the command lists them and, with --apply, takes the
address out of that line alone."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.documents import workflow
from app.documents.redaction import validation_paragraph
from app.extensions import db
from app.formatting import plain_date
from app.models import AuditEvent, Minutes, Role
from docx_reading import reopen, styled_paragraphs, table_rows
from tests.admin_factories import make_person
from tests.conftest import create_user, log_in


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def validation_line_before_6_december(minutes: Minutes) -> str:
    """The line as validation wrote it until be405bc: an account without a person was named by its address."""
    user = minutes.validated_by
    who = user.person.display_name if user is not None and user.person is not None else (user.email if user else "")
    return f"Compte rendu validé le {plain_date(minutes.validated_at)}" + (f" par {who}" if who else "") + "."


def validate(app, meeting_id: int, user) -> Minutes:
    client = log_in(app.test_client(), user)
    assert client.post(f"/meetings/{meeting_id}/minutes/validate").status_code == 302
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))


@pytest.fixture
def old_minutes(app, demo, monkeypatch):
    """The demo's compte rendu validated, as before 6 December, by a secretariat account without a person."""
    monkeypatch.setattr(workflow, "validation_line", validation_line_before_6_december)
    account = create_user(Role.SECRETARIAT, email="secretariat.sans.personne@ars.example.fr")
    minutes = validate(app, demo.id, account)
    monkeypatch.undo()
    assert "par secretariat.sans.personne@ars.example.fr." in validation_text(minutes.document)
    return minutes


def validation_text(content: bytes) -> str:
    return next(text for style, text in styled_paragraphs(reopen(content)) if text.startswith("Compte rendu validé"))


def everything_but_the_validation_line(content: bytes) -> tuple:
    document = reopen(content)
    paragraphs = [(style, text) for style, text in styled_paragraphs(document)
                  if not text.startswith("Compte rendu validé")]
    return paragraphs, [table_rows(table) for table in document.tables], [style.name for style in document.styles]


def test_the_list_names_the_file_and_changes_nothing(app, old_minutes):
    before = old_minutes.document
    result = run(app, "redact-validator-addresses")
    assert result.exit_code == 0, result.output
    assert f"Séance n°{old_minutes.meeting_id}" in result.output and "secretariat.sans.personne@" in result.output
    assert "1 compte(s) rendu(s) nomment une adresse. Relancez avec --apply" in result.output
    db.session.expire_all()
    assert db.session.get(Minutes, old_minutes.id).document == before


def test_apply_takes_the_address_out_of_the_validation_line_alone(app, old_minutes):
    minutes_id, before = old_minutes.id, old_minutes.document
    result = run(app, "redact-validator-addresses", "--apply")
    assert result.exit_code == 0, result.output
    assert "1 compte(s) rendu(s) réécrit(s)" in result.output
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes_id)
    line = validation_text(minutes.document)
    assert "@" not in line and line == f"Compte rendu validé le {plain_date(minutes.validated_at)}."
    assert all(run.bold for run in validation_paragraph(reopen(minutes.document)).runs)  # as validation wrote it
    assert all(run.bold for run in validation_paragraph(reopen(before)).runs)
    assert everything_but_the_validation_line(minutes.document) == everything_but_the_validation_line(before)
    assert minutes.document_sha256 == hashlib.sha256(minutes.document).hexdigest() != hashlib.sha256(before).hexdigest()
    assert minutes.document_size == len(minutes.document)
    changes = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.entity_type == "Minutes",
                                                                  AuditEvent.entity_id == minutes_id)).all()
    assert any(minutes.document_sha256 in change for change in changes)

    again = run(app, "redact-validator-addresses", "--apply")
    assert "Aucun compte rendu validé ne nomme une adresse" in again.output


def test_a_validator_named_as_a_person_is_left_as_validated(app, demo):
    person = make_person(demo.body.organisation, "Dupont", "Claire")
    minutes = validate(app, demo.id, create_user(Role.SECRETARIAT, person=person))
    before = minutes.document
    assert "par Mme Claire DUPONT." in validation_text(before)
    result = run(app, "redact-validator-addresses", "--apply")
    assert "Aucun compte rendu validé ne nomme une adresse" in result.output
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).document == before
