"""Responses that hand out documents: one file, or the whole dossier as a .zip built while it is sent.

Always ``Content-Disposition: attachment`` with the detected type and ``nosniff``: a document is never
rendered from the app's origin (a PDF or an image with scripts would run with the user's session).
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, stream_with_context

from app.dossier.domain import DossierLine
from app.dossier.storage import storage_for
from app.formatting import long_date, plain_date
from app.models import Meeting
from app.models.dossier import DocumentVersion


def attachment_headers(filename: str) -> dict[str, str]:
    """An ASCII fallback name and the UTF-8 one (RFC 6266), never rendered inline."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }


def file_response(version: DocumentVersion) -> Response:
    """The version's bytes, streamed chunk by chunk."""
    response = Response(stream_with_context(storage_for(version).chunks(version)), mimetype=version.mimetype,
                        headers=attachment_headers(version.filename))
    response.content_length = version.size
    return response


class _Pipe:
    """A write-only, unseekable file for ``zipfile``: what it writes is taken away as it comes."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def entry_names(lines: list[DossierLine]) -> list[str]:
    """« 01 - nom.pdf », numbered in the dossier's order (names are unique within the .zip)."""
    return [f"{index:02d} - {line.document.current.filename}" for index, line in enumerate(lines, start=1)]


def table_of_contents(meeting: Meeting, lines: list[DossierLine]) -> str:
    """« 00 - Sommaire.txt »: the meeting, then each document with its agenda item, file and date."""
    text = [f"Dossier de séance — {meeting.body.name}", meeting.title, f"Séance du {long_date(meeting.starts_at)}", ""]
    for name, line in zip(entry_names(lines), lines):
        document = line.document
        item = f" (point : {document.agenda_item.title})" if document.agenda_item is not None else ""
        text.append(f"{name}")
        text.append(f"    {document.title}{item}")
        text.append(f"    version {document.current.number} du {plain_date(document.current.uploaded_at)}"
                    + (f" — {line.mark}" if line.mark else ""))
    return "\r\n".join(text) + "\r\n"


def zip_chunks(meeting: Meeting, lines: list[DossierLine]) -> Iterator[bytes]:
    """The .zip, yielded piece by piece: never more than a chunk of a file in memory."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00 - Sommaire.txt", table_of_contents(meeting, lines))
        yield pipe.take()
        for name, line in zip(entry_names(lines), lines):
            version = line.document.current
            info = zipfile.ZipInfo(name, date_time=version.uploaded_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = version.size
            with archive.open(info, mode="w") as entry:
                for piece in storage_for(version).chunks(version):
                    entry.write(piece)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def zip_response(meeting: Meeting, lines: list[DossierLine]) -> Response:
    filename = f"dossier-seance-{meeting.starts_at:%Y-%m-%d}.zip"
    return Response(stream_with_context(zip_chunks(meeting, lines)), mimetype="application/zip",
                    headers=attachment_headers(filename))
