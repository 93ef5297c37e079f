"""Subscribable feeds and the HTTP side of every .ics: headers, filename, ETag."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from flask import Response, current_app, request
from app.calendar.builders import EventFields, deadline_fields, meeting_fields, serialized_calendar
from app.calendar.queries import feed_contents, months_before
from app.calendar.sequence import new_feed_token
from app.extensions import db
from app.formatting import EARLIEST_DATE, LATEST_DATE, paris_today
from app.models import Body, BodyFeedLink, Person, User


def feed_name(owner: Body | Person) -> str:
    if isinstance(owner, Body):
        return f"Séances — {owner.label}"
    return f"Séances — {owner.display_name}"


def feed_ics(owner: Body | Person, today: date | None = None) -> bytes:
    """Upcoming meetings and deadlines plus those of the last ``FEED_PAST_MONTHS`` months;
    cancelled meetings stay, marked STATUS:CANCELLED, so that subscribers see the cancellation.
    No attendees: a feed is public to whoever holds its link."""
    today = today or paris_today()
    since = months_before(today, int(current_app.config["FEED_PAST_MONTHS"]))
    meetings, deadlines = feed_contents(owner, since, today)
    events = [fields for fields in (*(event_or_none(meeting_fields, meeting) for meeting in meetings),
                                    *(event_or_none(deadline_fields, deadline) for deadline in deadlines))
              if fields is not None]
    return serialized_calendar(events, name=feed_name(owner))


def event_or_none(builder, record) -> EventFields | None:
    """The event of one meeting or deadline, or None (logged) when its record cannot make one — a date
    recorded before the forms refused year 9999: one bad record never stops a feed."""
    try:
        fields = builder(record)
    except (ValueError, OverflowError, TypeError):
        current_app.logger.exception("%r left out of a feed", record)
        return None
    # An all-day event on LATEST_DATE ends, exclusive, the next day: the end may fall one day later.
    days = [(fields.start, LATEST_DATE)] + ([(fields.end, LATEST_DATE + timedelta(days=1))] if fields.end else [])
    if not all(EARLIEST_DATE <= calendar_day(moment) <= latest for moment, latest in days):
        current_app.logger.error("%r left out of a feed: its date is out of range", record)
        return None
    return fields


def calendar_day(moment: date | datetime) -> date:
    """The day of an event's start or end as its VEVENT writes it (Paris, or UTC in the October hour)."""
    return moment.date() if isinstance(moment, datetime) else moment


def regenerate_feed_token(person: Person) -> None:
    """A new secret: the old feed URL answers 404 from the next commit on."""
    person.feed_token = new_feed_token()


def regenerate_body_feed_link(body: Body, user: User, link: BodyFeedLink | None) -> BodyFeedLink:
    """The account's own link to the body's feed, new or with a new secret (its old URL answers 404
    from the next commit on; the other members' links are untouched)."""
    if link is None:
        link = BodyFeedLink(body=body, user=user)
        db.session.add(link)
    link.token = new_feed_token()
    return link


def ics_response(content: bytes, filename: str, public: bool = False) -> Response:
    """text/calendar with a filename and an ETag of the content; 304 when the client has it."""
    response = Response(content, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-cache"
    response.set_etag(hashlib.sha256(content).hexdigest())
    return response.make_conditional(request)
