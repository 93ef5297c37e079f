"""PDF beside every .docx: LibreOffice headless converts it in the background (app.jobs; at once
without Redis). PDFs are cached in ``instance/pdf-cache`` by the content of the .docx, so the
validated compte rendu, frozen, is converted once. Without LibreOffice no PDF is offered.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from flask import current_app

from app.jobs import enqueue

logger = logging.getLogger(__name__)
CONVERSION_TIMEOUT = 180  # seconds; a 150-member compte rendu takes a few
# Parts that change at every build though the document does not (its creation time).
_VOLATILE_PARTS = {"docProps/core.xml"}


def soffice_path() -> str | None:
    """The LibreOffice executable: ``SOFFICE_PATH`` ('' turns PDFs off), else found on the PATH."""
    configured = current_app.config.get("SOFFICE_PATH")
    if configured is not None:
        return configured or None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def cache_directory() -> Path:
    directory = Path(current_app.instance_path) / "pdf-cache"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def document_key(content: bytes) -> str:
    """A digest of what the .docx shows (its parts but the core properties' timestamps)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            if name not in _VOLATILE_PARTS:
                digest.update(name.encode())
                digest.update(archive.read(name))
    return digest.hexdigest()


def pdf_for(content: bytes) -> bytes | None:
    """The PDF of the .docx ``content`` if converted already; else the conversion is queued (done
    before returning without Redis) and None means « not ready yet »."""
    key = document_key(content)
    pdf = cache_directory() / f"{key}.pdf"
    if not pdf.exists():
        source = cache_directory() / f"{key}.docx"
        if not source.exists():
            source.write_bytes(content)
        enqueue("app.documents.pdf:convert_cached", key)
    return pdf.read_bytes() if pdf.exists() else None


def convert_cached(key: str) -> None:
    """Job: convert ``pdf-cache/<key>.docx`` to ``<key>.pdf`` (written whole or not at all)."""
    directory = cache_directory()
    source, target = directory / f"{key}.docx", directory / f"{key}.pdf"
    if target.exists() or not source.exists():
        return
    pdf = convert_to_pdf(source.read_bytes())
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pdf)
    temporary.replace(target)
    source.unlink(missing_ok=True)


def convert_to_pdf(content: bytes) -> bytes:
    """The .docx ``content`` converted by LibreOffice headless, with a profile of its own (two
    conversions at once would otherwise fight over the user's profile)."""
    executable = soffice_path()
    if executable is None:
        raise RuntimeError("LibreOffice (soffice) n'est pas installé.")
    with tempfile.TemporaryDirectory(prefix="seances-pdf-") as work:
        work_path = Path(work)
        (work_path / "document.docx").write_bytes(content)
        subprocess.run(
            [executable, f"-env:UserInstallation=file://{work_path / 'profile'}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(work_path), str(work_path / "document.docx")],
            capture_output=True, timeout=CONVERSION_TIMEOUT, check=True,
        )
        return (work_path / "document.pdf").read_bytes()
