"""PDF beside every .docx: LibreOffice headless converts it in the background (app.jobs; at once
without Redis). PDFs are kept in the database (``ConvertedPdf``) by the content of the .docx, so the
validated compte rendu, frozen, is converted once, and every app server and the worker share them.
Without LibreOffice no PDF is offered.
"""
from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import enqueue
from app.models import ConvertedPdf, utc_now

logger = logging.getLogger(__name__)
CONVERSION_TIMEOUT = 180  # seconds; a 150-member compte rendu takes a few
# Parts that change at every build though the document does not (its creation time).
_VOLATILE_PARTS = {"docProps/core.xml"}


def soffice_path() -> str | None:
    """The LibreOffice executable: ``SOFFICE_PATH`` ('' turns PDFs off), else found on the PATH."""
    configured = current_app.config.get("SOFFICE_PATH")
    if configured is not None:
        return configured or None
    return _found_on_path(os.environ.get("PATH", ""), int(time.monotonic() // PATH_LOOKUP_SECONDS))


PATH_LOOKUP_SECONDS = 60  # LibreOffice installed while the app runs shows within a minute


@functools.lru_cache(maxsize=4)
def _found_on_path(path: str, period: int) -> str | None:
    """Walking the PATH costs about a tenth of a meeting page, which asks on every view: once a minute."""
    return shutil.which("soffice", path=path) or shutil.which("libreoffice", path=path)


def pdf_available() -> bool:
    return soffice_path() is not None


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
    pdf = _stored_pdf(key)
    if pdf is None:
        _store_source(key, content)
        enqueue("app.documents.pdf:convert_cached", key)
        pdf = _stored_pdf(key)
    return pdf


def _stored_pdf(key: str) -> bytes | None:
    return db.session.scalar(select(ConvertedPdf.pdf).where(ConvertedPdf.key == key))


def _store_source(key: str, content: bytes) -> None:
    """The .docx waits in the database for the worker (committed: the worker reads it from another
    process); two requests for the same new document store it once."""
    if db.session.scalar(select(ConvertedPdf.key).where(ConvertedPdf.key == key)) is not None:
        return
    try:
        db.session.add(ConvertedPdf(key=key, docx=content))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def convert_cached(key: str) -> None:
    """Job: convert the .docx stored under ``key`` and keep its PDF. PDFs first asked for more than
    ``PDF_CACHE_DAYS`` ago go (a draft has a new key at every edit); any is converted again on request."""
    row = db.session.get(ConvertedPdf, key)
    if row is None or row.pdf is not None or row.docx is None:
        return
    row.pdf = convert_to_pdf(row.docx)
    row.docx, row.converted_at = None, utc_now()
    cutoff = utc_now() - timedelta(days=current_app.config["PDF_CACHE_DAYS"])
    db.session.execute(delete(ConvertedPdf).where(ConvertedPdf.requested_at < cutoff))
    db.session.commit()


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
