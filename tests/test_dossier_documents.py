"""Dossier de séance, part 1: uploads checked by content, versions, withdrawal, downloads, storage."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, Role
from app.models.dossier import CHUNK_SIZE, DocumentChunk, DocumentVersion, MeetingDocument
from tests.conftest import create_user, log_in
from tests.dossier_files import EXECUTABLE, GOOD_FILES, PDF, docx_bytes, plain_zip, upload
from tests.meeting_factories import add_member, make_body, make_meeting


@pytest.fixture
def meeting(app_context):
    body = make_body("CRSA du dossier")
    for name in ("Arnaud", "Bernard"):
        membership = add_member(body, name)
        membership.person.email = f"{name.lower()}@example.fr"
    return make_meeting(body, day=date.today() + timedelta(days=30))


def member_client(app, meeting, index: int = 0):
    person = meeting.invitations[index].person
    user = create_user(Role.MEMBER, email=f"compte-{person.last_name.lower()}@example.fr", person=person)
    return log_in(app.test_client(), user)


def only_document() -> MeetingDocument:
    return db.session.scalars(select(MeetingDocument)).one()


@pytest.mark.parametrize("filename,content,mimetype", GOOD_FILES, ids=[name for name, _, _ in GOOD_FILES])
def test_each_accepted_type_is_stored_and_served_as_an_attachment(secretariat_client, meeting, filename, content,
                                                                   mimetype):
    response = upload(secretariat_client, meeting.id, content, filename, title="Pièce jointe")
    assert response.status_code == 302, response.get_data(as_text=True)
    document = only_document()
    assert document.title == "Pièce jointe" and document.published_at is None  # a draft
    version = document.current
    assert (version.mimetype, version.size, version.number) == (mimetype, len(content), 1)
    download = secretariat_client.get(f"/dossier/versions/{version.id}")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == mimetype
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("filename,content,message", [
    ("rapport.pdf", EXECUTABLE, "pas d&#39;un type accepté"),
    ("programme.exe", EXECUTABLE, "pas d&#39;un type accepté"),
    ("archive.zip", plain_zip(), "pas d&#39;un type accepté"),
    ("rapport.pdf", docx_bytes(), "mais le contenu est un document Word"),
    ("vide.pdf", b"", "Le fichier est vide."),
])
def test_a_file_that_is_not_what_it_claims_is_refused_in_french_and_the_form_kept(secretariat_client, meeting,
                                                                                  filename, content, message):
    response = upload(secretariat_client, meeting.id, content, filename, title="Titre saisi")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="Titre saisi"' in page
    assert db.session.scalar(select(func.count()).select_from(MeetingDocument)) == 0
    assert db.session.scalar(select(func.count()).select_from(DocumentChunk)) == 0


def test_a_file_over_the_limit_is_refused_on_the_field_and_a_huge_body_gets_the_french_413(app, secretariat_client,
                                                                                           meeting, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1024 * 1024)
    over = PDF + b"0" * (1024 * 1024)
    response = upload(secretariat_client, meeting.id, over, "gros.pdf")
    assert response.status_code == 422 and "dépasse la taille autorisée (1 Mo)" in response.get_data(as_text=True)
    huge = PDF + b"0" * (2 * 1024 * 1024)
    response = upload(secretariat_client, meeting.id, huge, "enorme.pdf")
    assert response.status_code == 413 and "Envoi trop volumineux" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MeetingDocument)) == 0


def test_file_names_lose_directories_and_control_characters(secretariat_client, meeting):
    response = upload(secretariat_client, meeting.id, PDF, "..\\..\\secret/../\x1bordre\x7f du\tjour\x85.pdf")
    assert response.status_code == 302
    version = only_document().current
    assert version.filename == "ordre du jour.pdf"
    disposition = secretariat_client.get(f"/dossier/versions/{version.id}").headers["Content-Disposition"]
    assert "/" not in disposition and "\\" not in disposition and "ordre%20du%20jour.pdf" in disposition


def test_large_files_are_stored_in_chunks_and_come_back_whole(secretariat_client, meeting):
    content = PDF + bytes(range(256)) * (CHUNK_SIZE * 2 // 256 + 100)
    assert upload(secretariat_client, meeting.id, content, "annexe.pdf").status_code == 302
    version = only_document().current
    assert db.session.scalar(select(func.count()).select_from(DocumentChunk)
                             .where(DocumentChunk.version_id == version.id)) == 3
    response = secretariat_client.get(f"/dossier/versions/{version.id}")
    assert response.is_streamed and response.headers["Content-Length"] == str(len(content))
    assert response.data == content


def test_a_new_version_keeps_the_old_one_listed_as_replaced(app, secretariat_client, meeting):
    upload(secretariat_client, meeting.id, PDF, "budget.pdf", title="Budget")
    document = only_document()
    secretariat_client.post(f"/dossier/documents/{document.id}/publish")
    new = PDF + b"% version 2\n"
    response = secretariat_client.post(f"/dossier/documents/{document.id}/version",
                                       data={"file": (io.BytesIO(new), "budget-v2.pdf")},
                                       content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    first, second = document.versions
    assert (first.number, second.number, second.filename) == (1, 2, "budget-v2.pdf")
    page = secretariat_client.get(f"/meetings/{meeting.id}/dossier").get_data(as_text=True)
    assert "Remplacée" in page and f"/dossier/versions/{first.id}" in page
    member = member_client(app, meeting)
    meeting_page = member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/dossier/versions/{second.id}" in meeting_page and f"/dossier/versions/{first.id}" not in meeting_page
    assert member.get(f"/dossier/versions/{second.id}").data == new
    refused = secretariat_client.post(f"/dossier/documents/{document.id}/version",
                                      data={"file": (io.BytesIO(EXECUTABLE), "budget.pdf")},
                                      content_type="multipart/form-data")
    assert refused.status_code == 422 and "pas d&#39;un type accepté" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 2


def test_members_see_nothing_before_it_is_published_nor_after_it_is_withdrawn(app, secretariat_client, meeting):
    upload(secretariat_client, meeting.id, PDF, "note.pdf", title="Note de cadrage")
    document = only_document()
    member = member_client(app, meeting)
    url = f"/dossier/versions/{document.current.id}"
    assert "Note de cadrage" not in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert member.get(url).status_code == 404
    assert "Note de cadrage" in secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    secretariat_client.post(f"/meetings/{meeting.id}/dossier/publish")
    assert "Note de cadrage" in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert member.get(url).status_code == 200
    secretariat_client.post(f"/dossier/documents/{document.id}/withdraw")
    assert "Note de cadrage" not in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert member.get(url).status_code == 404
    assert "Retiré" in secretariat_client.get(f"/meetings/{meeting.id}/dossier").get_data(as_text=True)


def test_another_body_and_another_ars_reach_no_document(app, secretariat_client, meeting):
    upload(secretariat_client, meeting.id, PDF, "note.pdf")
    document = only_document()
    secretariat_client.post(f"/dossier/documents/{document.id}/publish")
    other_body = make_body("Autre instance")
    outsider = add_member(other_body, "Dehors").person
    client = log_in(app.test_client(), create_user(Role.MEMBER, email="dehors@example.fr", person=outsider))
    assert client.get(f"/dossier/versions/{document.current.id}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/dossier.zip").status_code == 403
    other_ars = Organisation(name="ARS voisine", short_name="Voisine")
    db.session.add(other_ars)
    db.session.commit()
    foreign = log_in(app.test_client(), create_user(Role.SECRETARIAT, organisation=other_ars))
    for url in (f"/dossier/versions/{document.current.id}", f"/meetings/{meeting.id}/dossier",
                f"/dossier/documents/{document.id}", f"/meetings/{meeting.id}/dossier/receipts"):
        assert foreign.get(url).status_code == 404, url
    assert foreign.post(f"/dossier/documents/{document.id}/withdraw").status_code == 404
    db.session.expire_all()
    assert document.withdrawn_at is None


def test_documents_are_ordered_and_attached_to_agenda_items(secretariat_client, meeting):
    from app.models import AgendaItem

    item = AgendaItem(meeting=meeting, position=1, title="Budget 2027")
    db.session.add(item)
    db.session.commit()
    for title in ("Premier", "Deuxième"):
        upload(secretariat_client, meeting.id, PDF, "a.pdf", title=title)
    upload(secretariat_client, meeting.id, PDF, "b.pdf", title="Annexe budgétaire", agenda_item=str(item.id))
    second = db.session.scalar(select(MeetingDocument).where(MeetingDocument.title == "Deuxième"))
    secretariat_client.post(f"/dossier/documents/{second.id}/move/up")
    secretariat_client.post(f"/meetings/{meeting.id}/dossier/publish")
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True).split('id="dossier"')[1]
    assert page.index("Deuxième") < page.index("Premier") < page.index("Annexe budgétaire")
    assert "point : Budget 2027" in page
    bad = upload(secretariat_client, meeting.id, PDF, "c.pdf", title="Ailleurs", agenda_item="999999")
    assert bad.status_code == 422


def test_the_sqlite_backup_holds_the_documents(app, secretariat_client, meeting, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL is saved by pg_dump, which holds the chunks as any other table")
    import sqlite3

    upload(secretariat_client, meeting.id, PDF, "note.pdf")
    target = tmp_path / "copie.sqlite"
    assert app.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 0
    connection = sqlite3.connect(target)
    chunks = b"".join(row[0] for row in connection.execute('SELECT data FROM document_chunk ORDER BY "index"'))
    connection.close()
    assert chunks == PDF


def test_a_zip_bomb_is_refused_without_being_inflated(secretariat_client, meeting):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b" " * (8 * 1024 * 1024))
    response = upload(secretariat_client, meeting.id, buffer.getvalue(), "bombe.docx")
    assert response.status_code == 422 and "pas d&#39;un type accepté" in response.get_data(as_text=True)
