"""The upcoming deadlines a user may see, as one paginable query."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, or_, select
from sqlalchemy.orm import joinedload

from app.models import Deadline, Meeting


# What the list shows of a meeting where a deadline was set or that it announces (the id comes with them).
LISTED_MEETING = (Meeting.body_id, Meeting.starts_at, Meeting.status, Meeting.deleted_at)


def concerning(body_ids) -> ColumnElement[bool]:
    """Deadlines set at a meeting of these bodies, or announcing a meeting of one of them."""
    return or_(Deadline.meeting_id.in_(select(Meeting.id).where(Meeting.body_id.in_(body_ids))),
               Deadline.body_id.in_(body_ids))


@cache
def upcoming_deadlines(one_body: bool) -> Select:
    """Deadlines from ``today`` on, of meetings not in the bin, of the bodies ``body_ids`` (those the user
    may see: ``visible_body_ids`` of app.permissions, which the page reads anyway for its filter), and with
    ``one_body`` of the body ``body_id`` among them, by date. Built once: ``today``, ``body_ids`` and
    ``body_id`` are bind parameters (building the statement and its cache key cost 0.6 ms a page).

    Filters are semi-joins on small sets (the bin, a few bodies' meetings) rather than a join with every
    meeting: PostgreSQL then reads only the upcoming deadlines, whatever the length of the history. The
    bodies come as values, not as the subquery of the user's seats: PostgreSQL plans each run of this
    statement for its values, and the subquery, twice in it, doubled its planning (1.2 ms)."""
    binned = select(Meeting.id).where(Meeting.deleted_at.is_not(None))
    query = (
        select(Deadline)
        .where(Deadline.due_date >= bindparam("today"), Deadline.meeting_id.not_in(binned),
               Deadline.not_announcing_a_binned_meeting())
        # Many-to-one, joined to the page's own statement (a « select in » load costs more than its rows), and of
        # the meetings only what the list shows: not their texts (context, method, conclusion), read for
        # nothing on every row before.
        .options(joinedload(Deadline.meeting).load_only(*LISTED_MEETING).joinedload(Meeting.body),
                 joinedload(Deadline.body), joinedload(Deadline.announced_meeting).load_only(*LISTED_MEETING))
        .order_by(Deadline.due_date, Deadline.due_at, Deadline.id)
        .where(concerning(bindparam("body_ids", expanding=True)))
    )
    if one_body:
        query = query.where(concerning(bindparam("body_id", expanding=True)))
    return query


def upcoming_deadlines_parameters(visible_body_ids: Collection[int], body_id: int | None, today: date) -> dict:
    """The values of ``upcoming_deadlines(one_body=bool(body_id))``."""
    return {"today": today, "body_ids": list(visible_body_ids), "body_id": [body_id] if body_id else []}
