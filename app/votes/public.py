"""What an organisation shows anyone, without login: its upcoming plenaries, the avis its bodies
published (L.1432-4) and the comptes rendus the secretariat chose to publish. Names of bodies, dates,
places and texts only: no person's address, no visio link."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, case, select
from sqlalchemy.orm import selectinload

from app.documents.queries import FROZEN_PIECE_SIZE
from app.extensions import db
from app.models import (
    AgendaItem,
    Body,
    BodyKind,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Vote,
    WrittenConsultation,
    utc_now,
)

# Bodies whose meetings are plenaries: the CRSA in plenary and the conseils territoriaux.
PLENARY_KINDS = (BodyKind.CRSA_PLENARY, BodyKind.CTS)
PUBLIC_LIST_LIMIT = 50


def _of_organisation(organisation_id: int):
    return Meeting.body_id.in_(select(Body.id).where(Body.organisation_id == organisation_id))


def upcoming_plenaries(organisation_id: int) -> list[Meeting]:
    query = (select(Meeting)
             .join(Body).where(Body.organisation_id == organisation_id, Body.kind.in_(PLENARY_KINDS),
                               Meeting.deleted_at.is_(None), Meeting.status != MeetingStatus.CANCELLED,
                               Meeting.ends_at >= utc_now())
             .options(selectinload(Meeting.body)).order_by(Meeting.starts_at).limit(PUBLIC_LIST_LIMIT))
    return list(db.session.scalars(query))


def published_avis(organisation_id: int, limit: int = PUBLIC_LIST_LIMIT) -> list[Vote]:
    """Published avis of current votes, newest meeting first, with their item, meeting and body; a meeting
    cancelled since gave no avis."""
    query = (select(Vote).join(Vote.agenda_item).join(Meeting)
             .where(_of_organisation(organisation_id), Meeting.deleted_at.is_(None),
                    Meeting.status != MeetingStatus.CANCELLED,
                    Vote.published_at.is_not(None), Vote.reopened_at.is_(None))
             .options(selectinload(Vote.agenda_item).selectinload(AgendaItem.meeting).selectinload(Meeting.body))
             .order_by(Meeting.starts_at.desc(), AgendaItem.position).limit(limit))
    return list(db.session.scalars(query))


def published_consultations(organisation_id: int, limit: int = PUBLIC_LIST_LIMIT) -> list[WrittenConsultation]:
    """Avis rendered by written consultation and published, newest closing first, with their body."""
    query = (select(WrittenConsultation).join(Body)
             .where(Body.organisation_id == organisation_id, WrittenConsultation.published_at.is_not(None),
                    WrittenConsultation.closed_at.is_not(None))
             .options(selectinload(WrittenConsultation.body))
             .order_by(WrittenConsultation.closed_at.desc()).limit(limit))
    return list(db.session.scalars(query))


def _is_public_minutes(minutes=Minutes, meeting=Meeting):
    """SQL condition (with the meeting joined): a published compte rendu put on the public page since, of a
    meeting still there, its file frozen (``minutes_are_public`` says the same of a loaded one). ``minutes``,
    ``meeting``: the mapped classes, or their tables' columns (a statement of plain rows)."""
    return ((minutes.status == MinutesStatus.PUBLISHED) & (minutes.public_at >= minutes.published_at)
            & meeting.deleted_at.is_(None) & minutes.document_sha256.is_not(None))


def public_minutes(organisation_id: int) -> list[Minutes]:
    """Published comptes rendus the secretariat put on the public page, newest first."""
    query = (select(Minutes).join(Meeting)
             .where(_of_organisation(organisation_id), _is_public_minutes())
             .options(selectinload(Minutes.meeting).selectinload(Meeting.body))
             .order_by(Meeting.starts_at.desc()).limit(PUBLIC_LIST_LIMIT))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PublicMinutesFile:
    """What the public download of a compte rendu needs: its meeting's day (the file's name), the frozen
    file's digest and size, and its bytes when they fit one piece (a larger file is streamed)."""

    minutes_id: int
    starts_at: datetime
    sha256: str
    size: int
    content: bytes | None


@cache
def _public_minutes_file_statement() -> Select:
    """Of the tables' columns, no mapped class: the rows are read as they come, no object is built."""
    minutes, meeting = Minutes.__table__.c, Meeting.__table__.c
    return (select(minutes.id, meeting.starts_at, minutes.document_sha256, minutes.document_size,
                   case((minutes.document_size <= FROZEN_PIECE_SIZE, minutes.document)))
            .join_from(Minutes.__table__, Meeting.__table__, meeting.id == minutes.meeting_id)
            .where(minutes.id == bindparam("minutes_id"), _is_public_minutes(minutes, meeting)))


def public_minutes_file(minutes_id: int) -> PublicMinutesFile | None:
    """The public compte rendu ``minutes_id`` as a download (None unless public), in one statement: like
    the members' download, no object loaded and a large file never read whole."""
    row = db.session.execute(_public_minutes_file_statement(), {"minutes_id": minutes_id}).first()
    return PublicMinutesFile(*row) if row is not None else None


def minutes_are_public(minutes: Minutes | None) -> bool:
    """Published, and put on the public page since: a compte rendu reopened and published again waits
    for the secretariat to choose again."""
    return (minutes is not None and minutes.status is MinutesStatus.PUBLISHED and minutes.public_at is not None
            and minutes.published_at is not None and minutes.public_at >= minutes.published_at)
