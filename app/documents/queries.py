"""What the document builders read, loaded up front in a fixed number of queries."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.meetings.queries import load_meeting_for_display
from app.permissions import themes_of
from app.formatting import paris_datetime
from app.models import (Body, Invitation, Meeting, MeetingStatus, Person, RoundTablePoint, RoundTableSection, Theme,
                        utc_now)


def load_meeting_for_minutes(meeting_id: int) -> Meeting | None:
    """The meeting as its page shows it, plus the memberships of the people recorded (their collège)."""
    meeting = load_meeting_for_display(meeting_id)
    if meeting is not None and meeting.attendances:
        person_ids = [attendance.person_id for attendance in meeting.attendances]
        db.session.scalars(select(Person).where(Person.id.in_(person_ids))
                           .options(selectinload(Person.memberships))).all()
    return meeting


def load_meeting_for_sign_in_sheet(meeting_id: int) -> Meeting | None:
    """A meeting with its convened people and their memberships (for titulaire / suppléant)."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted_at.is_(None))
        .options(
            selectinload(Meeting.body).selectinload(Body.organisation),
            selectinload(Meeting.invitations).selectinload(Invitation.person).selectinload(Person.memberships),
            selectinload(Meeting.invitations).selectinload(Invitation.proxy_holder),
        )
    )


def meetings_for_synthesis(body_ids: Sequence[int], date_from: date, date_to: date,
                           now: datetime | None = None) -> list[Meeting]:
    """Meetings of ``body_ids`` held between the two Paris dates (inclusive), oldest first, with their
    round-table points and themes: never a cancelled one, nor one not over yet."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.body_id.in_(list(body_ids)),
                Meeting.deleted_at.is_(None),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.ends_at <= (now or utc_now()),
                Meeting.starts_at >= paris_datetime(date_from, 0),
                Meeting.starts_at < paris_datetime(date_to + timedelta(days=1), 0),
            )
            .options(
                selectinload(Meeting.body).selectinload(Body.organisation),
                selectinload(Meeting.sections)
                .selectinload(RoundTableSection.points)
                .selectinload(RoundTablePoint.themes),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def synthesis_themes(organisation_id: int) -> list[Theme]:
    """The themes of the ARS (the shared ones first), in order: each gets its line in the synthesis, even at zero."""
    return list(db.session.scalars(themes_of(organisation_id)))


def bodies_by_id(body_ids: Sequence[int]) -> dict[int, Body]:
    return {body.id: body for body in db.session.scalars(select(Body).where(Body.id.in_(list(body_ids))))}
