"""Rules about people shared by the people pages and the convened list."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Civility, Person
from app.models.people import display_name


def person_with_email(email: str, organisation_id: int | None, except_person_id: int | None = None) -> Person | None:
    """The person of the ARS (not in the bin) who has ``email``, case ignored."""
    query = select(Person).where(func.lower(Person.email) == email.strip().lower(), Person.deleted_at.is_(None),
                                 Person.organisation_id == organisation_id)
    if except_person_id is not None:
        query = query.where(Person.id != except_person_id)
    return db.session.scalars(query.limit(1)).first()


def email_taken(email: str, organisation_id: int | None, except_person_id: int | None = None) -> bool:
    """The CSV import recognises an ARS's people by e-mail: two people of one ARS may not share one."""
    return person_with_email(email, organisation_id, except_person_id) is not None


def fill_person(fields, person: Person) -> bool:
    """Copy the person's fields (``PersonFields``) onto ``person``; False, with a French message on the
    e-mail field, when another person of her ARS has that address."""
    email = (fields.email.data or "").strip()
    if email and email_taken(email, person.organisation_id, person.id):
        fields.email.errors.append("Une autre personne a déjà cette adresse électronique.")
        return False
    person.civility = Civility(fields.civility.data)
    person.first_name = fields.first_name.data.strip()
    person.last_name = fields.last_name.data.strip()
    person.email = email or None
    person.affiliation = fields.affiliation.data.strip()
    return True


def typed_name(civility: str | None, first_name: str | None, last_name: str | None) -> str:
    """« Mme Prénom NOM » as typed in a form not saved (``Person.display_name``'s order); a civility outside the
    choices is left out."""
    known = civility if civility in Civility._value2member_map_ else ""
    return display_name(known, (first_name or "").strip(), (last_name or "").strip())
