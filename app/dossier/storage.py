"""Where the bytes of the documents live, behind a small interface.

``DatabaseStorage`` (the default) writes each version as ``DocumentChunk`` rows of at most 1 MB, in
the transaction of its record: one source of truth, shared by every app server, saved by pg_dump and
by ``flask backup``. A download reads one chunk per query, so a 25 MB file never sits whole in the
memory of the app (on every engine). Another backend (S3-compatible…) implements the same three
methods, is named in ``DocumentVersion.storage`` and chosen with ``DOCUMENT_STORAGE``; the views only
call ``storage_for`` / ``default_storage``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import IO, Protocol

from flask import current_app
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models.dossier import CHUNK_SIZE, DocumentChunk, DocumentVersion


class Storage(Protocol):
    name: str

    def save(self, version: DocumentVersion, stream: IO[bytes]) -> None:
        """Store the stream's bytes for ``version`` (flushed, with an id); set its size and sha256."""

    def chunks(self, version_id: int) -> Iterator[bytes]:
        """A version's bytes, in pieces, without holding the whole file (given the id only: the download
        runs after the request's session is gone)."""

    def delete(self, version: DocumentVersion) -> None:
        """Forget the version's bytes."""


class DatabaseStorage:
    name = "database"

    def save(self, version: DocumentVersion, stream: IO[bytes]) -> None:
        digest, size, index = hashlib.sha256(), 0, 0
        stream.seek(0)
        while piece := stream.read(CHUNK_SIZE):
            digest.update(piece)
            size += len(piece)
            # Plain INSERTs: the chunks never enter the session's identity map (memory).
            db.session.execute(insert(DocumentChunk), [{"version_id": version.id, "index": index, "data": piece}])
            index += 1
        version.size, version.sha256 = size, digest.hexdigest()

    def chunks(self, version_id: int) -> Iterator[bytes]:
        indexes = db.session.scalars(select(DocumentChunk.index).where(DocumentChunk.version_id == version_id)
                                     .order_by(DocumentChunk.index)).all()
        for index in indexes:
            yield db.session.scalar(select(DocumentChunk.data).where(DocumentChunk.version_id == version_id,
                                                                     DocumentChunk.index == index))

    def delete(self, version: DocumentVersion) -> None:
        db.session.execute(delete(DocumentChunk).where(DocumentChunk.version_id == version.id))


BACKENDS: dict[str, Storage] = {DatabaseStorage.name: DatabaseStorage()}


def storage_for(version: DocumentVersion) -> Storage:
    return BACKENDS[version.storage]


def storage_named(name: str) -> Storage:
    return BACKENDS[name]


def default_storage() -> Storage:
    return BACKENDS[current_app.config["DOCUMENT_STORAGE"]]
