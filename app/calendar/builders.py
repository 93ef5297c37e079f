"""Pure builders of calendar objects: a meeting or a deadline in, an icalendar component out.

One builder per kind of event, reused by downloads, feeds and the text/calendar part of e-mails
(as Indico's ``generate_basic_component``). They read loaded models and never query.

Each event is first reduced to ``EventFields``, plain values that say everything its VEVENT shows.
Feeds serialize events through ``serialized_event``, cached on those values: a feed polled again
only serializes the events that changed since (icalendar's serialization is most of a feed's cost),
and since the key is the content itself, a cached VEVENT can never be stale.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vDuration, vText

from app.calendar.urls import public_url
from app.formatting import long_date, to_paris
from app.models import Deadline, Invitation, InvitationResponse, Meeting, Person

PRODID = "-//Seances//Democratie sanitaire//FR"
# Europe/Paris as Outlook and Google write it: one yearly rule per change (EU rules, since 1996),
# which every client expands for any year. Not icalendar's ``add_missing_timezones()`` output, whose
# comma-separated RDATE lists ical.js and vobject read only in part.
PARIS_VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Paris\r\n"
    "X-LIC-LOCATION:Europe/Paris\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\n"
    "DTSTART:19960331T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\n"
    "DTSTART:19961027T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)
# How often subscribers should poll a feed (REFRESH-INTERVAL, RFC 7986; X-PUBLISHED-TTL for Outlook).
FEED_REFRESH = timedelta(hours=4)
CANCELLED_PREFIX = "ANNULÉE — "
# Enough for every event of every feed of a national deployment (a few hundred bytes each).
SERIALIZED_EVENTS_CACHED = 20_000

PARTSTAT = {
    None: "NEEDS-ACTION",
    InvitationResponse.PRESENT: "ACCEPTED",
    InvitationResponse.EXCUSED: "DECLINED",
    InvitationResponse.SUBSTITUTE: "DELEGATED",
    InvitationResponse.PROXY: "DELEGATED",
}


class EventFields(NamedTuple):
    """What one VEVENT shows. Times are in Paris and stamps in UTC, so that equal fields always
    serialize to the same bytes (aware datetimes compare equal across zones)."""
    uid: str
    stamp: datetime
    start: date | datetime
    end: date | datetime | None
    summary: str
    description: str
    url: str
    sequence: int | None = None
    location: str = ""
    status: str | None = None
    organiser: tuple[str, str] | None = None  # (e-mail, name)
    transparent: bool = False
    alarm_minutes: int | None = None


def organiser_email(meeting: Meeting) -> str:
    """The secretariat of the meeting's organisation, else the configured one."""
    return meeting.body.organisation.secretariat_email or current_app.config["SECRETARIAT_EMAIL"]


def is_called_off(meeting: Meeting) -> bool:
    """Cancelled, or deleted to the bin: calendars must drop the event either way."""
    return meeting.is_cancelled or meeting.deleted_at is not None


def meeting_summary(meeting: Meeting) -> str:
    """« Body — title », as calendars list it; « ANNULÉE — » first once called off, so that the
    cancellation shows even in clients that ignore STATUS."""
    summary = f"{meeting.body.label} — {meeting.title}"
    return CANCELLED_PREFIX + summary if is_called_off(meeting) else summary


def meeting_location(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.place, meeting.visio_url) if part)


def meeting_description(meeting: Meeting, page_url: str) -> str:
    """The agenda, then the visio link and the page of the meeting."""
    lines = []
    if is_called_off(meeting):
        lines += ["Séance annulée.", ""]
    if meeting.agenda_items:
        lines.append("Ordre du jour :")
        lines += [f"{number}. {item.title}" for number, item in enumerate(meeting.agenda_items, start=1)]
        lines.append("")
    if meeting.visio_url:
        lines.append(f"Visioconférence : {meeting.visio_url}")
    lines.append(f"Page de la séance : {page_url}")
    return "\n".join(lines)


