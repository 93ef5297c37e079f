"""« À faire » on the meeting page: what is still pending, said plainly, with the link that does it."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from app.dossier.demo import simple_pdf
from app.dossier.domain import add_document, publish
from app.dossier.files import FileType
from app.extensions import db
from app.formatting import paris_datetime
from app.models import User
from app.models.dossier import DocumentReceipt
from ics_support import make_body, make_meeting
from tests.admin_factories import member_client


def pending(page: str) -> list[str]:
    """The lines of the « À faire » list, tags stripped, or [] when the page has none."""
    found = re.search(r'<div class="fr-callout fr-mb-3w" id="a-faire">(.*?)</div>', page, re.S)
    if not found:
        return []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip().replace("&#39;", "'")
            for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def upcoming_meeting():
    return make_meeting(make_body(3), paris_datetime(date.today() + timedelta(days=20), 14))


def pdf(meeting, title: str):
    return add_document(meeting, title=title, agenda_item=None, presented_at_meeting=False,
                        stream=io.BytesIO(simple_pdf([title])), filename="note.pdf",
                        file_type=FileType("application/pdf", "pdf"), user=None)


def test_convocations_to_send_then_to_update(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert pending(page) == ["3 personnes convoquées n'ont pas encore reçu leur convocation. Envoyer les convocations"]
    assert f'href="/meetings/{meeting.id}#envois"' in page
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    assert pending(secretariat_client.get(f"/meetings/{meeting.id}").text) == []
    meeting.place = "Salle du conseil"
    meeting.ical_sequence += 1  # what editing the place does (app/calendar/sequence.py)
    db.session.commit()
    assert pending(secretariat_client.get(f"/meetings/{meeting.id}").text) == [
        "3 personnes ont une ancienne version de la séance (date, lieu ou ordre du jour changés depuis). "
        "Envoyer la mise à jour"]


def test_dossier_in_draft_then_not_yet_opened(app_context, secretariat_client, inbox):
    meeting = upcoming_meeting()
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    document = pdf(meeting, "Note de cadrage")
    db.session.commit()
    assert pending(secretariat_client.get(f"/meetings/{meeting.id}").text) == [
        "1 document du dossier est en brouillon : les membres ne le voient pas. Gérer le dossier"]
    publish([document])
    db.session.commit()
    assert pending(secretariat_client.get(f"/meetings/{meeting.id}").text) == [
        "3 personnes convoquées n'ont pas encore ouvert tous les documents du dossier. Qui a consulté"]
    for invitation in meeting.invitations[:2]:
        db.session.add(DocumentReceipt(version_id=document.current.id, person_id=invitation.person_id))
    db.session.commit()
    assert pending(secretariat_client.get(f"/meetings/{meeting.id}").text) == [
        "1 personne convoquée n'a pas encore ouvert tous les documents du dossier. Qui a consulté"]


def test_minutes_to_validate_then_to_publish_once_held(app, demo, secretariat_client):
    page = secretariat_client.get(f"/meetings/{demo.id}").text
    assert pending(page) == ["La séance a eu lieu : son compte rendu est à valider. Valider le compte rendu"]
    assert f'href="/meetings/{demo.id}/minutes/validate"' in page
    with_account = set(db.session.scalars(select(User.person_id).where(User.person_id.is_not(None))))
    member = next(invitation.person for invitation in demo.invitations if invitation.person_id not in with_account)
    assert "À faire" not in member_client(app, member).get(f"/meetings/{demo.id}").text  # staff only
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    assert pending(secretariat_client.get(f"/meetings/{demo.id}").text) == [
        "Le compte rendu est validé mais pas encore publié : les membres ne le voient pas. Publier le compte rendu"]
    secretariat_client.post(f"/meetings/{demo.id}/minutes/publish")
    assert pending(secretariat_client.get(f"/meetings/{demo.id}").text) == []


def test_the_page_of_an_upcoming_meeting_reads_each_fact_once(app_context, secretariat_client, inbox):
    """« À faire » and the sections below it ask for the same facts (the e-mails' progress, the dossier): the page
    reads each once, so no statement runs twice with the same values, and both places still say the same."""
    from tests.query_count import counted_statements_and_parameters, fresh_session

    from app.models import Meeting

    meeting_id = upcoming_meeting().id
    secretariat_client.post(f"/meetings/{meeting_id}/convocations")
    meeting = db.session.get(Meeting, meeting_id)
    note = pdf(meeting, "Note de cadrage")
    meeting.ical_sequence += 1  # the place changed since the convocations: « Envoyer la mise à jour » in both places
    db.session.commit()
    publish([note])  # published: « À faire » also asks who opened it (the e-mails' dates)
    pdf(db.session.get(Meeting, meeting_id), "Projet d'avis")
    db.session.commit()
    fresh_session()
    with counted_statements_and_parameters() as sent:
        page = secretariat_client.get(f"/meetings/{meeting_id}").text
    repeated = [statement for statement in sent if sent.count(statement) > 1]
    assert repeated == []
    assert pending(page)[0].startswith("3 personnes ont une ancienne version de la séance")
    assert "3 personnes ont une version ancienne : envoyer la mise à jour." in page
    assert "1 document du dossier est en brouillon" in pending(page)[1] and "Note de cadrage" in page
    assert pending(page)[2].startswith("3 personnes convoquées n'ont pas encore ouvert tous les documents")
