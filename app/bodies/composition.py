"""The composition of a body on a day: who holds which seat, who stands in for whom, who presides.

The quorum, the pouvoirs and the attendance sheet all read a body through this one object, built
in a fixed number of queries whatever the size of the body.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import NamedTuple

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import Body, Membership, MembershipRole, Person, RoleKind, Seat
from app.models.people import Civility, PersonRow


def current_on(day: date, membership=Membership):
    """SQL condition: the membership runs on ``day`` (``membership``: the mapped class, or its table's columns)."""
    return (membership.start_date <= day) & (membership.end_date.is_(None) | (membership.end_date >= day))


def voting_seat_of_person(memberships: Iterable) -> dict[int, int]:
    """The quorum's seats: each person holding a voting titulaire seat → the mandate that is their seat. One
    person is one seat: a renewed mandate that overlaps the old one on a day is still one seat, the latest
    started (``memberships`` come by start date). ``Composition.seats_in_office`` and the body page count these."""
    return {membership.person_id: membership.id for membership in memberships if membership.holds_voting_seat}


@dataclass
class Composition:
    """The memberships of a body current on ``day``, their people and roles loaded."""

    body: Body
    day: date
    memberships: list[Membership]
    # False when the memberships are plain rows without their roles (``quorum_composition``): who presides
    # is then read when asked (the pouvoirs of a body whose president neither gives nor receives one).
    roles_read: bool = True
    by_person: dict[int, Membership] = field(init=False)
    seat_ids: set[int] = field(init=False)
    _seat_of_membership: dict[int, int] = field(init=False)
    substitutes_of: dict[int, list[Membership]] = field(init=False)
    _titulaire_now: dict[int, int] = field(init=False)

    def __post_init__(self):
        # Each rule below reads one kind of seat: the memberships are split once.
        titulaires = [membership for membership in self.memberships if membership.seat is Seat.TITULAIRE]
        suppleants = [membership for membership in self.memberships if membership.seat is Seat.SUPPLEANT]
        # A person with two seats in one body is read by their titulaire seat (the latest started, if renewed).
        self.by_person = {membership.person_id: membership for membership in suppleants}
        self.by_person.update((membership.person_id, membership) for membership in titulaires)
        seat_of_person = voting_seat_of_person(titulaires)
        self.seat_ids = set(seat_of_person.values())
        self._seat_of_membership = {membership.id: seat_of_person[membership.person_id]
                                    for membership in titulaires if membership.holds_voting_seat}
        self._titulaire_now = self._renewed_titulaires(titulaires, suppleants)
        self.substitutes_of = {}
        for membership in suppleants:
            if membership.substitute_for_id is not None:
                self.substitutes_of.setdefault(self.titulaire_of(membership), []).append(membership)

    def _renewed_titulaires(self, titulaires: list, suppleants: list) -> dict[int, int]:
        """A suppléant recorded for a titulaire's mandate that has ended stands for the same titulaire in
        their renewed mandate (D.1432-44): the ended mandate's id leads to the one in office on the day.
        One query, only when a suppléant's titulaire mandate is not in office."""
        titulaire_of_person = {membership.person_id: membership.id for membership in titulaires}
        in_office = set(titulaire_of_person.values())
        ended = {membership.substitute_for_id for membership in suppleants
                 if membership.substitute_for_id is not None and membership.substitute_for_id not in in_office}
        if not ended:
            return {}
        rows = db.session.execute(select(Membership.id, Membership.person_id).where(Membership.id.in_(ended)))
        return {ended_id: titulaire_of_person[person_id] for ended_id, person_id in rows
                if person_id in titulaire_of_person}

    def titulaire_of(self, substitute) -> int | None:
        """The titulaire mandate in office the suppléant stands for (renewed, if theirs was)."""
        return self._titulaire_now.get(substitute.substitute_for_id, substitute.substitute_for_id)

    @property
    def seats_in_office(self) -> int:
        """The quorum's base: voting seats held by a titulaire in office on the day."""
        return len(self.seat_ids)

    def membership_of(self, person_id: int) -> Membership | None:
        return self.by_person.get(person_id)

    def person(self, person_id: int) -> Person | None:
        """A person holding a membership on the day (a suppléant who is not convened, say)."""
        membership = self.by_person.get(person_id)
        return membership.person if membership is not None else None

    def seat_filled_by(self, membership: Membership | None) -> int | None:
        """The voting seat (titulaire membership id) a member fills when present: their own as a
        titulaire, their titulaire's as a suppléant; None without a voting seat in office."""
        if membership is None:
            return None
        seat = membership.id if membership.seat is Seat.TITULAIRE else self.titulaire_of(membership)
        return self._seat_of_membership.get(seat)

    def voting_titulaire(self, person_id: int) -> Membership | None:
        """The person's voting titulaire seat in office, if any: who may give or receive a pouvoir."""
        membership = self.by_person.get(person_id)
        return membership if membership is not None and membership.holds_voting_seat else None

    def substitutes(self, person_id: int) -> list[Person]:
        """The suppléants in office of the person's titulaire seat."""
        membership = self.by_person.get(person_id)
        if membership is None or membership.seat is not Seat.TITULAIRE:
            return []
        return [substitute.person for substitute in self.substitutes_of.get(membership.id, [])]

    def roles_of(self, person_id: int) -> list[MembershipRole]:
        membership = self.by_person.get(person_id)
        return membership.roles_on(self.day) if membership is not None else []

    @cached_property
    def president(self) -> Membership | None:
        """The membership of the body's president on the day (read once: the attendance sheet asks for
        every person, and each time went through every membership's roles)."""
        if not self.roles_read:
            from app.bodies.roles import president_of  # roles.py reads this module's ``current_on``

            president = president_of(self.body, self.day)
            return self.by_person.get(president.person_id) if president is not None else None
        for membership in self.memberships:
            if any(role.kind is RoleKind.PRESIDENT for role in membership.roles_on(self.day)):
                return membership
        return None

    def is_president(self, person_id: int) -> bool:
        president = self.president
        return president is not None and president.person_id == person_id


def body_composition(body: Body, day: date) -> Composition:
    """The composition of ``body`` on ``day``: two queries (memberships with their people, roles)."""
    memberships = db.session.scalars(
        select(Membership)
        .join(Membership.person)
        .where(Membership.body_id == body.id, current_on(day), Person.deleted_at.is_(None))
        .options(contains_eager(Membership.person), selectinload(Membership.roles))
        .order_by(Membership.start_date, Membership.id)
    ).all()
    return Composition(body=body, day=day, memberships=list(memberships))


class SeatRow(NamedTuple):
    """A membership current on the day, as the quorum counts it: a row of ``_SEATS`` as it comes. No roles are
    read (the quorum does not use them), so ``roles_on`` is empty."""

    id: int
    person_id: int
    seat: Seat
    voting: bool
    substitute_for_id: int | None
    title: str
    civility: Civility
    first_name: str
    last_name: str
    email: str | None

    @property
    def holds_voting_seat(self) -> bool:
        return self.seat is Seat.TITULAIRE and self.voting

    @property
    def person(self) -> PersonRow:
        """Built when asked: the quorum names only suppléants and the holders of pouvoirs. ``_SEATS`` reads only
        people not deleted (``deleted_at`` None)."""
        return PersonRow(self.person_id, self.civility, self.first_name, self.last_name, self.email)

    def roles_on(self, on: date) -> list:
        return []


_MEMBERSHIP, _PERSON = Membership.__table__.c, Person.__table__.c
_SEATS = (  # built once, of the tables' columns (no mapped object), in the order of ``SeatRow``'s fields
    select(_MEMBERSHIP.id, _MEMBERSHIP.person_id, _MEMBERSHIP.seat, _MEMBERSHIP.voting, _MEMBERSHIP.substitute_for_id,
           _MEMBERSHIP.title, _PERSON.civility, _PERSON.first_name, _PERSON.last_name, _PERSON.email)
    .join_from(Membership.__table__, Person.__table__, _PERSON.id == _MEMBERSHIP.person_id)
    .where(_MEMBERSHIP.body_id == bindparam("body_id"), current_on(bindparam("day", type_=Date), _MEMBERSHIP),
           _PERSON.deleted_at.is_(None))
    .order_by(_MEMBERSHIP.start_date, _MEMBERSHIP.id)
)


def quorum_composition(body: Body, day: date) -> Composition:
    """The composition of ``body`` on ``day`` as the quorum counts it (the seats, their people, who stands in
    for whom; no roles), in one statement of plain rows: what the meeting page, the compte rendu and the
    votes count their quorum on. ``body_composition`` gives the mapped memberships with their roles."""
    rows = db.session.execute(_SEATS, {"body_id": body.id, "day": day}).all()
    return Composition(body=body, day=day, memberships=[SeatRow(*row) for row in rows], roles_read=False)
