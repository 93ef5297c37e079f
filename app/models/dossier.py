"""The dossier de séance: documents uploaded to a meeting or to one of its agenda items.

A ``MeetingDocument`` is what members see (a title, a place in the dossier); each upload of its file
is a ``DocumentVersion`` (the newest is current, the older ones are kept, listed as replaced). The
bytes live in ``DocumentChunk`` rows of at most ``CHUNK_SIZE`` bytes, so that a download reads one
chunk at a time (app/dossier/storage.py). ``DocumentReceipt`` records the first download of a version
by a person (proof they had it, and when).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utc_now

if TYPE_CHECKING:
    from app.models.meetings import AgendaItem, Meeting
    from app.models.people import Person

CHUNK_SIZE = 1024 * 1024  # bytes per DocumentChunk row


class MeetingDocument(db.Model):
    """A document of the dossier of a meeting (or of one of its agenda items)."""

    __tablename__ = "meeting_document"
    __table_args__ = (Index("ix_meeting_document_meeting_id_position", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    # Presented during the meeting (slides…), added afterwards: listed in the compte rendu's annexes.
    presented_at_meeting: Mapped[bool] = mapped_column(default=False)
    # « Diffusé »: members see the document from then on; None: a draft of the secretariat.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def replaced(self) -> list[DocumentVersion]:
        return list(reversed(self.versions[:-1]))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None

    @property
    def available_at(self) -> datetime | None:
        """When members could first read the current version (None while a draft or withdrawn)."""
        if not self.is_published:
            return None
        return max(self.published_at, self.current.uploaded_at)


class DocumentVersion(db.Model):
    """One uploaded file of a document; its bytes are in ``DocumentChunk`` rows."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("meeting_document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Where the bytes are: "database" (DocumentChunk rows); another backend would name its own.
    storage: Mapped[str] = mapped_column(String(20), default="database")

    document: Mapped[MeetingDocument] = relationship(back_populates="versions")


class DocumentChunk(db.Model):
    """A slice of a version's bytes (at most ``CHUNK_SIZE``), in order."""

    __tablename__ = "document_chunk"

    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"),
                                            primary_key=True)
    index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentReceipt(db.Model):
    """A person's first download of a document version."""

    __tablename__ = "document_receipt"
    __table_args__ = (UniqueConstraint("version_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    version: Mapped[DocumentVersion] = relationship()
    person: Mapped[Person] = relationship()
