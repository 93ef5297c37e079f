"""Creating meetings: one, a series, or the next meeting announced as a deadline, all the same way."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import EARLIEST_DATE, LATEST_DATE, paris_datetime, paris_time_exists, short_date, to_paris
from app.meetings.defaults import DEFAULT_SECTION_TITLES
from app.models import AgendaItem, Body, Capacity, Invitation, Meeting, Membership, RoundTableSection


@dataclass
class MeetingDetails:
    """What the occurrences of a series share."""

    title: str
    place: str = ""
    visio_url: str = ""
    context: str = ""
    working_method: str = ""
    agenda_titles: tuple[str, ...] = ()


@dataclass
class Occurrence:
    day: date
    starts: time
    ends: time

    @property
    def starts_at(self) -> datetime:
        return paris_datetime(self.day, self.starts.hour, self.starts.minute)

    @property
    def ends_at(self) -> datetime:
        return paris_datetime(self.day, self.ends.hour, self.ends.minute)


def agenda_lines(text: str) -> tuple[str, ...]:
    """The agenda typed one item per line; blank lines and list marks (« - », « 1. ») dropped."""
    lines = (re.sub(r"^\s*(?:[-•*]|\d+[.)])\s*", "", line).strip() for line in (text or "").splitlines())
    return tuple(line for line in lines if line)


def members_to_convene(body: Body, on: date) -> list[Membership]:
    """The body's memberships current on the meeting day, people loaded, in name order."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.body_id == body.id).options(selectinload(Membership.person))
    ).all()
    current = [m for m in memberships if m.is_current(on) and m.person.deleted_at is None]
    return sorted(current, key=lambda membership: membership.person.sort_key)


def schedule_meeting(body: Body, occurrence: Occurrence, details: MeetingDetails, *,
                     convened_as: Meeting | None = None) -> Meeting:
    """A planned meeting, convening the body's members of that day (or the people convened to
    ``convened_as``, with their capacity and qualité), with the default round-table sections.
    Added to the session; the caller commits."""
    members = members_to_convene(body, occurrence.day) if convened_as is None else []
    meeting = Meeting(
        body=body, title=details.title, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
        place=details.place, visio_url=details.visio_url, context=details.context,
        working_method=details.working_method,
    )
    meeting.agenda_items = [AgendaItem(position=position, title=title)
                            for position, title in enumerate(details.agenda_titles, start=1)]
    if convened_as is None:
        convene(meeting, members)
    else:
        meeting.invitations = [Invitation(person_id=invitation.person_id, capacity=invitation.capacity,
                                          title=invitation.title) for invitation in convened_as.invitations]
    meeting.sections = [RoundTableSection(position=position, title=title)
                        for position, title in enumerate(DEFAULT_SECTION_TITLES, start=1)]
    db.session.add(meeting)
    return meeting


def convene(meeting: Meeting, memberships: list[Membership]) -> int:
    """Invite the holders of ``memberships`` not invited yet, with their qualité. Returns how many."""
    invited = {invitation.person_id for invitation in meeting.invitations}
    added = 0
    for membership in memberships:
        if membership.person_id not in invited:  # a person with two seats is convened once
            invited.add(membership.person_id)
            meeting.invitations.append(
                Invitation(person=membership.person, title=membership.title, capacity=Capacity.MEMBER))
            added += 1
    return added


def _agenda_items_for(meeting: Meeting, titles: tuple[str, ...]) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """The items of an agenda set to ``titles`` (an item whose title is kept stays, with its nature and its
    votes; two items of the same title stay in their order; new ones are built, unsaved), and those dropped."""
    existing: dict[str, list[AgendaItem]] = {}
    for item in meeting.agenda_items:
        existing.setdefault(item.title, []).append(item)
    items = [existing[title].pop(0) if existing.get(title) else AgendaItem(title=title) for title in titles]
    return items, [item for same_title in existing.values() for item in same_title]


def agenda_refusal(meeting: Meeting, titles: tuple[str, ...]) -> str | None:
    """Why the agenda cannot become ``titles``: an item put to the vote stays (its vote, reopened ones
    included, is the record of the avis); None when it can."""
    _, dropped = _agenda_items_for(meeting, titles)
    voted = next((item for item in dropped if item.votes), None)
    if voted is None:
        return None
    return (f"Le point « {voted.title} » a été mis au vote : il reste à l'ordre du jour sous ce titre, "
            "le vote et l'avis en dépendent.")


def replace_agenda(meeting: Meeting, titles: tuple[str, ...]) -> None:
    """Set the agenda to ``titles`` in that order, keeping the descriptions of items whose title is kept
    (``agenda_refusal`` says first whether a voted item would go)."""
    items, _ = _agenda_items_for(meeting, titles)
    for position, item in enumerate(items, start=1):
        item.position = position
    meeting.agenda_items = items


OCCURRENCE_LINE = re.compile(
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:hH](\d{2})\s*(?:-|–|à)\s*(\d{1,2})[:hH](\d{2})\s*$"
)


def parse_occurrences(text: str) -> tuple[list[Occurrence], list[str]]:
    """« 09/06/2020 10:30-12:30 », one meeting per line. Returns the occurrences and French errors per line."""
    occurrences, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = OCCURRENCE_LINE.match(line)
        if match is None:
            errors.append(f"Ligne {number} : « {line.strip()} » ne suit pas le format JJ/MM/AAAA HH:MM-HH:MM.")
            continue
        day_, month, year, start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
        try:
            occurrence = Occurrence(date(year, month, day_), time(start_hour, start_minute), time(end_hour, end_minute))
        except ValueError:
            errors.append(f"Ligne {number} : « {line.strip()} » n'est pas une date ou une heure valide.")
            continue
        if occurrence.ends <= occurrence.starts:
            errors.append(f"Ligne {number} : l'heure de fin doit être après l'heure de début.")
            continue
        if not EARLIEST_DATE <= occurrence.day <= LATEST_DATE:
            errors.append(f"Ligne {number} : la date doit être entre le {short_date(EARLIEST_DATE)} et le "
                          f"{short_date(LATEST_DATE)}.")
            continue
        missing = [moment for moment in (occurrence.starts, occurrence.ends)
                   if not paris_time_exists(occurrence.day, moment.hour, moment.minute)]
        if missing:
            errors.append(f"Ligne {number} : {missing[0]:%H:%M} n'existe pas le {short_date(occurrence.day)} à Paris "
                          "(passage à l'heure d'été).")
            continue
        occurrences.append(occurrence)
    return occurrences, errors


def occurrence_of(meeting: Meeting) -> Occurrence:
    """The Paris day and times of an existing meeting, to fill its edit form."""
    starts, ends = to_paris(meeting.starts_at), to_paris(meeting.ends_at)
    return Occurrence(starts.date(), starts.time().replace(tzinfo=None), ends.time().replace(tzinfo=None))
