"""Real clients accept the files: LibreOffice converts each document to PDF, and the PDF says what
the document says. Skipped when LibreOffice is not installed (scripts/install-system-packages)."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_sign_in_sheet, meetings_for_synthesis, synthesis_themes
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.synthesis import build_synthesis
from app.documents.word import document_bytes
from app.meetings.queries import load_meeting_for_display

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) n'est pas installé")


def pdf_text(path) -> str | None:
    if PDFTOTEXT is None:
        return None
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, timeout=60,
                            check=True)
    return " ".join(result.stdout.split())  # lines wrap differently from one renderer to the next


def test_libreoffice_converts_every_document_and_prints_its_text(demo, tmp_path):
    meeting = load_meeting_for_display(demo.id)
    documents = {
        "compte-rendu": build_minutes(meeting),
        "emargement": build_sign_in_sheet(load_meeting_for_sign_in_sheet(demo.id)),
        "synthese": build_synthesis(meetings_for_synthesis([demo.body_id], date(2020, 5, 1), date(2020, 6, 30)),
                                    synthesis_themes(demo.body.organisation_id)),
    }
    for name, document in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(document_bytes(document))
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *[str(tmp_path / f"{name}.docx") for name in documents]],
        capture_output=True, timeout=240, check=True,
    )
    for name in documents:
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), name

    expected = {
        "compte-rendu": ["PROJET", "Compte rendu de la séance du jeudi 28 mai 2020", "Méthode de travail retenue",
                         "Tour de table des participants", "Impulsion de l’« Aller vers »", "mis en œuvre", "Le mardi 9 juin 2020 à 10h30",
                         "M. MARCHAND Laurent", "Président de la CRSA", "Mme DURAND GOUDIN",
                         "Personnes présentes au titre de l’Agence Régionale de Santé"],
        "emargement": ["Feuille d’émargement", "SIGNATURE", "BERTRAND", "Lieu : Visioconférence"],
        "synthese": ["Points et propositions par thème", "Pilier n°4", "(GT COVID Déconfinement, 28 mai 2020)"],
    }
    for name, fragments in expected.items():
        text = pdf_text(tmp_path / f"{name}.pdf")
        if text is None:
            pytest.skip("pdftotext (poppler-utils) absent : PDF produits, texte non vérifié")
        for fragment in fragments:
            assert fragment in text, (name, fragment)
        pages = int(re.search(r"Page 1 / (\d+)", text).group(1))
        assert f"Page {pages} / {pages}" in text, name  # the fields were computed
