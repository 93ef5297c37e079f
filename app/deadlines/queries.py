"""The upcoming deadlines a user may see, as one paginable query."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import joinedload

from app.models import Deadline, Meeting, User
from app.permissions import visible_body_ids


def concerning(body_ids) -> ColumnElement[bool]:
    """Deadlines set at a meeting of these bodies, or announcing a meeting of one of them."""
    return or_(Deadline.meeting_id.in_(select(Meeting.id).where(Meeting.body_id.in_(body_ids))),
               Deadline.body_id.in_(body_ids))


def upcoming_deadlines(user: User, body_id: int | None, today: date) -> Select:
    """Deadlines from ``today`` on, of meetings not in the bin, that ``user`` may see, by date.

    Filters are semi-joins on small sets (the bin, a few bodies' meetings) rather than a join with every
    meeting: PostgreSQL then reads only the upcoming deadlines, whatever the length of the history."""
    binned = select(Meeting.id).where(Meeting.deleted_at.is_not(None))
    query = (
        select(Deadline)
        .where(Deadline.due_date >= today, Deadline.meeting_id.not_in(binned),
               Deadline.not_announcing_a_binned_meeting())
        # Many-to-one, joined to the page's own statement (a « select in » load costs more than its rows).
        .options(joinedload(Deadline.meeting).joinedload(Meeting.body), joinedload(Deadline.body),
                 joinedload(Deadline.announced_meeting))
        .order_by(Deadline.due_date, Deadline.due_at, Deadline.id)
    )
    query = query.where(concerning(visible_body_ids(user)))
    if body_id:
        query = query.where(concerning([body_id]))
    return query
