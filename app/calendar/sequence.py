"""SEQUENCE of a meeting's calendar event, raised once per flush that changes what people must act
on (README « Calendar and convocations »): date, time, place, visio link, status (cancelled or not,
deleted to the bin or restored) and agenda. The title, the context or an unchanged save raise
nothing. The échéances announcing a meeting follow its date in the same flush. Also gives new people
their secret feed token, so that every personal feed URL exists from the start."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.formatting import to_paris
from app.models import AgendaItem, Deadline, Meeting, MeetingStatus, Person

# What calendars see of each attribute: a change of that view makes them replace the event.
APPOINTMENT_VIEWS: dict[str, Callable] = {
    "starts_at": lambda value: value,
    "ends_at": lambda value: value,
    "place": lambda value: value,
    "visio_url": lambda value: value,
    "status": lambda value: value is MeetingStatus.CANCELLED or value == MeetingStatus.CANCELLED.value,
    "deleted_at": lambda value: value is not None,
}
AGENDA_ITEM_VIEWS: dict[str, Callable] = {"title": lambda value: value, "position": lambda value: value}


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def net_change(session: Session, row, model, attributes: dict[str, Callable]) -> set[str]:
    """The attributes of ``row`` whose pending value differs, as seen through ``attributes``, from
    the stored one. An attribute set while not loaded (after a commit) has no old value in its
    history: the row tells."""
    state = inspect(row)
    changed, not_loaded = set(), []
    for name, view in attributes.items():
        history = state.attrs[name].history
        if not history.added:
            continue
        if not history.deleted:
            not_loaded.append(name)
        elif view(history.deleted[0]) != view(history.added[0]):
            changed.add(name)
    if not_loaded:
        with session.no_autoflush:
            stored = session.execute(
                select(*[getattr(model, name) for name in not_loaded]).where(model.id == row.id)
            ).one()
        changed.update(name for name, value in zip(not_loaded, stored)
                       if attributes[name](getattr(row, name)) != attributes[name](value))
    return changed


def agenda_changed_meetings(session: Session) -> set[Meeting]:
    """Existing meetings whose agenda gains, loses, renames or reorders an item in this flush."""
    with session.no_autoflush:
        meetings = _agenda_owners(session)
    return {meeting for meeting in meetings if meeting not in session.new}


def _agenda_owners(session: Session) -> set[Meeting]:
    meetings = set()
    for row in session.dirty:
        if isinstance(row, Meeting):
            history = inspect(row).attrs.agenda_items.history
            if history.added or history.deleted:
                meetings.add(row)
        elif isinstance(row, AgendaItem) and net_change(session, row, AgendaItem, AGENDA_ITEM_VIEWS):
            meetings.add(row.meeting)
    for row in (*session.new, *session.deleted):
        if isinstance(row, AgendaItem) and row.meeting is not None:
            meetings.add(row.meeting)
    return meetings


def follow_announced_date(session: Session, meeting: Meeting) -> None:
    """The échéances announcing ``meeting`` take its new date and time (pages sort and filter on them)."""
    with session.no_autoflush:
        deadlines = session.scalars(select(Deadline).where(Deadline.announced_meeting_id == meeting.id)).all()
    for deadline in deadlines:
        deadline.due_at = meeting.starts_at
        deadline.due_date = to_paris(meeting.starts_at).date()


def _before_flush(session: Session, flush_context, instances) -> None:
    changed = agenda_changed_meetings(session)
    for instance in list(session.dirty):
        if not isinstance(instance, Meeting):
            continue
        appointment = net_change(session, instance, Meeting, APPOINTMENT_VIEWS)
        if appointment:
            changed.add(instance)
        if "starts_at" in appointment:
            follow_announced_date(session, instance)
    for meeting in changed:
        if not inspect(meeting).attrs.ical_sequence.history.has_changes():
            meeting.ical_sequence = (meeting.ical_sequence or 0) + 1
    for instance in session.new:
        if isinstance(instance, Person) and instance.feed_token is None:
            instance.feed_token = new_feed_token()


def register_listeners() -> None:
    """Listen on every session once (called by the calendar blueprint when the app is created)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
