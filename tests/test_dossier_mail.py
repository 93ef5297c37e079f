"""Dossier de séance, parts 2 and 3: personal links in the convocation, the .zip, changes after the
convocation and their one-click notice, download receipts, « hors délai »."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Invitation, MailKind, OutboxMessage, Role
from app.models.dossier import DocumentReceipt, MeetingDocument
from tests.conftest import create_user, log_in
from tests.dossier_files import PDF, docx_bytes, upload
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.smtp_server import all_text

LINK = re.compile(r"http://seances\.test/dossier/lien/[A-Za-z0-9_.\-]+(?:/dossier\.zip)?")
NAMES = ("Arnaud", "Bernard", "Chevalier")


def convened_meeting(days_ahead: int = 30, body_name: str = "CRSA du dossier"):
    body = make_body(body_name)
    for name in NAMES:
        add_member(body, name).person.email = f"{name.lower()}@example.fr"
    return make_meeting(body, day=date.today() + timedelta(days=days_ahead))


def published(client, meeting, content: bytes, filename: str, title: str) -> MeetingDocument:
    assert upload(client, meeting.id, content, filename, title=title).status_code == 302
    document = db.session.scalar(select(MeetingDocument).where(MeetingDocument.title == title))
    assert client.post(f"/dossier/documents/{document.id}/publish").status_code == 302
    return document


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(inbox, address: str) -> list[str]:
    return LINK.findall(text_of(inbox.to(address)[-1]))


def test_the_convocation_lists_the_published_documents_with_links_of_each_person(app, app_context,
                                                                                 secretariat_client, inbox):
    meeting = convened_meeting()
    published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour détaillé")
    upload(secretariat_client, meeting.id, PDF, "brouillon.pdf", title="Brouillon interne")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    text = text_of(inbox.to("arnaud@example.fr")[-1])
    assert "Ordre du jour détaillé" in text and "Brouillon interne" not in text
    assert not [part for part in inbox.to("arnaud@example.fr")[-1].walk() if part.get_filename()
                and part.get_filename().endswith(".pdf")]  # links, no attachment
    arnaud, bernard = links_in(inbox, "arnaud@example.fr"), links_in(inbox, "bernard@example.fr")
    assert len(arnaud) == 2 and arnaud[1].endswith("/dossier.zip")
    assert set(arnaud).isdisjoint(bernard)
    response = app.test_client().get(arnaud[0])  # no login: the signed link is the credential
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    app.test_client().get(arnaud[0])
    receipts = db.session.scalars(select(DocumentReceipt)).all()
    assert [receipt.person.last_name for receipt in receipts] == ["Arnaud"]  # once, and for Arnaud only
    assert app.test_client().get(arnaud[0][:-3] + "abc").status_code == 404


def test_a_personal_link_stops_when_the_document_is_withdrawn_or_the_person_no_longer_convened(
        app, app_context, secretariat_client, inbox):
    meeting = convened_meeting()
    document = published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    arnaud, bernard = links_in(inbox, "arnaud@example.fr")[0], links_in(inbox, "bernard@example.fr")[1]
    invitation = db.session.scalar(select(Invitation).join(Invitation.person).where(
        Invitation.meeting_id == meeting.id, Invitation.person.has(last_name="Bernard")))
    secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove")
    assert app.test_client().get(bernard).status_code == 404
    secretariat_client.post(f"/dossier/documents/{document.id}/withdraw")
    assert app.test_client().get(arnaud).status_code == 404


def test_the_whole_dossier_comes_as_a_zip_with_its_table_of_contents(app, app_context, secretariat_client, inbox):
    meeting = convened_meeting()
    word = docx_bytes("Rapport de la commission")
    published(secretariat_client, meeting, PDF, "ordre du jour.pdf", "Ordre du jour")
    published(secretariat_client, meeting, word, "rapport.docx", "Rapport de la commission")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    zip_link = links_in(inbox, "chevalier@example.fr")[-1]
    response = app.test_client().get(zip_link)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["00 - Sommaire.txt", "01 - ordre du jour.pdf", "02 - rapport.docx"]
    assert archive.read("01 - ordre du jour.pdf") == PDF and archive.read("02 - rapport.docx") == word
    contents = archive.read("00 - Sommaire.txt").decode()
    assert "Ordre du jour" in contents and "Rapport de la commission" in contents and meeting.title in contents
    assert db.session.scalar(select(func.count()).select_from(DocumentReceipt)) == 2


def test_changes_after_the_convocation_are_marked_and_notified_once_to_each_convened_person(
        app, app_context, secretariat_client, inbox):
    meeting = convened_meeting()
    kept = published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    replaced = published(secretariat_client, meeting, PDF, "budget.pdf", "Budget")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    sent = len(inbox.messages)
    assert "Prévenir" not in secretariat_client.get(f"/meetings/{meeting.id}/dossier").get_data(as_text=True)
    secretariat_client.post(f"/dossier/documents/{replaced.id}/version",
                            data={"file": (io.BytesIO(PDF + b"%v2"), "budget-v2.pdf")},
                            content_type="multipart/form-data")
    published(secretariat_client, meeting, PDF, "avis.pdf", "Avis complémentaire")
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "nouvelle version le" in page and "ajouté le" in page
    assert secretariat_client.post(f"/meetings/{meeting.id}/dossier/notify").status_code == 302
    notices = inbox.messages[sent:]
    assert sorted(recipients[0] for recipients, _ in notices) == sorted(f"{n.lower()}@example.fr" for n in NAMES)
    for (recipient,), message in notices:
        assert message["Subject"].startswith("Dossier de séance complété")
        text = text_of(message)
        assert "Budget (nouvelle version le" in text and "Avis complémentaire (ajouté le" in text
        assert kept.title + " :" not in text
        others = {f"{n.lower()}@example.fr" for n in NAMES} - {recipient}
        assert not any(address in all_text(message) for address in others)
    secretariat_client.post(f"/meetings/{meeting.id}/dossier/notify")  # nothing new: nothing sent
    assert len(inbox.messages) == sent + len(NAMES)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == MailKind.DOSSIER_UPDATE)) == len(NAMES)


def test_the_secretariat_sees_who_opened_what_and_who_had_it_in_time(app, app_context, secretariat_client, inbox):
    meeting = convened_meeting()
    published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    app.test_client().get(links_in(inbox, "arnaud@example.fr")[0])
    bernard = meeting.invitations[1].person
    member = log_in(app.test_client(), create_user(Role.MEMBER, email="compte-bernard@example.fr", person=bernard))
    assert member.get(f"/meetings/{meeting.id}/dossier.zip").status_code == 200
    assert member.get(f"/meetings/{meeting.id}/dossier/receipts").status_code == 403
    page = secretariat_client.get(f"/meetings/{meeting.id}/dossier/receipts").get_data(as_text=True)
    assert "Ouvert par 2 personne(s)" in page and "Pas encore ouvert par : Mme Anne CHEVALIER" in page
    rows = re.findall(r"<tr><td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>(.*?)</td></tr>", page)
    assert [(name, opened, answer) for name, _, opened, answer in rows] == [
        ("Mme Anne ARNAUD", "1 / 1", "Oui"), ("Mme Anne BERNARD", "1 / 1", "Oui"),
        ("Mme Anne CHEVALIER", "0 / 1", "Oui")]


def test_a_document_made_available_after_the_delay_is_hors_delai(app, app_context, secretariat_client):
    meeting = convened_meeting(days_ahead=5)  # the body's delay is 10 days
    published(secretariat_client, meeting, PDF, "tardif.pdf", "Note tardive")
    assert upload(secretariat_client, meeting.id, PDF, "slides.pdf", title="Diaporama",
                  presented_at_meeting="y").status_code == 302
    secretariat_client.post(f"/meetings/{meeting.id}/dossier/publish")
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True).split('id="dossier"')[1]
    late_line, slides_line = page.split("Note tardive")[1].split("</li>")[0], page.split("Diaporama")[1].split("</li>")[0]
    assert "Hors délai" in late_line and "Hors délai" not in slides_line and "Présenté en séance" in slides_line
    on_time = convened_meeting(days_ahead=30, body_name="Commission à l'heure")
    published(secretariat_client, on_time, PDF, "note.pdf", "Note à l'heure")
    assert "Hors délai" not in secretariat_client.get(f"/meetings/{on_time.id}").get_data(as_text=True)


def test_members_find_the_published_dossier_in_mes_seances(app, app_context, secretariat_client):
    meeting = convened_meeting()
    published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour détaillé")
    upload(secretariat_client, meeting.id, PDF, "brouillon.pdf", title="Brouillon interne")
    person = meeting.invitations[0].person
    member = log_in(app.test_client(), create_user(Role.MEMBER, email="compte-arnaud@example.fr", person=person))
    page = member.get("/mes-seances").get_data(as_text=True)
    assert "Ordre du jour détaillé" in page and "Brouillon interne" not in page
    assert f"/meetings/{meeting.id}/dossier.zip" in page
