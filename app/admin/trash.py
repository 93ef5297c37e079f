"""Soft deletes: a meeting or a person is never DELETEd, only marked ``deleted_at`` (the bin),
and an admin may restore it. The audit listener records both (app/audit.py)."""
from __future__ import annotations

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Meeting, Person, User, utc_now
from app.permissions import organisation_meetings, organisation_people

Deletable = Meeting | Person


def move_to_bin(row: Deletable) -> None:
    row.deleted_at = utc_now()


def restore(row: Deletable) -> None:
    row.deleted_at = None


def binned_meetings(user: User) -> list[Meeting]:
    """The meetings of the user's ARS in the bin, last deleted first."""
    return list(db.session.scalars(
        organisation_meetings(user).where(Meeting.deleted_at.is_not(None)).options(selectinload(Meeting.body))
        .order_by(Meeting.deleted_at.desc())
    ))


def binned_people(user: User) -> list[Person]:
    """The people of the user's ARS in the bin, last deleted first."""
    return list(db.session.scalars(
        organisation_people(user).where(Person.deleted_at.is_not(None)).order_by(Person.deleted_at.desc())
    ))
