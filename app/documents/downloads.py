"""A generated Word file sent as a download (one place for its type, name and ETag)."""
from __future__ import annotations

import io

from flask import send_file

from app.documents.word import DOCX_MIMETYPE


def send_docx(content: bytes, filename: str, etag: str | None = None):
    """``content`` as an attachment named ``filename``; ``etag`` for frozen bytes (304 when unchanged)."""
    return send_file(io.BytesIO(content), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=filename,
                     etag=etag or False)