def calendar_time(moment: datetime) -> datetime:
    """Paris wall time with TZID, except in the hour that occurs twice in October, written in UTC:
    clients disagree on which of the two a local time means (RFC 5545 says the first, ical.js takes
    the second), while a UTC time means one instant for all of them."""
    paris = to_paris(moment)
    if paris.replace(fold=1 - paris.fold).utcoffset() != paris.utcoffset():
        return moment.astimezone(timezone.utc)
    return paris


def meeting_fields(meeting: Meeting, stamp: datetime | None = None, cancelled: bool = False,
                   sequence: int | None = None) -> EventFields:
    """``stamp`` (DTSTAMP) defaults to the meeting's last change, so that the same meeting gives the
    same bytes (feeds rely on it for their ETag); e-mails pass now. ``cancelled``: for one recipient
    only (taken off the convened list), the meeting itself going on. ``sequence``: that recipient's
    SEQUENCE (``convocations.times_taken_off``), else the meeting's."""
    cancelled = cancelled or is_called_off(meeting)
    organisation = meeting.body.organisation
    page_url = public_url("meetings.detail", meeting_id=meeting.id)
    return EventFields(
        uid=meeting.ical_uid,
        stamp=(stamp or meeting.updated_at).astimezone(timezone.utc),
        sequence=meeting.ical_sequence if sequence is None else sequence,
        start=calendar_time(meeting.starts_at),
        end=calendar_time(meeting.ends_at),
        summary=meeting_summary(meeting),
        location=meeting_location(meeting),
        url=page_url,
        description=meeting_description(meeting, page_url),
        status="CANCELLED" if cancelled else "CONFIRMED",
        organiser=(organiser_email(meeting), organisation.short_name or organisation.name),
        alarm_minutes=None if cancelled else int(current_app.config["ICS_ALARM_MINUTES"]),
    )


def deadline_fields(deadline: Deadline) -> EventFields:
    """A « prochaine échéance »: all day on ``due_date`` when it has no time. A next meeting already
    in Séances is that meeting's own event (same UID, SEQUENCE, time, place and status), so that a
    calendar holding both files shows it once, and moving or cancelling the meeting updates it."""
    if deadline.announced_meeting is not None:
        return meeting_fields(deadline.announced_meeting)
    meeting = deadline.meeting
    body = deadline.body or meeting.body
    if deadline.is_all_day:
        start, end = deadline.due_date, deadline.due_date + timedelta(days=1)
    else:
        start, end = calendar_time(deadline.due_at), None
    return EventFields(
        uid=deadline.ical_uid,
        stamp=meeting.updated_at.astimezone(timezone.utc),
        start=start,
        end=end,
        summary=f"{body.label} — {deadline.title}",
        description=f"Échéance fixée lors de la séance « {meeting.title} » du {long_date(meeting.starts_at)}.",
        url=public_url("meetings.detail", meeting_id=meeting.id),
        transparent=deadline.is_all_day,
    )


def event_from_fields(fields: EventFields) -> Event:
    event = Event()
    event.add("uid", fields.uid)
    event.add("dtstamp", fields.stamp)
    if fields.sequence is not None:
        event.add("sequence", fields.sequence)
    event.add("dtstart", fields.start)
    if fields.end is not None:
        event.add("dtend", fields.end)
    if fields.transparent:
        event.add("transp", "TRANSPARENT")
    event.add("summary", fields.summary)
    if fields.location:
        event.add("location", fields.location)
    event.add("url", fields.url)
    event.add("description", fields.description)
    if fields.status:
        event.add("status", fields.status)
    if fields.organiser:
        email, name = fields.organiser
        organiser = vCalAddress(f"mailto:{email}")
        organiser.params["CN"] = vText(name)
        event.add("organizer", organiser)
    if fields.alarm_minutes is not None:
        event.add_component(reminder_alarm(fields.summary, fields.alarm_minutes))
    return event


