"""The attendance sheet: checks every row against the body's rules, then writes them all at once."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.extensions import db
from app.meetings.roster import RosterEntry
from app.models import Attendance, AttendanceStatus, Body, Capacity, Civility, Meeting, Person


@dataclass
class SheetRow:
    """What the secretariat chose for one roster entry."""

    entry: RosterEntry
    status: AttendanceStatus
    represented_by_id: int | None
    title: str


@dataclass
class NewAttendee:
    """A person added as ARS staff or guest: an existing person, or a new one."""

    capacity: Capacity
    person: Person | None = None
    civility: Civility | None = None
    last_name: str = ""
    first_name: str = ""
    title: str = ""


def representation_errors(body: Body, rows: list[SheetRow]) -> dict[int, str]:
    """French error per person id for representations the body's rules refuse."""
    errors: dict[int, str] = {}
    present_members = {
        row.entry.person.id: row.entry.person
        for row in rows
        if row.entry.capacity is Capacity.MEMBER and row.status is AttendanceStatus.PRESENT
    }
    proxies_held: Counter[int] = Counter()
    for row in rows:
        if row.status is not AttendanceStatus.REPRESENTED:
            continue
        person_id = row.entry.person.id
        if row.entry.capacity is not Capacity.MEMBER:
            errors[person_id] = "Seul un membre de l'instance peut être représenté."
        elif row.represented_by_id is None:
            errors[person_id] = "Indiquez qui représente ce membre (son suppléant ou un membre présent)."
        elif row.represented_by_id in {substitute.id for substitute in row.entry.substitutes}:
            continue
        elif not body.proxies_allowed:
            errors[person_id] = "Cette instance n'admet pas les pouvoirs : seul son suppléant peut représenter ce membre."
        elif row.represented_by_id not in present_members or row.represented_by_id == person_id:
            errors[person_id] = "Le pouvoir doit être donné à un autre membre présent (ou au suppléant)."
        else:
            proxies_held[row.represented_by_id] += 1
            if proxies_held[row.represented_by_id] > body.max_proxies_per_holder:
                holder = present_members[row.represented_by_id]
                limit = body.max_proxies_per_holder
                errors[person_id] = (
                    f"{holder.formal_name} détient déjà {limit} pouvoir{'s' if limit > 1 else ''} : "
                    f"c'est le maximum dans cette instance."
                )
    return errors


def save_sheet(meeting: Meeting, rows: list[SheetRow], new_attendee: NewAttendee | None) -> None:
    """Upsert one attendance per row, in the sheet's order, plus the new attendee; one commit."""
    position = 0
    for position, row in enumerate(rows, start=1):
        attendance = row.entry.attendance
        if attendance is None:
            attendance = Attendance(meeting=meeting, person=row.entry.person)
            db.session.add(attendance)
        attendance.status = row.status
        attendance.represented_by_id = row.represented_by_id if row.status is AttendanceStatus.REPRESENTED else None
        attendance.capacity = row.entry.capacity
        attendance.title = row.title.strip()
        attendance.voting = row.entry.voting
        attendance.position = position
    if new_attendee is not None:
        person = new_attendee.person or Person(
            organisation_id=meeting.body.organisation_id,
            civility=new_attendee.civility,
            last_name=new_attendee.last_name.strip(),
            first_name=new_attendee.first_name.strip(),
        )
        db.session.add(Attendance(meeting=meeting, person=person, status=AttendanceStatus.PRESENT,
                                  capacity=new_attendee.capacity, title=new_attendee.title.strip(),
                                  voting=False, position=position + 1))
    db.session.commit()
