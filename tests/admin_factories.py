"""Small builders for the secretariat-page tests: a body with a few seats, without the whole demo."""
from __future__ import annotations

from datetime import date


from app.extensions import db
from app.models import Body, BodyKind, Civility, Membership, Organisation, Person, Role, Seat
from tests.conftest import create_user, log_in, test_organisation


def make_organisation() -> Organisation:
    """The tests' ARS, that of the accounts ``create_user`` makes."""
    organisation = test_organisation()
    db.session.commit()
    return organisation


def make_body(organisation: Organisation, name: str = "Groupe de travail test", **rules) -> Body:
    body = Body(organisation=organisation, kind=BodyKind.WORKING_GROUP, name=name, short_name=name[:20], **rules)
    db.session.add(body)
    db.session.commit()
    return body


def make_person(organisation: Organisation, last_name: str, first_name: str = "", email: str | None = None,
                civility: Civility = Civility.MRS) -> Person:
    person = Person(organisation=organisation, civility=civility, last_name=last_name, first_name=first_name,
                    email=email if email is not None else f"{first_name}.{last_name}@test.example.fr".lower())
    db.session.add(person)
    db.session.commit()
    return person


def seat(person: Person, body: Body, title: str = "", *, start: date = date(2020, 1, 1), end: date | None = None,
         seat_kind: Seat = Seat.TITULAIRE, substitute_for: Membership | None = None) -> Membership:
    membership = Membership(person=person, body=body, title=title, seat=seat_kind, start_date=start, end_date=end,
                            substitute_for=substitute_for)
    db.session.add(membership)
    db.session.commit()
    return membership


def member_client(app, person: Person):
    """A logged-in client for a member whose account is linked to ``person``."""
    return log_in(app.test_client(), create_user(Role.MEMBER, person=person))
