"""Queries on meetings shared by several pages."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload, noload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import (
    Attendance,
    Body,
    Deadline,
    Invitation,
    Meeting,
    MeetingStatus,
    Person,
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


# A point as pages and documents show it: with its speaker; its sub-points are rebuilt from its section's
# points (``nest_points``), not read again.
POINT_WITH_SPEAKER = (noload(RoundTablePoint.children), joinedload(RoundTablePoint.speaker))


def load_meeting_for_display(meeting_id: int, *, for_documents: bool = False) -> Meeting | None:
    """A meeting with everything its page and its documents show, in a fixed number of queries, each
    row read once: people come joined to the attendance, invitation or point that names them, the
    points of all sections come in one query and their nesting is rebuilt from it (no second read of
    the sub-points). ``for_documents``: as the Word documents read it, with the body's organisation (their
    header) and the memberships of the people recorded (their collège), without the points' themes (no
    document shows them)."""
    attendee = joinedload(Attendance.person)
    point_details = [*POINT_WITH_SPEAKER]
    body = selectinload(Meeting.body)
    if for_documents:
        attendee = attendee.selectinload(Person.memberships)
        body = body.joinedload(Body.organisation)
    else:
        point_details.append(selectinload(RoundTablePoint.themes))
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            body,
            selectinload(Meeting.agenda_items),
            selectinload(Meeting.attendances).options(attendee, joinedload(Attendance.represented_by)),
            selectinload(Meeting.invitations).joinedload(Invitation.person),
            selectinload(Meeting.sections).selectinload(RoundTableSection.points).options(*point_details),
            selectinload(Meeting.deadlines).selectinload(Deadline.announced_meeting),
            selectinload(Meeting.minutes),
        )
    )
    if meeting is not None:
        nest_points(meeting.sections)
    return meeting


def nest_points(sections: list[RoundTableSection]) -> None:
    """Give each loaded point its sub-points from the points already read (in their order of position)."""
    children: dict[int, list[RoundTablePoint]] = defaultdict(list)
    points = [point for section in sections for point in section.points]
    for point in points:
        if point.parent_id is not None:
            children[point.parent_id].append(point)
    for point in points:
        set_committed_value(point, "children", children.get(point.id, []))
