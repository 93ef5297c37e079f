"""PDF beside every .docx: LibreOffice headless converts it in the background (app.jobs; at once
without Redis). PDFs are kept in the database (``ConvertedPdf``) by the content of the .docx, so the
validated compte rendu, frozen, is converted once, and every app server and the worker share them.
Without LibreOffice no PDF is offered. A conversion that fails (LibreOffice missing, crashing, over
``PDF_CONVERSION_TIMEOUT``) or that cannot be queued raises ``PdfUnavailable`` to the request, which then
offers the .docx; a failed one is tried again ``PDF_RETRY_AFTER`` seconds later.
"""
from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import QueueUnreachable, enqueue
from app.models import ConvertedPdf, utc_now

logger = logging.getLogger(__name__)
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


class PdfConversionError(RuntimeError):
    """LibreOffice did not give a whole PDF (missing, crashed, stopped at the timeout)."""


class PdfUnavailable(Exception):
    """No PDF to serve for now; ``str()`` says why, in French, for the page that offers the .docx."""


CONVERSION_FAILED = ("La conversion en PDF a échoué. Le document reste disponible au format Word (.docx) ; "
                     "un nouvel essai sera possible dans quelques minutes.")
QUEUE_UNREACHABLE = ("La conversion en PDF est momentanément indisponible (service de tâches injoignable). "
                     "Le document reste disponible au format Word (.docx) ; réessayez plus tard.")


def pdf_for(content: bytes) -> bytes | None:
    """The PDF of the .docx ``content`` if converted already; else the conversion is queued (done
    before returning without Redis) and None means « not ready yet ». Raises ``PdfUnavailable`` when
    the last conversion failed (less than ``PDF_RETRY_AFTER`` ago) or the queue cannot be reached."""
    key = document_key(content)
    pdf, failed_at = _stored_pdf(key)
    if pdf is not None:
        return pdf
    if failed_at is not None:
        if utc_now() - failed_at < timedelta(seconds=int(current_app.config["PDF_RETRY_AFTER"])):
            raise PdfUnavailable(CONVERSION_FAILED)
        _forget_failure(key)
    _store_source(key, content)
    try:
        enqueue("app.documents.pdf:convert_cached", key)
    except QueueUnreachable:
        raise PdfUnavailable(QUEUE_UNREACHABLE) from None
    pdf, failed_at = _stored_pdf(key)
    if failed_at is not None and pdf is None:  # converted at once (no queue), and failed
        raise PdfUnavailable(CONVERSION_FAILED)
    return pdf


def _stored_pdf(key: str) -> tuple[bytes | None, datetime | None]:
    """The PDF, and when its conversion failed (``converted_at`` without a PDF)."""
    row = db.session.execute(select(ConvertedPdf.pdf, ConvertedPdf.converted_at)
                             .where(ConvertedPdf.key == key)).first()
    if row is None:
        return None, None
    return row.pdf, row.converted_at if row.pdf is None else None


def _forget_failure(key: str) -> None:
    db.session.execute(update(ConvertedPdf).where(ConvertedPdf.key == key, ConvertedPdf.pdf.is_(None))
                       .values(converted_at=None))
    db.session.commit()


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
        return  # asked for by then and converted, or dropped from the cache: nothing to do
    try:
        pdf = convert_to_pdf(row.docx)
    except PdfConversionError as error:
        # Recorded, not raised: the job ends (no retry loop), and the request says it and offers the .docx.
        logger.warning("PDF conversion of %s failed: %s", key, error)
        row.converted_at = utc_now()
        db.session.commit()
        return
    row.pdf, row.docx, row.converted_at = pdf, None, utc_now()
    cutoff = utc_now() - timedelta(days=current_app.config["PDF_CACHE_DAYS"])
    db.session.execute(delete(ConvertedPdf).where(ConvertedPdf.requested_at < cutoff))
    db.session.commit()


def convert_to_pdf(content: bytes) -> bytes:
    """The .docx ``content`` converted by LibreOffice headless, with a profile of its own (two
    conversions at once would otherwise fight over the user's profile). Raises ``PdfConversionError``
    unless a whole PDF came out within ``PDF_CONVERSION_TIMEOUT`` seconds."""
    executable = soffice_path()
    if executable is None:
        raise PdfConversionError("LibreOffice (soffice) n'est pas installé.")
    timeout = float(current_app.config["PDF_CONVERSION_TIMEOUT"])
    with tempfile.TemporaryDirectory(prefix="seances-pdf-") as work:
        work_path = Path(work)
        (work_path / "document.docx").write_bytes(content)
        command = [executable, f"-env:UserInstallation=file://{work_path / 'profile'}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work_path), str(work_path / "document.docx")]
        _run_in_own_group(command, timeout)
        try:
            pdf = (work_path / "document.pdf").read_bytes()
        except OSError as error:
            raise PdfConversionError(f"LibreOffice n'a pas produit de PDF ({error.strerror}).") from error
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        raise PdfConversionError("LibreOffice a produit un PDF incomplet.")
    return pdf


def _run_in_own_group(command: list[str], timeout: float) -> None:
    """Run LibreOffice in a process group of its own, and end the whole group afterwards: ``soffice`` is a
    launcher whose ``soffice.bin`` child would outlive a timeout or a crash of the launcher alone."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise PdfConversionError(f"LibreOffice ne démarre pas ({error.strerror}).") from error
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PdfConversionError(f"LibreOffice n'a pas fini en {timeout:g} secondes.") from None
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group ended with its leader
        process.communicate()  # reaps the leader and closes its pipes
    if process.returncode != 0:
        detail = errors.decode(errors="replace").strip()[-300:]
        raise PdfConversionError(f"LibreOffice a échoué (code {process.returncode}) {detail}".strip())
