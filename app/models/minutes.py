"""The compte rendu of a meeting and its workflow draft → validated → published."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DDL, ForeignKey, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.meetings import Meeting


class MinutesStatus(LabelledEnum):
    DRAFT = ("draft", "Projet")
    VALIDATED = ("validated", "Validé")
    PUBLISHED = ("published", "Publié")


class MinutesAction(LabelledEnum):
    VALIDATED = ("validated", "Validé")
    PUBLISHED = ("published", "Publié")
    REOPENED = ("reopened", "Rouvert")


class Minutes(db.Model):
    """One per meeting. Once validated, ``document`` holds the frozen .docx served from then on."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(
        enum_column(MinutesStatus, "minutes_status"), default=MinutesStatus.DRAFT
    )
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # read only when served
    # Kept with ``document`` (set together, see below): the download's ETag and length without reading it.
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_size: Mapped[int | None]
    # The quorum sentence of the compte rendu, computed at validation and kept with the frozen file
    # (the seats in office may change afterwards; what was stated may not).
    quorum_statement: Mapped[str | None] = mapped_column(Text)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Set when the secretariat puts the published compte rendu on the public page too (app/votes).
    public_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    events: Mapped[list[MinutesEvent]] = relationship(
        back_populates="minutes", order_by="MinutesEvent.at", cascade="all, delete-orphan"
    )


@event.listens_for(Minutes.document, "set")
def _describe_document(minutes: Minutes, document: bytes | None, _old, _initiator) -> None:
    """Whoever freezes, rewrites or drops the file, its digest and size follow."""
    minutes.document_sha256 = hashlib.sha256(document).hexdigest() if document is not None else None
    minutes.document_size = len(document) if document is not None else None


# On PostgreSQL the frozen file (a .zip already) is stored uncompressed out of line, so that reading one
# piece of it does not read the rest (as revision 0100 does for a migrated database).
event.listen(Minutes.__table__, "after_create",
             DDL("ALTER TABLE minutes ALTER COLUMN document SET STORAGE EXTERNAL").execute_if(dialect="postgresql"))


class MinutesEvent(db.Model):
    """Who validated, published or reopened the minutes, and when."""

    __tablename__ = "minutes_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    action: Mapped[MinutesAction] = mapped_column(enum_column(MinutesAction, "minutes_action"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    comment: Mapped[str] = mapped_column(String(500), default="")

    minutes: Mapped[Minutes] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class ConvertedPdf(db.Model):
    """The PDF of a generated .docx, keyed by what the .docx shows (app/documents/pdf.py).

    Kept in the database, not on a disk, so that every app server and the worker that converts
    share it; ``docx`` holds the source until the worker has converted it.
    """

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    docx: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
