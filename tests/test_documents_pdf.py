"""PDF beside every .docx: LibreOffice converts it (in the background with a queue, at once without),
the PDF is cached, and without LibreOffice no PDF link is offered (never a 500)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from app.documents import pdf as pdf_module
from app.models import AttendanceStatus, Capacity

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    """Each test its own PDF cache (the instance folder is shared by the tests)."""
    cache = tmp_path / "pdf-cache"
    cache.mkdir()
    monkeypatch.setattr(pdf_module, "cache_directory", lambda: cache)


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
    app.config["SOFFICE_PATH"] = "/usr/bin/true"
    queued = []
    monkeypatch.setattr(pdf_module, "enqueue", lambda path, *args: queued.append((path, args)))
    response = secretariat_client.get(f"/meetings/{demo.id}/sign-in-sheet.pdf")
    assert response.status_code == 202 and "PDF en préparation" in response.get_data(as_text=True)
    assert queued and queued[0][0] == "app.documents.pdf:convert_cached"
    app.config["SOFFICE_PATH"] = None


def test_without_libreoffice_no_pdf_link_and_no_error(demo, secretariat_client, app):
    app.config["SOFFICE_PATH"] = ""
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "(PDF)" not in page and ".pdf" not in page
    assert secretariat_client.get(f"/meetings/{demo.id}/minutes.pdf").status_code == 404
    assert secretariat_client.get(f"/meetings/{demo.id}/minutes.docx").status_code == 200
    app.config["SOFFICE_PATH"] = None
