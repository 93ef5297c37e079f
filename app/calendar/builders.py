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
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from app.calendar.urls import public_url
from app.formatting import PARIS, long_date, to_paris
from app.models import Deadline, Invitation, InvitationResponse, Meeting

PRODID = "-//Seances//Democratie sanitaire//FR"
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


def meeting_summary(meeting: Meeting) -> str:
    """« Body — title », as calendars list it."""
    return f"{meeting.body.label} — {meeting.title}"


def meeting_location(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.place, meeting.visio_url) if part)


def meeting_description(meeting: Meeting, page_url: str) -> str:
    """The agenda, then the visio link and the page of the meeting."""
    lines = []
    if meeting.is_cancelled:
        lines += ["Séance annulée.", ""]
    if meeting.agenda_items:
        lines.append("Ordre du jour :")
        lines += [f"{number}. {item.title}" for number, item in enumerate(meeting.agenda_items, start=1)]
        lines.append("")
    if meeting.visio_url:
        lines.append(f"Visioconférence : {meeting.visio_url}")
    lines.append(f"Page de la séance : {page_url}")
    return "\n".join(lines)


def meeting_fields(meeting: Meeting, stamp: datetime | None = None) -> EventFields:
    """``stamp`` (DTSTAMP) defaults to the meeting's last change, so that the same meeting gives the
    same bytes (feeds rely on it for their ETag); e-mails pass now."""
    organisation = meeting.body.organisation
    page_url = public_url("meetings.detail", meeting_id=meeting.id)
    return EventFields(
        uid=meeting.ical_uid,
        stamp=(stamp or meeting.updated_at).astimezone(timezone.utc),
        sequence=meeting.ical_sequence,
        start=to_paris(meeting.starts_at),
        end=to_paris(meeting.ends_at),
        summary=meeting_summary(meeting),
        location=meeting_location(meeting),
        url=page_url,
        description=meeting_description(meeting, page_url),
        status="CANCELLED" if meeting.is_cancelled else "CONFIRMED",
        organiser=(organiser_email(meeting), organisation.short_name or organisation.name),
        alarm_minutes=None if meeting.is_cancelled else int(current_app.config["ICS_ALARM_MINUTES"]),
    )


def deadline_fields(deadline: Deadline) -> EventFields:
    """A « prochaine échéance »: all day on ``due_date`` when it has no time."""
    meeting = deadline.meeting
    body = deadline.body or meeting.body
    if deadline.is_all_day:
        start, end = deadline.due_date, deadline.due_date + timedelta(days=1)
    else:
        start, end = to_paris(deadline.due_at), None
        announced = deadline.announced_meeting
        if announced is not None and announced.ends_at > deadline.due_at:
            end = to_paris(announced.ends_at)
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


def attendee(invitation: Invitation) -> vCalAddress:
    address = vCalAddress(f"mailto:{invitation.person.email}")
    address.params["CN"] = vText(invitation.person.display_name)
    address.params["ROLE"] = vText("REQ-PARTICIPANT")
    address.params["PARTSTAT"] = vText(PARTSTAT[invitation.response])
    address.params["CUTYPE"] = vText("INDIVIDUAL")
    if invitation.response is None:
        address.params["RSVP"] = vText("TRUE")
    return address


def meeting_event(meeting: Meeting, stamp: datetime | None = None, with_attendees: bool = True) -> Event:
    """The VEVENT of a meeting, with its attendees (and their e-mail addresses) if asked."""
    event = event_from_fields(meeting_fields(meeting, stamp))
    if with_attendees:
        for invitation in meeting.invitations:
            if invitation.person.email:
                event.add("attendee", attendee(invitation))
    return event


def deadline_event(deadline: Deadline) -> Event:
    return event_from_fields(deadline_fields(deadline))


@lru_cache(maxsize=SERIALIZED_EVENTS_CACHED)
def serialized_event(fields: EventFields) -> bytes:
    """The VEVENT of ``fields`` as .ics lines (thread-safe cache, one per app process)."""
    return event_from_fields(fields).to_ical()


@lru_cache(maxsize=64)
def paris_timezone(first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of Europe/Paris from 1 January ``first_year`` to ``last_year`` (computing its
    transitions is slow: calendars share one component, which nothing modifies)."""
    return Timezone.from_tzid(PARIS.key, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))


def calendar_shell(starts: Iterable[date | datetime], method: str | None = None,
                   name: str | None = None) -> Calendar:
    """A VCALENDAR with its properties and, when some event has a time, the VTIMEZONE covering the
    events' starts a year each side (not 1970–2038: files stay small); no events yet."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Paris")
    starts = list(starts)
    if any(isinstance(start, datetime) for start in starts):
        years = [start.year for start in starts]
        calendar.add_component(paris_timezone(min(years) - 1, max(years) + 2))
    return calendar


def build_calendar(events: Iterable[Event], method: str | None = None, name: str | None = None) -> Calendar:
    """A VCALENDAR holding ``events`` and the VTIMEZONE they use."""
    events = list(events)
    calendar = calendar_shell([event.decoded("dtstart") for event in events], method=method, name=name)
    for event in events:
        calendar.add_component(event)
    return calendar


def serialized_calendar(events: list[EventFields], name: str | None = None) -> bytes:
    """The bytes ``build_calendar`` would give for these events, each VEVENT taken from the cache."""
    shell = calendar_shell([fields.start for fields in events], name=name).to_ical()
    end = b"END:VCALENDAR\r\n"
    return shell.removesuffix(end) + b"".join(serialized_event(fields) for fields in events) + end


def meeting_calendar(meeting: Meeting, method: str | None = None, stamp: datetime | None = None,
                     with_attendees: bool = True) -> Calendar:
    """The .ics of one meeting; METHOD:REQUEST / CANCEL for e-mails. Attendees carry their e-mail
    addresses: only staff get them (``with_attendees``)."""
    return build_calendar([meeting_event(meeting, stamp=stamp, with_attendees=with_attendees)], method=method)


def deadlines_calendar(deadlines: Iterable[Deadline], name: str | None = None) -> Calendar:
    return build_calendar([deadline_event(deadline) for deadline in deadlines], name=name)
