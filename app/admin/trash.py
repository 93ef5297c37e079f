"""Soft deletes: a meeting or a person is never DELETEd, only marked ``deleted_at`` (the bin),
and an admin may restore it. The audit listener records both (app/audit.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Meeting, Person, utc_now

Deletable = Meeting | Person


def move_to_bin(row: Deletable) -> None:
    row.deleted_at = utc_now()


def restore(row: Deletable) -> None:
    row.deleted_at = None


def binned_meetings() -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.deleted_at.is_not(None)).options(selectinload(Meeting.body))
        .order_by(Meeting.deleted_at.desc())
    ))


def binned_people() -> list[Person]:
    return list(db.session.scalars(
        select(Person).where(Person.deleted_at.is_not(None)).order_by(Person.deleted_at.desc())
    ))
