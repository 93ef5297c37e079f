"""PDF beside every .docx: LibreOffice converts it (in the background with a queue, at once without),
the PDF is cached, and without LibreOffice no PDF link is offered (never a 500)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from sqlalchemy import func, select

from app.documents import pdf as pdf_module
from app.extensions import db
from app.models import AttendanceStatus, Capacity, ConvertedPdf, utc_now

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, timeout=60,
                            check=True)
    return " ".join(result.stdout.split())


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice ou pdftotext absent")
def test_every_document_downloads_as_pdf_converted_once_then_cached(demo, secretariat_client, tmp_path, app):
    app.config["SOFFICE_PATH"] = None
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert f"/meetings/{demo.id}/minutes.pdf" in page and f"/meetings/{demo.id}/sign-in-sheet.pdf" in page
    present = next(attendance for attendance in demo.attendances
                   if attendance.status is AttendanceStatus.PRESENT and attendance.capacity is Capacity.MEMBER)
    expected = {
        f"/meetings/{demo.id}/minutes.pdf": ["PROJET", "Compte rendu de la séance du jeudi 28 mai 2020"],
        f"/meetings/{demo.id}/sign-in-sheet.pdf": ["Feuille d’émargement", "SIGNATURE", "SERRES", "Titulaire"],
        f"/meetings/{demo.id}/attendance-certificates/{present.person_id}.pdf": [
            "Attestation de présence", present.person.display_name],
    }
    for url, fragments in expected.items():
        response = secretariat_client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        assert response.headers["Content-Disposition"].endswith(".pdf")
        text = pdf_text(response.data, tmp_path)
        for fragment in fragments:
            assert fragment in text, (url, fragment)
    conversions = []
    real = pdf_module.convert_to_pdf
    pdf_module.convert_to_pdf = lambda content: conversions.append(1) or real(content)
    try:
        again = secretariat_client.get(f"/meetings/{demo.id}/minutes.pdf")  # a new build of the same draft
    finally:
        pdf_module.convert_to_pdf = real
    assert again.status_code == 200 and conversions == []


def test_with_a_queue_the_request_returns_at_once_and_the_job_converts(demo, secretariat_client, app, monkeypatch):
    """The request stores the .docx in the database and queues the job; the worker (another process,
    maybe another machine) converts it from there, and every app server then serves the same PDF."""
    app.config["SOFFICE_PATH"] = "/usr/bin/true"
    queued = []
    monkeypatch.setattr(pdf_module, "enqueue", lambda path, *args: queued.append((path, args)))
    response = secretariat_client.get(f"/meetings/{demo.id}/sign-in-sheet.pdf")
    assert response.status_code == 202 and "PDF en préparation" in response.get_data(as_text=True)
    assert queued and queued[0][0] == "app.documents.pdf:convert_cached"
    (key,) = queued[0][1]
    waiting = db.session.get(ConvertedPdf, key)
    assert waiting.docx[:2] == b"PK" and waiting.pdf is None
    assert secretariat_client.get(f"/meetings/{demo.id}/sign-in-sheet.pdf").status_code == 202  # stored once

    monkeypatch.setattr(pdf_module, "convert_to_pdf", lambda content: b"%PDF-1.7 converted")
    with app.app_context():  # the worker's own context and session
        pdf_module.convert_cached(key)
    db.session.expire_all()
    converted = secretariat_client.get(f"/meetings/{demo.id}/sign-in-sheet.pdf")
    assert converted.status_code == 200 and converted.data == b"%PDF-1.7 converted"
    stored = db.session.get(ConvertedPdf, key)
    assert stored.docx is None and stored.converted_at is not None
    assert db.session.scalar(select(func.count()).select_from(ConvertedPdf)) == 1
    app.config["SOFFICE_PATH"] = None


def test_pdfs_asked_for_long_ago_are_dropped_when_a_new_one_is_kept(app, monkeypatch):
    monkeypatch.setattr(pdf_module, "convert_to_pdf", lambda content: b"%PDF-1.7")
    with app.app_context():
        db.session.add_all([
            ConvertedPdf(key="old", pdf=b"%PDF-1.7", requested_at=utc_now() - timedelta(days=31)),
            ConvertedPdf(key="recent", pdf=b"%PDF-1.7", requested_at=utc_now() - timedelta(days=29)),
            ConvertedPdf(key="new", docx=b"PK..."),
        ])
        db.session.commit()
        pdf_module.convert_cached("new")
        assert sorted(db.session.scalars(select(ConvertedPdf.key))) == ["new", "recent"]


def test_without_libreoffice_no_pdf_link_and_no_error(demo, secretariat_client, app):
    app.config["SOFFICE_PATH"] = ""
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "(PDF)" not in page and ".pdf" not in page
    assert secretariat_client.get(f"/meetings/{demo.id}/minutes.pdf").status_code == 404
    assert secretariat_client.get(f"/meetings/{demo.id}/minutes.docx").status_code == 200
    app.config["SOFFICE_PATH"] = None
