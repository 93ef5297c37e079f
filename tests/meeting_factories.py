"""Small builders of bodies, members and meetings for the meeting-room tests (not fixtures: plain calls)."""
from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.formatting import paris_datetime
from app.models import (
    Body,
    BodyKind,
    Capacity,
    Civility,
    Invitation,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    RoleKind,
    Seat,
)

from tests.conftest import test_organisation

MANDATE_START = date(2019, 1, 1)


def make_body(name: str = "CRSA de test", organisation: Organisation | None = None, **settings) -> Body:
    """A body of ``organisation``, else of the tests' ARS (that of the accounts ``create_user`` makes)."""
    organisation = organisation or test_organisation()
    body = Body(organisation=organisation, kind=BodyKind.CRSA_PLENARY, name=name, short_name=name, **settings)
    db.session.add(body)
    db.session.flush()
    return body


def add_member(body: Body, last_name: str, *, voting: bool = True, seat: Seat = Seat.TITULAIRE,
               substitute_for: Membership | None = None, title: str = "", first_name: str = "Anne") -> Membership:
    person = Person(organisation=body.organisation, civility=Civility.MRS, last_name=last_name, first_name=first_name)
    membership = Membership(person=person, body=body, title=title or f"Qualité de {last_name}", seat=seat,
                            voting=voting, substitute_for=substitute_for, start_date=MANDATE_START)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_meeting(body: Body, *, day: date = date(2020, 6, 4), hour: int = 14, title: str = "Séance plénière",
                 convene: list[Membership] | None = None, **fields) -> Meeting:
    """A meeting of ``body``, convening ``convene`` (default: all its members)."""
    start = paris_datetime(day, hour)
    meeting = Meeting(body=body, title=title, starts_at=start, ends_at=start + timedelta(hours=2), **fields)
    db.session.add(meeting)
    for membership in body.memberships if convene is None else convene:
        meeting.invitations.append(Invitation(person=membership.person, title=membership.title,
                                              capacity=Capacity.MEMBER))
    db.session.commit()
    return meeting


def plenary(size: int, **settings) -> Meeting:
    """A meeting of a body of ``size`` voting titulaires, all convened."""
    body = make_body(f"Plénière de {size}", **settings)
    for index in range(size):
        add_member(body, f"Membre{index:03d}")
    return make_meeting(body)


def make_president(membership: Membership, start: date = MANDATE_START) -> MembershipRole:
    role = MembershipRole(membership=membership, kind=RoleKind.PRESIDENT, start_date=start)
    db.session.add(role)
    db.session.flush()
    return role
