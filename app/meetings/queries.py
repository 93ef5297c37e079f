"""Queries on meetings shared by several pages."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Attendance,
    Deadline,
    Invitation,
    Meeting,
    MeetingStatus,
    RoundTablePoint,
    RoundTableSection,
    User,
    utc_now,
)
from app.permissions import visible_meetings


def upcoming_meetings(user: User, limit: int = 20) -> list[Meeting]:
    query = (
        visible_meetings(user)
        .where(Meeting.ends_at >= utc_now(), Meeting.status != MeetingStatus.CANCELLED)
        .options(selectinload(Meeting.body))
        .order_by(Meeting.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def load_meeting_for_display(meeting_id: int) -> Meeting | None:
    """A meeting with everything its page and its documents show, in a fixed number of queries."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.body),
            selectinload(Meeting.agenda_items),
            selectinload(Meeting.attendances).selectinload(Attendance.person),
            selectinload(Meeting.attendances).selectinload(Attendance.represented_by),
            selectinload(Meeting.invitations).selectinload(Invitation.person),
            selectinload(Meeting.sections)
            .selectinload(RoundTableSection.points)
            .options(
                selectinload(RoundTablePoint.children),
                selectinload(RoundTablePoint.themes),
                selectinload(RoundTablePoint.speaker),
            ),
            selectinload(Meeting.deadlines).selectinload(Deadline.announced_meeting),
            selectinload(Meeting.minutes),
        )
    )
