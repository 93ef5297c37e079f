"""Rules about bodies and memberships shared by the forms and the CSV import."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import paris_today, short_date
from app.models import Body, Membership, MembershipRole, Person, Seat


def body_and_descendant_ids(body: Body) -> set[int]:
    """The body and every body below it: none of them may become its parent (no cycles)."""
    parents = dict(db.session.execute(select(Body.id, Body.parent_id)
                                      .where(Body.organisation_id == body.organisation_id)).all())
    found = {body.id}
    changed = True
    while changed:
        changed = False
        for body_id, parent_id in parents.items():
            if parent_id in found and body_id not in found:
                found.add(body_id)
                changed = True
    return found


def body_name_taken(name: str, organisation_id: int, except_body_id: int | None = None) -> bool:
    query = select(Body.id).where(Body.organisation_id == organisation_id, Body.name == name.strip())
    if except_body_id is not None:
        query = query.where(Body.id != except_body_id)
    return db.session.scalar(query) is not None


def current_titulaires(body: Body, on: date | None = None) -> list[Membership]:
    """The body's titulaires on ``on`` (today by default): whom a suppléant may stand for."""
    current = _current_seats(body, Seat.TITULAIRE, on, selectinload(Membership.person))
    return sorted(current, key=lambda membership: membership.person.sort_key)


def titulaires_to_stand_for(body: Body) -> list[Membership]:
    """The titulaires a suppléant may be linked to: in office today, or from a later day (the next mandature,
    recorded once its arrêté is signed); by name, then start date."""
    today = paris_today()
    titulaires = db.session.scalars(
        select(Membership).where(Membership.body_id == body.id, Membership.seat == Seat.TITULAIRE,
                                 Membership.end_date.is_(None) | (Membership.end_date >= today))
        .options(selectinload(Membership.person))).all()
    return sorted(titulaires, key=lambda membership: (membership.person.sort_key, membership.start_date))


def current_substitutes(body: Body, on: date | None = None) -> list[Membership]:
    """The body's suppléants on ``on`` (today by default), with the titulaire each stands for."""
    return _current_seats(body, Seat.SUPPLEANT, on,
                          selectinload(Membership.substitute_for).selectinload(Membership.person))


def _current_seats(body: Body, seat: Seat, on: date | None, loading) -> list[Membership]:
    memberships = db.session.scalars(
        select(Membership).where(Membership.body_id == body.id, Membership.seat == seat).options(loading)).all()
    return [membership for membership in memberships if membership.is_current(on or paris_today())]


def membership_errors(
    *,
    body: Body,
    person: Person | None,
    seat: Seat,
    substitute_for: Membership | None,
    start_date: date | None,
    end_date: date | None,
    membership_id: int | None = None,
) -> dict[str, str]:
    """French messages by field name for a seat that cannot be recorded; empty when it can."""
    errors = {}
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "La fin du mandat ne peut pas précéder son début."
    if seat is Seat.SUPPLEANT:
        if substitute_for is None:
            errors["substitute_for_id"] = "Indiquez le titulaire que ce suppléant remplace."
        elif substitute_for.body_id != body.id or substitute_for.seat is not Seat.TITULAIRE:
            errors["substitute_for_id"] = "Choisissez un titulaire de cette instance."
        elif person is not None and substitute_for.person_id == person.id:
            errors["substitute_for_id"] = "Une personne ne peut pas être sa propre suppléante."
        elif start_date is not None and (ended := _outside_mandate(substitute_for, start_date, end_date)):
            errors["substitute_for_id"] = ended
        elif start_date is not None and (others := _substitutes_overlapping(substitute_for, start_date, end_date,
                                                                             membership_id)):
            if len(others) >= body.max_substitutes_per_titulaire:
                names = ", ".join(other.person.display_name for other in others)
                errors["substitute_for_id"] = (
                    f"{substitute_for.person.display_name} a déjà {len(others)} suppléant(s) en fonction ({names}) : "
                    f"au plus {body.max_substitutes_per_titulaire} par titulaire dans cette instance (art. D.1432-30 "
                    "pour la CRSA). Terminez d'abord le mandat de l'un d'eux.")
        if membership_id is not None and (role := _titulaire_role(membership_id)) is not None:
            errors["seat"] = (f"{role.membership.person.display_name} a été nommé(e) {role.kind.label.lower()} sur "
                              "ce mandat : seul un membre titulaire peut l'être. Supprimez d'abord ce rôle, ou "
                              "enregistrez un nouveau mandat de suppléant.")
    if person is not None and person.id is not None and start_date is not None:
        duplicate = select(Membership.id).where(
            Membership.person_id == person.id, Membership.body_id == body.id, Membership.start_date == start_date
        )
        if membership_id is not None:
            duplicate = duplicate.where(Membership.id != membership_id)
        if db.session.scalar(duplicate) is not None:
            errors["start_date"] = (
                f"{person.display_name} a déjà un mandat dans cette instance commençant le {short_date(start_date)}."
            )
        elif seat is Seat.TITULAIRE and (overlapping := _overlapping_seat(body, person, start_date, end_date,
                                                                         membership_id)) is not None:
            errors["start_date"] = overlap_message(person, overlapping)
    return errors


