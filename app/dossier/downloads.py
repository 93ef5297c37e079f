"""Responses that hand out documents: one file, or the whole dossier as a .zip built while it is sent.

Always ``Content-Disposition: attachment`` with the detected type and ``nosniff``: a document is never
rendered from the app's origin (a PDF or an image with scripts would run with the user's session).
The bytes are read while the response is sent, in an application context of their own, from plain
values taken during the request (ids, names, sizes): never more than one chunk in memory.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from flask import Response, current_app

from app.dossier.domain import DossierLine
from app.dossier.storage import storage_named
from app.formatting import long_date, plain_date, to_paris
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


def in_own_context(produce: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """The pieces of ``produce()``, each made when the server asks for it inside a short application
    context of its own (one session, one query), left before the piece is handed over: no context stays
    open between two pieces, however the server interleaves requests."""
    app = current_app._get_current_object()

    def generate() -> Iterator[bytes]:
        pieces = None
        while True:
            with app.app_context():
                pieces = pieces if pieces is not None else produce()
                piece = next(pieces, None)
            if piece is None:
                return
            yield piece

    return generate()


@dataclass(frozen=True)
class StoredFile:
    """What the body of a download needs, read during the request."""

    version_id: int
    storage: str
    size: int
    modified: datetime

    @classmethod
    def of(cls, version: DocumentVersion) -> StoredFile:
        return cls(version.id, version.storage, version.size, version.uploaded_at)

    def chunks(self) -> Iterator[bytes]:
        return storage_named(self.storage).chunks(self.version_id)


def file_response(version: DocumentVersion) -> Response:
    """The version's bytes, streamed chunk by chunk."""
    stored = StoredFile.of(version)
    response = Response(in_own_context(stored.chunks), mimetype=version.mimetype,
                        headers=attachment_headers(version.filename))
    response.content_length = stored.size
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
        text.append(name)
        text.append(f"    {document.title}{item}")
        text.append(f"    version {document.current.number} du {plain_date(document.current.uploaded_at)}"
                    + (f" — {line.mark}" if line.mark else ""))
    if not lines:
        text.append("Aucun document diffusé.")
    return "\r\n".join(text) + "\r\n"


def zip_chunks(contents: str, entries: list[tuple[str, StoredFile]]) -> Iterator[bytes]:
    """The .zip, yielded piece by piece: never more than a chunk of a file in memory."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00 - Sommaire.txt", contents)
        yield pipe.take()
        for name, stored in entries:
            info = zipfile.ZipInfo(name, date_time=to_paris(stored.modified).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = stored.size
            with archive.open(info, mode="w") as entry:
                for piece in stored.chunks():
                    entry.write(piece)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def zip_response(meeting: Meeting, lines: list[DossierLine]) -> Response:
    contents = table_of_contents(meeting, lines)
    entries = [(name, StoredFile.of(line.document.current)) for name, line in zip(entry_names(lines), lines)]
    filename = f"dossier-seance-{to_paris(meeting.starts_at):%Y-%m-%d}.zip"
    return Response(in_own_context(lambda: zip_chunks(contents, entries)), mimetype="application/zip",
                    headers=attachment_headers(filename))
