"""Dossier de séance, part 4: the compte rendu's annexes list the dossier and what was presented."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_today, plain_date
from app.models.dossier import MeetingDocument
from app.documents.typography import french_typography as fr
from tests.docx_reading import headings, reopen, styled_paragraphs
from tests.dossier_files import PDF, upload
from tests.meeting_factories import add_member, make_body, make_meeting


def test_the_compte_rendu_lists_the_dossier_and_the_slides_presented_in_its_annexes(app_context, secretariat_client):
    body = make_body("CRSA des annexes")
    add_member(body, "Arnaud")
    meeting = make_meeting(body, day=paris_today() - timedelta(days=2))
    plain = secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx")
    assert ("Heading 1", "Annexes") not in headings(reopen(plain.data))
    upload(secretariat_client, meeting.id, PDF, "rapport.pdf", title="Rapport d'activité")
    upload(secretariat_client, meeting.id, PDF, "diaporama.pdf", title="Diaporama", presented_at_meeting="y")
    upload(secretariat_client, meeting.id, PDF, "brouillon.pdf", title="Brouillon jamais diffusé")
    for title in ("Rapport d'activité", "Diaporama"):
        document = db.session.scalar(select(MeetingDocument).where(MeetingDocument.title == title))
        secretariat_client.post(f"/dossier/documents/{document.id}/publish")
    document = reopen(secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx").data)
    paragraphs = styled_paragraphs(document)
    start = paragraphs.index(("Heading 1", "Annexes"))
    today = plain_date(paris_today())
    assert paragraphs[start:] == [
        ("Heading 1", "Annexes"),
        ("Heading 2", "Documents du dossier de séance"),
        ("List Bullet", fr(f"Rapport d'activité (rapport.pdf), mis à disposition le {today}")),
        ("Heading 2", "Documents présentés en séance"),
        ("List Bullet", "Diaporama (diaporama.pdf)"),
    ]
