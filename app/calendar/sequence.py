"""SEQUENCE of a meeting's calendar event, raised once per flush that changes what calendars show
as the appointment itself (RFC 5545: date, time, place, status). Also gives new people their secret
feed token, so that every personal feed URL exists from the start."""
from __future__ import annotations

import secrets

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.models import Meeting, Person

# Changes of these attributes make calendar clients replace the event they hold.
SEQUENCE_ATTRIBUTES = ("starts_at", "ends_at", "place", "visio_url", "status")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def appointment_changed(session: Session, meeting: Meeting) -> bool:
    """True when a meeting has a pending change of date, time, place or status. An attribute set
    while not loaded (after a commit) has no old value in its history: the row tells."""
    state = inspect(meeting)
    not_loaded = []
    for name in SEQUENCE_ATTRIBUTES:
        history = state.attrs[name].history
        if not history.added:
            continue
        if not history.deleted:
            not_loaded.append(name)
        elif history.deleted[0] != history.added[0]:
            return True
    if not not_loaded:
        return False
    with session.no_autoflush:
        stored = session.execute(
            select(*[getattr(Meeting, name) for name in not_loaded]).where(Meeting.id == meeting.id)
        ).one()
    return any(getattr(meeting, name) != value for name, value in zip(not_loaded, stored))


def _before_flush(session: Session, flush_context, instances) -> None:
    for instance in session.dirty:
        if isinstance(instance, Meeting) and appointment_changed(session, instance):
            if not inspect(instance).attrs.ical_sequence.history.has_changes():
                instance.ical_sequence = (instance.ical_sequence or 0) + 1
    for instance in session.new:
        if isinstance(instance, Person) and instance.feed_token is None:
            instance.feed_token = new_feed_token()


def register_listeners() -> None:
    """Listen on every session once (called by the calendar blueprint when the app is created)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
