"""The roster of a meeting: everyone convened or recorded, with their vote, seat and status.

One builder shared by the attendance screen and the quorum, so both read people the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import to_paris
from app.models import (
    Attendance,
    AttendanceStatus,
    Capacity,
    Invitation,
    InvitationResponse,
    Meeting,
    Membership,
    Person,
    Seat,
)

CAPACITY_ORDER = {Capacity.MEMBER: 0, Capacity.ARS_STAFF: 1, Capacity.GUEST: 2}


@dataclass
class RosterEntry:
    """One person on the attendance sheet, before or after attendance was recorded."""

    person: Person
    capacity: Capacity
    title: str
    status: AttendanceStatus | None
    represented_by_id: int | None
    invitation: Invitation | None
    attendance: Attendance | None
    membership: Membership | None
    voting: bool
    # Person id of the titulaire whose voting seat this entry fills (a suppléant fills their
    # titulaire's seat when both are convened); None for people without a vote.
    seat_id: int | None = None
    substitutes: list[Person] = field(default_factory=list)

    @property
    def response(self) -> InvitationResponse | None:
        return self.invitation.response if self.invitation else None

    @property
    def is_seat_holder(self) -> bool:
        return self.seat_id == self.person.id


def meeting_day(meeting: Meeting):
    return to_paris(meeting.starts_at).date()


def body_memberships(meeting: Meeting) -> dict[int, Membership]:
    """Current memberships in the meeting's body by person id, people loaded, in one query.

    All of them, not only the convened ones: a suppléant may represent a titulaire without being convened.
    """
    day = meeting_day(meeting)
    memberships = db.session.scalars(
        select(Membership)
        .where(
            Membership.body_id == meeting.body_id,
            Membership.start_date <= day,
            (Membership.end_date.is_(None)) | (Membership.end_date >= day),
        )
        .options(selectinload(Membership.person))
        .order_by(Membership.start_date)
    ).all()
    return {membership.person_id: membership for membership in memberships}


def prefilled_status(invitation: Invitation | None, substitutes: list[Person]) -> tuple[AttendanceStatus | None, int | None]:
    """The status forecast by the convocation answer, used until attendance is recorded."""
    response = invitation.response if invitation else None
    if response is InvitationResponse.PRESENT:
        return AttendanceStatus.PRESENT, None
    if response is InvitationResponse.EXCUSED:
        return AttendanceStatus.EXCUSED, None
    if response is InvitationResponse.SUBSTITUTE and substitutes:
        return AttendanceStatus.REPRESENTED, substitutes[0].id
    if response is InvitationResponse.PROXY and invitation.proxy_holder_id:
        return AttendanceStatus.REPRESENTED, invitation.proxy_holder_id
    return None, None


def build_roster(meeting: Meeting) -> list[RosterEntry]:
    """Everyone convened to or recorded at ``meeting``: members first, then ARS staff, then guests.

    ``meeting.invitations`` and ``meeting.attendances`` should be loaded with their people
    (``load_meeting_for_display``); the memberships are read in one query.
    """
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    attendances = {attendance.person_id: attendance for attendance in meeting.attendances}
    memberships = body_memberships(meeting)
    substitutes_of: dict[int, list[Person]] = {}
    for membership in memberships.values():
        if membership.seat is Seat.SUPPLEANT and membership.substitute_for_id:
            substitutes_of.setdefault(membership.substitute_for_id, []).append(membership.person)

    order: list[int] = list(dict.fromkeys([*invitations, *attendances]))
    entries = []
    for person_id in order:
        invitation, attendance = invitations.get(person_id), attendances.get(person_id)
        membership = memberships.get(person_id)
        person = (attendance or invitation).person
        capacity = attendance.capacity if attendance else invitation.capacity
        substitutes = substitutes_of.get(membership.id, []) if membership else []
        if attendance:
            status, represented_by_id = attendance.status, attendance.represented_by_id
        else:
            status, represented_by_id = prefilled_status(invitation, substitutes)
        if capacity is Capacity.MEMBER:
            voting = membership.voting if membership else bool(attendance and attendance.voting)
        else:
            voting = False
        title = (attendance.title if attendance else "") or (invitation.title if invitation else "") or (
            membership.title if membership else ""
        )
        entries.append(RosterEntry(person=person, capacity=capacity, title=title, status=status,
                                   represented_by_id=represented_by_id, invitation=invitation,
                                   attendance=attendance, membership=membership, voting=voting,
                                   substitutes=substitutes))
    assign_seats(entries)
    original_index = {person_id: index for index, person_id in enumerate(order)}
    entries.sort(key=lambda entry: (
        CAPACITY_ORDER[entry.capacity],
        entry.attendance.position if entry.attendance else 10**9,
        original_index[entry.person.id],
    ))
    return entries


def assign_seats(entries: list[RosterEntry]) -> None:
    """A voting member holds a seat; a suppléant convened with their titulaire shares the titulaire's seat."""
    on_roster = {entry.membership.id: entry.person.id for entry in entries if entry.membership}
    for entry in entries:
        if not entry.voting:
            continue
        membership = entry.membership
        if membership and membership.seat is Seat.SUPPLEANT and membership.substitute_for_id in on_roster:
            entry.seat_id = on_roster[membership.substitute_for_id]
        else:
            entry.seat_id = entry.person.id
