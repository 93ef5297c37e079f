"""The roster of a meeting: everyone convened or recorded, with their seat, role and status.

One builder shared by the attendance screen and the quorum, so both read people the same way; the
body is read as it stands on the meeting day (``app.bodies.composition``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.bodies.composition import Composition, body_composition
from app.formatting import to_paris
from app.meetings.proxies import SetAside, answered_pouvoirs
from app.models import (
    Attendance,
    AttendanceStatus,
    Capacity,
    Invitation,
    InvitationResponse,
    Meeting,
    Membership,
    MembershipRole,
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
    # The voting seat (titulaire membership id) this entry fills when present: a titulaire's own, a
    # suppléant's titulaire's; None for people without a voting seat in office on the day.
    seat_id: int | None = None
    substitutes: list[Person] = field(default_factory=list)
    roles: list[MembershipRole] = field(default_factory=list)
    # The pouvoir of their convocation answer, when it does not count under the body's rules: why.
    pouvoir_set_aside: SetAside | None = None

    @property
    def response(self) -> InvitationResponse | None:
        return self.invitation.response if self.invitation else None

    @property
    def is_seat_holder(self) -> bool:
        """The titulaire of the seat (who may be represented), as opposed to a suppléant filling it."""
        return self.seat_id is not None and self.membership.id == self.seat_id

    @property
    def is_titulaire(self) -> bool:
        """A titulaire in office (with or without a vote): may be represented by their suppléant."""
        return self.membership is not None and self.membership.seat is Seat.TITULAIRE

    @property
    def is_substitute(self) -> bool:
        return self.membership is not None and self.membership.seat is Seat.SUPPLEANT

    @property
    def substitute_ids(self) -> set[int]:
        return {substitute.id for substitute in self.substitutes}


@dataclass
class Roster:
    """The entries of a meeting (iterable like a list) and the body's composition on the day."""

    entries: list[RosterEntry]
    composition: Composition

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index):
        return self.entries[index]


def meeting_day(meeting: Meeting):
    return to_paris(meeting.starts_at).date()


def prefilled_status(invitation: Invitation | None, substitutes: list[Person],
                     replaced_titulaire_answer: InvitationResponse | None = None,
                     pouvoir_set_aside: SetAside | None = None,
                     stand_in: Person | None = None) -> tuple[AttendanceStatus | None, int | None]:
    """The status forecast by the convocation answer, used until attendance is recorded.

    A suppléant whose titulaire answered « mon suppléant me remplace » is forecast present (``stand_in``: the
    first of the titulaire's suppléants who has not answered « excusé »); a titulaire none of whose suppléants
    may sit, or whose pouvoir does not count (``answered_pouvoirs``: its holder will not sit, or the body's
    rules refuse it), excusé, as the sheet could not be saved with that representation; one whose suppléant
    answered « présent » is represented by that suppléant, whatever pouvoir they gave."""
    response = invitation.response if invitation else None
    if response is InvitationResponse.PRESENT:
        return AttendanceStatus.PRESENT, None
    if response is InvitationResponse.PROXY and pouvoir_set_aside is not None:
        if pouvoir_set_aside.stand_in is not None:
            return AttendanceStatus.REPRESENTED, pouvoir_set_aside.stand_in.id
        return AttendanceStatus.EXCUSED, None
    if response is InvitationResponse.EXCUSED:
        return AttendanceStatus.EXCUSED, None
    if response is InvitationResponse.SUBSTITUTE and substitutes:
        if stand_in is None:
            return AttendanceStatus.EXCUSED, None
        return AttendanceStatus.REPRESENTED, stand_in.id
    if response is InvitationResponse.PROXY and invitation.proxy_holder_id:
        return AttendanceStatus.REPRESENTED, invitation.proxy_holder_id
    if replaced_titulaire_answer is InvitationResponse.SUBSTITUTE:
        return AttendanceStatus.PRESENT, None
    return None, None


def _answered_excused(invitation: Invitation | None) -> bool:
    return invitation is not None and invitation.response is InvitationResponse.EXCUSED


def build_roster(meeting: Meeting, composition: Composition | None = None) -> Roster:
    """Everyone convened to or recorded at ``meeting``: members first, then ARS staff, then guests.

    ``meeting.invitations`` and ``meeting.attendances`` should be loaded with their people
    (``load_meeting_for_display``, or the plain rows of ``app.meetings.page``); the body's composition
    on the day is read in three queries unless given.
    """
    if composition is None:
        composition = body_composition(meeting.body, meeting_day(meeting))
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    attendances = {attendance.person_id: attendance for attendance in meeting.attendances}
    # Who stands in for each titulaire who answered « mon suppléant me remplace »: their first suppléant who
    # has not answered « excusé » (D.1432-30: up to two suppléants), none when both declined.
    stand_in_of = {}
    for person_id, invitation in invitations.items():
        if invitation.response is InvitationResponse.SUBSTITUTE:
            stand_in = next((substitute for substitute in composition.substitutes(person_id)
                             if not _answered_excused(invitations.get(substitute.id))), None)
            if stand_in is not None:
                stand_in_of[person_id] = stand_in
    standing_in = {stand_in.id: InvitationResponse.SUBSTITUTE for stand_in in stand_in_of.values()}

    # Weighed only when someone gave a pouvoir (on a body excluding its president, the plain rows of
    # ``quorum_composition`` then read who presides).
    set_aside = (answered_pouvoirs(composition, invitations.values()).set_aside
                 if any(invitation.response is InvitationResponse.PROXY for invitation in invitations.values()) else {})
    order: list[int] = list(dict.fromkeys([*invitations, *attendances]))
    entries = []
    by_person = composition.by_person
    for person_id in order:
        invitation, attendance = invitations.get(person_id), attendances.get(person_id)
        person = (attendance or invitation).person
        capacity = attendance.capacity if attendance else invitation.capacity
        membership = by_person.get(person_id) if capacity is Capacity.MEMBER else None  # ``membership_of``
        # ``substitutes``: only a titulaire has some.
        substitutes = composition.substitutes(person_id) if membership and membership.seat is Seat.TITULAIRE else []
        if attendance:
            status, represented_by_id = attendance.status, attendance.represented_by_id
        else:
            status, represented_by_id = prefilled_status(invitation, substitutes, standing_in.get(person_id),
                                                         set_aside.get(person_id), stand_in_of.get(person_id))
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
                                   seat_id=composition.seat_filled_by(membership), substitutes=substitutes,
                                   roles=composition.roles_of(person_id) if membership else [],
                                   pouvoir_set_aside=set_aside.get(person_id)))
    # A stable sort: entries of the same rank keep the order above (convened, then recorded only).
    entries.sort(key=lambda entry: (
        CAPACITY_ORDER[entry.capacity],
        entry.attendance.position if entry.attendance else 10**9,
    ))
    return Roster(entries, composition)
