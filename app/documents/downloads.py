"""A Word file sent as a download (one place for its type, name and ETag): a generated one, or the frozen
bytes of a validated compte rendu, streamed by pieces."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from flask import Response, request, send_file

from app.documents.word import DOCX_MIMETYPE
from app.dossier.downloads import in_own_context


def send_docx(content: bytes, filename: str, etag: str | None = None):
    """``content`` as an attachment named ``filename``; ``etag`` for frozen bytes (304 when unchanged)."""
    return send_file(io.BytesIO(content), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=filename,
                     etag=etag or False)


def send_frozen_docx(sha256: str, size: int, filename: str, content: bytes | None,
                     pieces: Callable[[], Iterator[bytes]]) -> Response:
    """A stored file, whose digest and size are known without reading it: 304 for a browser that holds it
    (nothing read); else ``content`` when the caller has it already, or ``pieces()`` read while the
    response is sent, each in an application context of its own (one piece in memory at a time)."""
    response = Response(status=304) if request.if_none_match.contains_weak(sha256) else Response(
        content if content is not None else in_own_context(pieces), mimetype=DOCX_MIMETYPE)
    response.set_etag(sha256)
    if response.status_code == 200:
        response.headers.set("Content-Disposition", "attachment", filename=filename)
        response.content_length = size
    return response
