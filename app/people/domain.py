"""Rules about people shared by the people pages and the convened list."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Person


def email_taken(email: str, organisation_id: int | None, except_person_id: int | None = None) -> bool:
    """The CSV import recognises an ARS's people by e-mail: two people of one ARS may not share one."""
    query = select(Person.id).where(func.lower(Person.email) == email.strip().lower(), Person.deleted_at.is_(None),
                                    Person.organisation_id == organisation_id)
    if except_person_id is not None:
        query = query.where(Person.id != except_person_id)
    return db.session.scalar(query) is not None
