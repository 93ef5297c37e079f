"""Creating, deactivating and reactivating accounts: one set of rules for the admin pages and the
command line (``create-user``, ``deactivate-user``, ``reactivate-user``)."""
from __future__ import annotations

import secrets

from sqlalchemy import func, or_, select

from app.auth.passwords import find_account, password_problems
from app.forms import id_from_text
from app.extensions import db
from app.models import Organisation, Person, Role, User


class AccountError(ValueError):
    """A French message saying why the account cannot be created, and the form field it is about."""

    def __init__(self, message: str, field: str = "email"):
        super().__init__(message)
        self.field = field


def find_organisation(reference: str) -> Organisation | None:
    """An organisation by id, name or short name (case ignored)."""
    reference = reference.strip()
    if reference.isdigit():
        organisation_id = id_from_text(reference)
        return db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    return db.session.scalar(select(Organisation).where(or_(
        func.lower(Organisation.name) == reference.lower(), func.lower(Organisation.short_name) == reference.lower()
    )).order_by(Organisation.id).limit(1))


def organisation_for_new_account(reference: str | None) -> Organisation:
    """The organisation named by ``reference``; without one, the only organisation there is."""
    if reference:
        organisation = find_organisation(reference)
        if organisation is None:
            raise AccountError(f"Aucune organisation « {reference} ». Organisations : {organisation_names()}.",
                               "organisation_id")
        return organisation
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id).limit(2)).all()
    if not organisations:
        raise AccountError("Aucune organisation : créez-la d'abord (flask create-organisation NOM).",
                           "organisation_id")
    if len(organisations) > 1:
        raise AccountError(f"Plusieurs organisations : précisez --organisation ({organisation_names()}).",
                           "organisation_id")
    return organisations[0]


def organisation_names() -> str:
    return ", ".join(f"{organisation.id} {organisation.name}"
                     for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id)))


def check_new_account(email: str, password: str | None) -> str:
    """The address of a new account, normalised; AccountError when it or the password is refused."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"Adresse électronique invalide : {email}")
    if find_account(email) is not None:
        raise AccountError(f"Un compte existe déjà pour {email}.")
    if password is not None and (problems := password_problems(password, email)):
        raise AccountError(" ".join(problems), "password")
    return email


def create_account(email: str, role: Role, organisation: Organisation | None, *, password: str | None = None,
                   person: Person | None = None) -> User:
    """A new account (the caller commits). Without a password the account gets one nobody knows: its
    owner chooses theirs with the « mot de passe oublié » link. A national admin belongs to no ARS."""
    email = check_new_account(email, password)
    if role is Role.NATIONAL_ADMIN:
        organisation, person = None, None
    elif organisation is None:
        raise AccountError("Choisissez l'organisation du compte.", "organisation_id")
    if person is not None and person.organisation_id != organisation.id:
        raise AccountError("La personne liée doit appartenir à l'organisation du compte.", "person_id")
    if person is not None and db.session.scalar(select(User.email).where(User.person_id == person.id)) is not None:
        raise AccountError(f"{person.display_name} a déjà un compte : une personne n'en a qu'un.", "person_id")
    user = User(email=email, role=role, organisation=organisation, person=person)
    user.set_password(password if password is not None else secrets.token_urlsafe(32))
    db.session.add(user)
    return user


def deactivate(user: User) -> None:
    """The account can no longer log in, and every session it has ends now, on every server."""
    user.active = False
    user.end_sessions()


def reactivate(user: User) -> None:
    user.active = True
