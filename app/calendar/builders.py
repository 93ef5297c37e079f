"""Pure builders of calendar objects: a meeting or a deadline in, an icalendar component out.

One builder per kind of event, reused by downloads, feeds and the text/calendar part of e-mails
(as Indico's ``generate_basic_component``). They read loaded models and never query.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask import current_app
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from app.calendar.urls import public_url
from app.formatting import long_date, to_paris
from app.models import Deadline, Invitation, InvitationResponse, Meeting

PRODID = "-//Seances//Democratie sanitaire//FR"

PARTSTAT = {
    None: "NEEDS-ACTION",
    InvitationResponse.PRESENT: "ACCEPTED",
    InvitationResponse.EXCUSED: "DECLINED",
    InvitationResponse.SUBSTITUTE: "DELEGATED",
    InvitationResponse.PROXY: "DELEGATED",
}


def organiser_email(meeting: Meeting) -> str:
    """The secretariat of the meeting's organisation, else the configured one."""
    return meeting.body.organisation.secretariat_email or current_app.config["SECRETARIAT_EMAIL"]


def meeting_summary(meeting: Meeting) -> str:
    """« Body — title », as calendars list it."""
    return f"{meeting.body.label} — {meeting.title}"


def meeting_location(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.place, meeting.visio_url) if part)


def meeting_description(meeting: Meeting) -> str:
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
    lines.append(f"Page de la séance : {public_url('meetings.detail', meeting_id=meeting.id)}")
    return "\n".join(lines)


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
    """The VEVENT of a meeting. ``stamp`` (DTSTAMP) defaults to the meeting's last change, so that
    the same meeting gives the same bytes (feeds rely on it for their ETag); e-mails pass now."""
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", stamp or meeting.updated_at)
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstart", to_paris(meeting.starts_at))
    event.add("dtend", to_paris(meeting.ends_at))
    event.add("summary", meeting_summary(meeting))
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    event.add("url", public_url("meetings.detail", meeting_id=meeting.id))
    event.add("description", meeting_description(meeting))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{organiser_email(meeting)}")
    organiser.params["CN"] = vText(meeting.body.organisation.short_name or meeting.body.organisation.name)
    event.add("organizer", organiser)
    if with_attendees:
        for invitation in meeting.invitations:
            if invitation.person.email:
                event.add("attendee", attendee(invitation))
    if not meeting.is_cancelled:
        event.add_component(reminder_alarm(meeting_summary(meeting)))
    return event


def reminder_alarm(text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", timedelta(minutes=-int(current_app.config["ICS_ALARM_MINUTES"])))
    return alarm


def deadline_event(deadline: Deadline) -> Event:
    """The VEVENT of a « prochaine échéance »: all day on ``due_date`` when it has no time."""
    meeting = deadline.meeting
    event = Event()
    event.add("uid", deadline.ical_uid)
    event.add("dtstamp", meeting.updated_at)
    body = deadline.body or meeting.body
    event.add("summary", f"{body.label} — {deadline.title}")
    if deadline.is_all_day:
        event.add("dtstart", deadline.due_date)
        event.add("dtend", deadline.due_date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", to_paris(deadline.due_at))
        announced = deadline.announced_meeting
        if announced is not None and announced.ends_at > deadline.due_at:
            event.add("dtend", to_paris(announced.ends_at))
    event.add("description", f"Échéance fixée lors de la séance « {meeting.title} » du {long_date(meeting.starts_at)}.")
    event.add("url", public_url("meetings.detail", meeting_id=meeting.id))
    return event


def build_calendar(events: Iterable[Event], method: str | None = None, name: str | None = None) -> Calendar:
    """A VCALENDAR holding ``events`` and the VTIMEZONE of every zone they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Paris")
    days = []
    for event in events:
        calendar.add_component(event)
        start = event.decoded("dtstart")
        days.append(start.date() if isinstance(start, datetime) else start)
    if days:
        # A VTIMEZONE covering the events (a year each side), not 1970–2038: files stay small.
        calendar.add_missing_timezones(first_date=date(min(days).year - 1, 1, 1),
                                       last_date=date(max(days).year + 2, 1, 1))
    return calendar


def meeting_calendar(meeting: Meeting, method: str | None = None, stamp: datetime | None = None,
                     with_attendees: bool = True) -> Calendar:
    """The .ics of one meeting; METHOD:REQUEST / CANCEL for e-mails. Attendees carry their e-mail
    addresses: only staff get them (``with_attendees``)."""
    return build_calendar([meeting_event(meeting, stamp=stamp, with_attendees=with_attendees)], method=method)


def deadlines_calendar(deadlines: Iterable[Deadline], name: str | None = None) -> Calendar:
    return build_calendar([deadline_event(deadline) for deadline in deadlines], name=name)
