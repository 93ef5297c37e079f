"""Queries on meetings shared by several pages."""
from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import Select, bindparam, literal_column, select
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
from app.permissions import TODAY, AccountParameters, account_parameters, openable_meetings


def upcoming_meetings(user: User, limit: int = 20) -> list[Meeting]:
    """The next ``limit`` meetings the user may open, not cancelled, with their body (the home page)."""
    statement = upcoming_statement(db.engine.dialect.name, user.is_staff, limit)
    return list(db.session.scalars(statement, {**account_parameters(user), "now": utc_now()}))


@cache
def upcoming_statement(dialect: str, staff: bool, limit: int) -> Select:
    """``upcoming_meetings``' statement, built once for every account of a kind (its values:
    ``account_parameters`` and ``now``), each meeting's body joined to it."""
    return (
        openable_meetings(AccountParameters(staff), TODAY)
        .where(Meeting.ends_at >= bindparam("now"), Meeting.status != MeetingStatus.CANCELLED)
        .options(joinedload(Meeting.body, innerjoin=True))
        .order_by(start_order_read_after_filtering(dialect), Meeting.id)  # the first created first at the same moment
        .limit(limit)
    )


def start_order_read_after_filtering(dialect: str):
    """``Meeting.starts_at`` to order by, that PostgreSQL cannot read from the index of meetings by date.

    psycopg prepares a statement sent five times on a connection, and PostgreSQL may then keep one plan for
    any values. For « the first 20 meetings from now on », that plan walks the index by date from the
    first meeting ever, as if upcoming ones were spread over the whole history: 9 to 13 ms for an ARS of
    the national dataset, 0.5 when it reads the user's meetings first and sorts the few upcoming ones.
    An ordering by an expression (``+ interval '0'``, the same order) leaves it only the second way."""
    if dialect == "postgresql":
        return Meeting.starts_at + literal_column("interval '0'")
    return Meeting.starts_at


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
    meeting = db.session.execute(_meeting_statement(for_documents), {"meeting_id": meeting_id}).unique().scalar()
    if meeting is not None:
        nest_points(meeting.sections)
    return meeting


@cache
def _meeting_statement(for_documents: bool):
    """The statement of ``load_meeting_for_display``, built once for each use (building it and its cache key
    cost a millisecond). The meeting's short relations come joined to its own row (body, minutes, agenda,
    échéances: a handful of rows, where each « select in » costs a statement of its own); the long lists
    (attendance, convened people, points) each by one « select in »."""
    attendee = joinedload(Attendance.person)
    point_details = [*POINT_WITH_SPEAKER]
    body = joinedload(Meeting.body)
    if for_documents:
        attendee = attendee.selectinload(Person.memberships)
        body = body.joinedload(Body.organisation)
    else:
        point_details.append(selectinload(RoundTablePoint.themes))
    return (
        select(Meeting)
        .where(Meeting.id == bindparam("meeting_id"))
        .options(
            body,
            joinedload(Meeting.minutes),
            joinedload(Meeting.agenda_items),
            joinedload(Meeting.deadlines).joinedload(Deadline.announced_meeting),
            selectinload(Meeting.attendances).options(attendee, joinedload(Attendance.represented_by)),
            selectinload(Meeting.invitations).joinedload(Invitation.person),
            selectinload(Meeting.sections).selectinload(RoundTableSection.points).options(*point_details),
        )
    )


def nest_points(sections: list[RoundTableSection]) -> None:
    """Give each loaded point its sub-points from the points already read (in their order of position)."""
    children: dict[int, list[RoundTablePoint]] = defaultdict(list)
    points = [point for section in sections for point in section.points]
    for point in points:
        if point.parent_id is not None:
            children[point.parent_id].append(point)
    for point in points:
        set_committed_value(point, "children", children.get(point.id, []))
