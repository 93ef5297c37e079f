"""What an organisation shows anyone, without login: its upcoming plenaries, the avis its bodies
published (L.1432-4) and the comptes rendus the secretariat chose to publish. Names of bodies, dates,
places and texts only: no person's address, no visio link."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
    """Published avis of current votes, newest meeting first, with their item, meeting and body."""
    query = (select(Vote).join(Vote.agenda_item).join(Meeting)
             .where(_of_organisation(organisation_id), Meeting.deleted_at.is_(None),
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


def public_minutes(organisation_id: int) -> list[Minutes]:
    """Published comptes rendus the secretariat put on the public page, newest first."""
    query = (select(Minutes).join(Meeting)
             .where(_of_organisation(organisation_id), Meeting.deleted_at.is_(None),
                    Minutes.status == MinutesStatus.PUBLISHED, Minutes.public_at >= Minutes.published_at)
             .options(selectinload(Minutes.meeting).selectinload(Meeting.body))
             .order_by(Meeting.starts_at.desc()).limit(PUBLIC_LIST_LIMIT))
    return list(db.session.scalars(query))


def minutes_are_public(minutes: Minutes | None) -> bool:
    """Published, and put on the public page since: a compte rendu reopened and published again waits
    for the secretariat to choose again."""
    return (minutes is not None and minutes.status is MinutesStatus.PUBLISHED and minutes.public_at is not None
            and minutes.published_at is not None and minutes.public_at >= minutes.published_at)


def public_minutes_or_none(minutes_id: int) -> Minutes | None:
    minutes = db.session.get(Minutes, minutes_id)
    if not minutes_are_public(minutes) or minutes.meeting.deleted_at is not None or minutes.document is None:
        return None
    return minutes