def reminder_alarm(text: str, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


class Attendee(NamedTuple):
    """A person named in an event, with their answer (None: not answered)."""

    person: Person
    response: InvitationResponse | None = None


def attendees_of(invitations: Iterable[Invitation]) -> list[Attendee]:
    return [Attendee(invitation.person, invitation.response) for invitation in invitations]


def attendee(named: Attendee) -> vCalAddress:
    """One convened person with their answer. RSVP=FALSE: answers are given through the links of
    the e-mail (a REPLY sent by a calendar client would reach a mailbox nothing reads)."""
    address = vCalAddress(f"mailto:{named.person.email}")
    address.params["CN"] = vText(named.person.display_name)
    address.params["ROLE"] = vText("REQ-PARTICIPANT")
    address.params["PARTSTAT"] = vText(PARTSTAT[named.response])
    address.params["CUTYPE"] = vText("INDIVIDUAL")
    address.params["RSVP"] = vText("FALSE")
    return address


def meeting_event(meeting: Meeting, stamp: datetime | None = None, attendees: Iterable[Attendee] = (),
                  cancelled: bool = False, sequence: int | None = None) -> Event:
    """The VEVENT of a meeting with the ATTENDEE lines of ``attendees`` (those with an address).
    A member's file or e-mail names that member alone (iTIP: one invitation per attendee)."""
    event = event_from_fields(meeting_fields(meeting, stamp, cancelled, sequence))
    for named in attendees:
        if named.person.email:
            event.add("attendee", attendee(named))
    return event


def deadline_event(deadline: Deadline) -> Event:
    return event_from_fields(deadline_fields(deadline))


@lru_cache(maxsize=SERIALIZED_EVENTS_CACHED)
def serialized_event(fields: EventFields) -> bytes:
    """The VEVENT of ``fields`` as .ics lines (thread-safe cache, one per app process)."""
    return event_from_fields(fields).to_ical()


@lru_cache(maxsize=1)
def paris_timezone() -> Timezone:
    """The one VTIMEZONE of every file (parsed once; calendars share it and nothing modifies it)."""
    return Timezone.from_ical(PARIS_VTIMEZONE)


def calendar_shell(method: str | None = None, name: str | None = None, feed: bool = False) -> Calendar:
    """A VCALENDAR with its properties and the Europe/Paris VTIMEZONE, always: a calendar without
    events still holds a component, as RFC 5545 requires. ``feed``: how often to poll it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Paris")
    if feed:
        calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    calendar.add_component(paris_timezone())
    return calendar


def one_per_uid(items: Iterable, uid_of) -> list:
    """``items`` in order, the first of each UID only: a meeting that is also an échéance (or is
    announced twice) is one event in a file."""
    seen, kept = set(), []
    for item in items:
        uid = uid_of(item)
        if uid not in seen:
            seen.add(uid)
            kept.append(item)
    return kept


def build_calendar(events: Iterable[Event], method: str | None = None, name: str | None = None,
                   feed: bool = False) -> Calendar:
    """A VCALENDAR holding ``events`` (one per UID) and the VTIMEZONE."""
    calendar = calendar_shell(method=method, name=name, feed=feed)
    for event in one_per_uid(events, lambda event: str(event["uid"])):
        calendar.add_component(event)
    return calendar


def serialized_calendar(events: list[EventFields], name: str | None = None) -> bytes:
    """The bytes ``build_calendar(..., feed=True)`` would give for these events (one per UID), each
    VEVENT taken from the cache."""
    shell = calendar_shell(name=name, feed=True).to_ical()
    end = b"END:VCALENDAR\r\n"
    unique = one_per_uid(events, lambda fields: fields.uid)
    return shell.removesuffix(end) + b"".join(serialized_event(fields) for fields in unique) + end


def meeting_calendar(meeting: Meeting, method: str | None = None, stamp: datetime | None = None,
                     attendees: Iterable[Attendee] = (), sequence: int | None = None) -> Calendar:
    """The .ics of one meeting; METHOD:REQUEST / CANCEL for e-mails. ``attendees`` are named with
    their addresses: the recipient alone in an e-mail, the member alone in their download. A CANCEL (the
    meeting called off, or its recipient taken off the list) says CANCELLED and sets no alarm (RFC 5546).
    ``sequence``: the recipient's own, else the meeting's."""
    event = meeting_event(meeting, stamp=stamp, attendees=attendees, cancelled=method == "CANCEL", sequence=sequence)
    return build_calendar([event], method=method)


def deadlines_calendar(deadlines: Iterable[Deadline], name: str | None = None) -> Calendar:
    return build_calendar([deadline_event(deadline) for deadline in deadlines], name=name)