def _outside_mandate(titulaire: Membership, start_date: date, end_date: date | None) -> str | None:
    """Why a suppléant from ``start_date`` to ``end_date`` cannot stand for ``titulaire``: no day of their
    mandates in common (a suppléant sits in place of their titulaire, D.1432-30); None when they share one."""
    name = titulaire.person.display_name
    if titulaire.end_date is not None and start_date > titulaire.end_date:
        return (f"Le mandat de {name} a pris fin le {short_date(titulaire.end_date)} : son suppléant ne peut siéger "
                "qu'à des dates de ce mandat.")
    if end_date is not None and end_date < titulaire.start_date:
        return (f"Le mandat de {name} commence le {short_date(titulaire.start_date)} : son suppléant ne peut siéger "
                "qu'à des dates de ce mandat.")
    return None


def _titulaire_role(membership_id: int) -> MembershipRole | None:
    """A role only a titulaire holds (président, vice-président, bureau) recorded on the mandate."""
    from app.bodies.roles import TITULAIRE_ONLY

    return db.session.scalars(select(MembershipRole).where(
        MembershipRole.membership_id == membership_id, MembershipRole.kind.in_(TITULAIRE_ONLY))
        .order_by(MembershipRole.start_date).limit(1)).first()


def _substitutes_overlapping(titulaire: Membership, start_date: date, end_date: date | None,
                             membership_id: int | None) -> list[Membership]:
    """The suppléants of ``titulaire`` in office on a day of the mandate from ``start_date`` to ``end_date``: those
    recorded for the same person's earlier or later titulaire mandates too (they stand for them once renewed)."""
    mandates = select(Membership.id).where(Membership.body_id == titulaire.body_id,
                                           Membership.person_id == titulaire.person_id,
                                           Membership.seat == Seat.TITULAIRE)
    statement = _other_mandates(start_date, end_date, membership_id, Membership.substitute_for_id.in_(mandates),
                                Membership.seat == Seat.SUPPLEANT)
    return list(db.session.scalars(statement.options(selectinload(Membership.person))))


def _other_mandates(start_date: date, end_date: date | None, membership_id: int | None, *conditions) -> Select:
    """The mandates meeting ``conditions`` that run on a day from ``start_date`` to ``end_date`` (None: no end),
    the one being edited (``membership_id``) aside, by start date."""
    statement = select(Membership).where(*conditions, Membership.end_date.is_(None) | (Membership.end_date >= start_date))
    if end_date is not None:
        statement = statement.where(Membership.start_date <= end_date)
    if membership_id is not None:
        statement = statement.where(Membership.id != membership_id)
    return statement.order_by(Membership.start_date, Membership.id)


def overlap_message(person: Person, overlapping: Membership) -> str:
    until = f"au {short_date(overlapping.end_date)}" if overlapping.end_date else "sans date de fin"
    return (f"{person.display_name} a déjà un mandat de titulaire dans cette instance du "
            f"{short_date(overlapping.start_date)} {until} : un nouveau mandat commence après la fin du précédent "
            "(renseignez d'abord cette fin).")


def _overlapping_seat(body: Body, person: Person, start_date: date, end_date: date | None,
                       membership_id: int | None) -> Membership | None:
    """Another titulaire mandate of the person in the body on a day of this one: one person holds one seat
    (a renewal starting the day the old one ends would be two seats that day)."""
    statement = _other_mandates(start_date, end_date, membership_id, Membership.person_id == person.id,
                                Membership.body_id == body.id, Membership.seat == Seat.TITULAIRE)
    return db.session.scalars(statement.limit(1)).first()
