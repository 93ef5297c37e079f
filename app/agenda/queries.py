"""Queries of the members' side: their meetings, and the search among visible meetings."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import paris_datetime
from app.models import Attendance, Invitation, Meeting, RoundTablePoint, RoundTableSection, User, utc_now
from app.permissions import member_body_ids, organisation_body_ids, record_readable, visible_meetings

AGENDA_LOADING = (selectinload(Meeting.body), selectinload(Meeting.agenda_items), selectinload(Meeting.minutes))


def my_meetings(user: User) -> Select:
    """Meetings of the bodies where the user's person sits today, and those they are convened to or attended."""
    if user.person_id is None:
        return select(Meeting).where(false())
    convened = select(Invitation.meeting_id).where(Invitation.person_id == user.person_id)
    attended = select(Attendance.meeting_id).where(Attendance.person_id == user.person_id)
    return (
        select(Meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.body_id.in_(organisation_body_ids(user)),
            or_(Meeting.body_id.in_(member_body_ids(user)), Meeting.id.in_(convened), Meeting.id.in_(attended)),
        )
        .options(*AGENDA_LOADING)
    )


def upcoming(query: Select) -> list[Meeting]:
    return list(db.session.scalars(query.where(Meeting.ends_at >= utc_now()).order_by(Meeting.starts_at)))


def past(query: Select) -> Select:
    return query.where(Meeting.ends_at < utc_now()).order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def contains_text(column, text: str):
    """Case-insensitive « contains » that reads the same on SQLite and PostgreSQL (% and _ escaped)."""
    return func.lower(column).contains(text.lower(), autoescape=True)


def point_matches(text: str):
    """A round-table point of the meeting whose text contains ``text``."""
    return (
        select(RoundTablePoint.id)
        .join(RoundTableSection, RoundTablePoint.section_id == RoundTableSection.id)
        .where(RoundTableSection.meeting_id == Meeting.id, contains_text(RoundTablePoint.text, text))
    )


def search_meetings(user: User, *, text: str = "", body_id: int | None = None, start: date | None = None,
                    end: date | None = None) -> Select:
    """Visible meetings filtered by body, Paris date range (both ends included) and text
    found in the title, the context or a point of the tour de table; newest first."""
    query = visible_meetings(user).options(*AGENDA_LOADING)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if start is not None:
        query = query.where(Meeting.starts_at >= paris_datetime(start, 0))
    if end is not None:
        query = query.where(Meeting.starts_at < paris_datetime(end + timedelta(days=1), 0))
    if text:
        query = query.where(or_(
            contains_text(Meeting.title, text), contains_text(Meeting.context, text),
            and_(record_readable(user), exists(point_matches(text))),  # no draft minutes for members
        ))
    return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


@dataclass
class Excerpt:
    before: str
    match: str
    after: str


def excerpt(text: str, needle: str, width: int = 80) -> Excerpt | None:
    """The passage of ``text`` around the first occurrence of ``needle``, for the results list."""
    found = re.search(re.escape(needle), text, flags=re.IGNORECASE)
    if found is None:
        return None
    start, end = found.span()
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    return Excerpt(("…" if start > width else "") + before, text[start:end],
                   after + ("…" if end + width < len(text) else ""))


def excerpts_for(meetings: list[Meeting], text: str, user: User) -> dict[int, Excerpt]:
    """One excerpt per meeting: from a matching point of the tour de table the user may read, else from
    the context.

    The matching points of all the page's meetings are read in one query.
    """
    if not text or not meetings:
        return {}
    rows = db.session.execute(
        select(RoundTableSection.meeting_id, RoundTablePoint.text)
        .join(RoundTablePoint, RoundTablePoint.section_id == RoundTableSection.id)
        .join(Meeting, Meeting.id == RoundTableSection.meeting_id)
        .where(RoundTableSection.meeting_id.in_([meeting.id for meeting in meetings]),
               contains_text(RoundTablePoint.text, text), record_readable(user))
        .order_by(RoundTableSection.position, RoundTablePoint.position)
    ).all()
    found: dict[int, Excerpt] = {}
    for meeting_id, point_text in rows:
        if meeting_id not in found and (passage := excerpt(point_text, text)):
            found[meeting_id] = passage
    for meeting in meetings:
        if meeting.id not in found and (passage := excerpt(meeting.context, text)):
            found[meeting.id] = passage
    return found
