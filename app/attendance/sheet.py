"""The attendance sheet: checks every row against the body's rules, then writes them all at once."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.forms import choices
from app.meetings.proxies import ProxyRules
from app.meetings.quorum import DECLINED
from app.meetings.roster import Roster, RosterEntry
from app.models import Attendance, AttendanceStatus, Capacity, Civility, Meeting, ParticipationMode, Person
from app.people.search import find_people


@dataclass
class SheetRow:
    """What the secretariat chose for one roster entry."""

    entry: RosterEntry
    status: AttendanceStatus
    represented_by_id: int | None
    title: str
    # On site or by visio, asked of present people at a meeting held both ways only; None: not asked.
    mode: ParticipationMode | None = None


@dataclass
class NewAttendee:
    """A person added as ARS staff or guest: an existing person, or a new one."""

    capacity: Capacity
    person: Person | None = None
    civility: Civility | None = None
    last_name: str = ""
    first_name: str = ""
    title: str = ""


def representation_errors(roster: Roster, rows: list[SheetRow]) -> dict[int, str]:
    """French error per person id for representations the law or the body's rules refuse.

    A titulaire is represented by their own suppléant, who then sits, or by a pouvoir checked by
    ``app.meetings.proxies`` (the same rules as the answer page of convocation links)."""
    errors: dict[int, str] = {}
    status_of = {row.entry.person.id: row.status for row in rows}
    sitting = {person_id for person_id, status in status_of.items() if status is AttendanceStatus.PRESENT}
    rules = ProxyRules(roster.composition, sitting=sitting)
    people = {entry.person.id: entry.person for entry in roster}
    for row in rows:
        if row.status is not AttendanceStatus.REPRESENTED:
            continue
        entry, person_id = row.entry, row.entry.person.id
        if entry.capacity is not Capacity.MEMBER or entry.membership is None:
            errors[person_id] = "Seul un membre de l'instance en fonction peut être représenté."
        elif entry.is_substitute:
            errors[person_id] = ("Un suppléant n'est pas représenté : il siège à la place de son titulaire, "
                                 "ou il est excusé ou absent.")
        elif row.represented_by_id is None:
            errors[person_id] = "Indiquez qui représente ce membre (son suppléant ou un titulaire présent)."
        elif row.represented_by_id in entry.substitute_ids:
            if status_of.get(row.represented_by_id) in DECLINED:
                substitute = people[row.represented_by_id]
                errors[person_id] = (f"{substitute.formal_name} est marqué(e) excusé(e) ou absent(e) : "
                                     "un suppléant qui remplace son titulaire est présent.")
        else:
            holder = people.get(row.represented_by_id) or roster.composition.person(row.represented_by_id)
            refusal = rules.refusal(person_id, holder) if holder else (
                "Un pouvoir ne peut être donné qu'à un membre titulaire présent.")
            if refusal:
                errors[person_id] = refusal
            else:
                rules.record(holder.id)
    return errors


def representative_choices(entry: RosterEntry, roster: Roster) -> list[SelectChoice]:
    """Who may represent ``entry``: their suppléants first, then the titulaires of the sheet who may
    hold a pouvoir (whether they sit is checked on saving). ``static/js/attendance.js`` builds the
    same list in the browser from ``representative_pool``."""
    options = [("", "—")]
    if not entry.is_titulaire:
        return choices(options)
    for substitute in entry.substitutes:
        options.append((str(substitute.id), f"{substitute.formal_name} (suppléant)"))
    rules = ProxyRules(roster.composition, sitting=set())
    if rules.may_give(entry.person.id):
        options += [(str(other.person.id), other.person.formal_name) for other in roster
                    if other.person.id != entry.person.id and other.person.id not in entry.substitute_ids
                    and other.capacity is Capacity.MEMBER and rules.may_receive(other.person.id)]
    return choices(options)


def representative_pool(roster: Roster) -> list[tuple[Person, bool]]:
    """Everyone who may represent someone on the sheet, once each, with whether they may hold a pouvoir:
    the page holds this list once, and the browser builds a row's list from it when needed."""
    rules = ProxyRules(roster.composition, sitting=set())
    pool: dict[int, tuple[Person, bool]] = {}
    for entry in roster:
        if entry.capacity is Capacity.MEMBER and rules.may_receive(entry.person.id):
            pool[entry.person.id] = (entry.person, True)
    for entry in roster:
        if entry.is_titulaire:
            for substitute in entry.substitutes:
                pool.setdefault(substitute.id, (substitute, False))
    return list(pool.values())


def may_give_proxy(entry: RosterEntry, roster: Roster) -> bool:
    """Whether the row's « représenté(e) par » list offers titulaires besides the suppléants."""
    return entry.is_titulaire and ProxyRules(roster.composition, sitting=set()).may_give(entry.person.id)


def addable_people(meeting: Meeting, roster: Roster) -> Select:
    """The people of the meeting's ARS who may be added: not deleted, not already on the sheet."""
    return select(Person).where(Person.organisation_id == meeting.body.organisation_id, Person.deleted_at.is_(None),
                                Person.id.not_in([entry.person.id for entry in roster]))


def find_addable_people(meeting: Meeting, roster: Roster, text: str) -> list[Person]:
    """The addable people whose last or first name holds every word of ``text`` (a few only)."""
    return find_people(addable_people(meeting, roster), text)


def addable_person(meeting: Meeting, roster: Roster, person_id: int) -> Person | None:
    """The person chosen to be added, if she may be (same ARS, not deleted, not on the sheet yet)."""
    return db.session.scalar(addable_people(meeting, roster).where(Person.id == person_id))


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
        # Someone not present took part in no way; a mode not asked (a meeting held one way) is left as
        # recorded: None, the meeting's, unless chosen while the meeting was held both ways.
        if row.status is not AttendanceStatus.PRESENT:
            attendance.mode = None
        elif row.mode is not None:
            attendance.mode = row.mode
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
