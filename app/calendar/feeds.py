"""Subscribable feeds and the HTTP side of every .ics: headers, filename, ETag."""
from __future__ import annotations

import hashlib
from datetime import date

from flask import Response, current_app, request
from app.calendar.builders import deadline_fields, meeting_fields, serialized_calendar
from app.calendar.queries import feed_contents, months_before
from app.calendar.sequence import new_feed_token
from app.formatting import PARIS
from app.models import Body, Person, utc_now


def paris_today() -> date:
    return utc_now().astimezone(PARIS).date()


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
    events = [meeting_fields(meeting) for meeting in meetings] + [deadline_fields(deadline) for deadline in deadlines]
    return serialized_calendar(events, name=feed_name(owner))


def regenerate_feed_token(owner: Body | Person) -> None:
    """A new secret: the old feed URL answers 404 from the next commit on."""
    owner.feed_token = new_feed_token()


def ics_response(content: bytes, filename: str, public: bool = False) -> Response:
    """text/calendar with a filename and an ETag of the content; 304 when the client has it."""
    response = Response(content, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-cache"
    response.set_etag(hashlib.sha256(content).hexdigest())
    return response.make_conditional(request)
