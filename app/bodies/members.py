"""The seats of a body as its page reads them: plain rows.

Building a mapped membership for each seat, with its person, roles and the titulaire a suppléant stands
for, cost most of the page's time (4 ms for 75 seats on the benchmark dataset). One column select, built
once, reads them all: a row per seat and role, grouped here into the read-only rows below, which carry
the attribute names the template reads on the mapped classes. The same rows give the page's officers and
the seats of its quorum sentence, for every reader (only staff see the table itself).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select

from app.bodies.composition import voting_seat_of_person
from app.extensions import db
from app.models.people import PersonRow, person_columns
from app.models import Civility, DatedSpan, Membership, MembershipRole, Person, RoleKind, Seat, role_title


@dataclass(frozen=True, slots=True)
class RoleRow(DatedSpan):
    kind: RoleKind
    start_date: date
    end_date: date | None
    civility: Civility

    @property
    def title(self) -> str:
        return role_title(self.kind, self.civility)


@dataclass(frozen=True, slots=True)
class SubstitutedSeat:
    """The titulaire's seat a suppléant stands for, as the table names it."""

    person: PersonRow


@dataclass(slots=True)
class MemberRow(DatedSpan):
    id: int
    person: PersonRow
    title: str
    college: str
    seat: Seat
    voting: bool
    start_date: date
    end_date: date | None
    substitute_for: SubstitutedSeat | None
    roles: list[RoleRow] = field(default_factory=list)
    current: bool = False  # the mandate runs on the day of the page (``body_members``' ``today``)

    @property
    def person_id(self) -> int:
        return self.person.id

    @property
    def holds_voting_seat(self) -> bool:
        return self.seat is Seat.TITULAIRE and self.voting


def _members_statement():
    # Of each person, what the page shows (``person_columns``' first four): not their e-mail address; their
    # ``deleted_at`` is None (only people not deleted are kept).
    membership, person, role = Membership.__table__, Person.__table__, MembershipRole.__table__
    titulaire, titulaire_person = membership.alias("titulaire"), person.alias("titulaire_person")
    return (
        select(membership.c.id, *person_columns(person)[:4], membership.c.title, membership.c.college,
               membership.c.seat, membership.c.voting, membership.c.start_date, membership.c.end_date,
               *person_columns(titulaire_person)[:4], role.c.kind, role.c.start_date, role.c.end_date)
        .select_from(membership)
        .join(person, person.c.id == membership.c.person_id)
        .outerjoin(titulaire, titulaire.c.id == membership.c.substitute_for_id)
        .outerjoin(titulaire_person, titulaire_person.c.id == titulaire.c.person_id)
        .outerjoin(role, role.c.membership_id == membership.c.id)
        .where(membership.c.body_id == bindparam("body_id"), person.c.deleted_at.is_(None))
        .order_by(membership.c.id, role.c.start_date, role.c.id)
    )


MEMBERS = _members_statement()


def body_members(body_id: int, today: date) -> list[MemberRow]:
    """The body's seats of people not deleted, with their roles (by start): current seats first,
    titulaires before suppléants, by name; ended mandates last."""
    members: dict[int, MemberRow] = {}
    for row in db.session.execute(MEMBERS, {"body_id": body_id}):
        member = members.get(row[0])
        if member is None:
            person = PersonRow(*row[1:5])
            titulaire = PersonRow(*row[11:15]) if row[11] is not None else None
            member = members[row[0]] = MemberRow(row[0], person, *row[5:11],
                                                 SubstitutedSeat(titulaire) if titulaire else None)
        if row[15] is not None:
            member.roles.append(RoleRow(row[15], row[16], row[17], member.person.civility))
    for member in members.values():
        member.current = member.is_current(today)
    return sorted(members.values(), key=lambda member: (not member.current, member.seat is Seat.SUPPLEANT,
                                                        member.person.sort_key))


@dataclass(frozen=True, slots=True)
class Officer:
    """A role running on the day, as the body page names it: « Présidente : Mme Anne MARTIN »."""

    title: str
    person: PersonRow


def officers(members: list[MemberRow], on: date) -> list[Officer]:
    """Every role running on ``on`` of a mandate running on ``on``, in the order of ``RoleKind``, then by name."""
    order = list(RoleKind)
    running = [(role, member) for member in members if member.is_current(on)
               for role in member.roles if role.is_current(on)]
    running.sort(key=lambda pair: (order.index(pair[0].kind), pair[1].person.sort_key))
    return [Officer(role.title, member.person) for role, member in running]


def voting_seats_held(members: list[MemberRow], on: date) -> int:
    """The quorum's base: the people holding a voting titulaire seat whose mandate runs on ``on``, each once
    (``voting_seat_of_person``, as ``Composition.seats_in_office`` counts them for ``count_quorum``)."""
    return len(voting_seat_of_person(member for member in members if member.is_current(on)))
