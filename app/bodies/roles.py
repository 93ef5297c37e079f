"""Roles in a body (président, vice-présidents, bureau, rapporteurs), dated on a membership.

Other areas ask here who presides a body on a day: the pouvoirs (the president neither gives nor
receives one), the votes (the president's vote decides a tie) and the compte rendu (who presides).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.bodies.composition import current_on
from app.extensions import db
from app.formatting import short_date
from app.models import Body, Membership, MembershipRole, RoleKind, Seat

# Roles that only a titulaire may hold (a suppléant sits only in place of their titulaire).
TITULAIRE_ONLY = {RoleKind.PRESIDENT, RoleKind.VICE_PRESIDENT, RoleKind.BUREAU_MEMBER}
# Roles that one person at a time holds in a body.
SINGLE_HOLDER = {RoleKind.PRESIDENT}


def role_current_on(day: date):
    """SQL condition: the role runs on ``day``."""
    return (MembershipRole.start_date <= day) & (
        MembershipRole.end_date.is_(None) | (MembershipRole.end_date >= day))


def holders_of(body: Body, kind: RoleKind, on: date) -> list[Membership]:
    """The memberships holding ``kind`` in ``body`` on ``on`` (mandate and role both running), by name;
    people loaded, one query."""
    memberships = db.session.scalars(
        select(Membership)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.body_id == body.id, MembershipRole.kind == kind, current_on(on), role_current_on(on))
        .options(joinedload(Membership.person))
    ).unique().all()
    return sorted((m for m in memberships if m.person.deleted_at is None), key=lambda m: m.person.sort_key)


def president_of(body: Body, on: date) -> Membership | None:
    """The membership of the president of ``body`` on ``on``, or None when the chair is vacant."""
    holders = holders_of(body, RoleKind.PRESIDENT, on)
    return holders[0] if holders else None


def vice_presidents_of(body: Body, on: date) -> list[Membership]:
    """The vice-presidents of ``body`` on ``on``: who presides when the president is away."""
    return holders_of(body, RoleKind.VICE_PRESIDENT, on)


def role_errors(membership: Membership, kind: RoleKind, start_date: date | None, end_date: date | None,
                role_id: int | None = None) -> dict[str, str]:
    """French messages by field name for a role that cannot be recorded; empty when it can."""
    errors: dict[str, str] = {}
    if kind in TITULAIRE_ONLY and membership.seat is not Seat.TITULAIRE:
        errors["kind"] = f"Seul un membre titulaire peut être {kind.label.lower()} de l'instance."
    if start_date is None:
        return errors
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "La fin du rôle ne peut pas précéder son début."
        return errors
    if start_date < membership.start_date or (membership.end_date and start_date > membership.end_date):
        errors["start_date"] = "Le rôle doit commencer pendant le mandat " + mandate_span(membership) + "."
    elif membership.end_date and (end_date is None or end_date > membership.end_date):
        errors["end_date"] = (f"Le mandat prend fin le {short_date(membership.end_date)} : le rôle doit finir "
                              "au plus tard à cette date.")
    if "kind" not in errors:
        clash = overlapping_role(membership, kind, start_date, end_date, role_id)
        if clash is not None:
            errors["start_date"] = clash
    return errors


def roles_end_error(membership: Membership, end_date: date | None) -> str | None:
    """Why the mandate cannot end on ``end_date``: a role of it starts later (change or delete it first)."""
    late = [role for role in membership.roles if end_date is not None and role.start_date > end_date]
    if not late:
        return None
    role = late[0]
    return (f"Le rôle de {role.title.lower()} commence le {short_date(role.start_date)}, après cette date : "
            "modifiez-le ou supprimez-le d'abord.")


def end_roles_with_mandate(membership: Membership) -> None:
    """A role ends with its mandate at the latest: ending the mandate ends the roles still running then."""
    if membership.end_date is None:
        return
    for role in membership.roles:
        if role.end_date is None or role.end_date > membership.end_date:
            role.end_date = membership.end_date


def mandate_span(membership: Membership) -> str:
    span = f"(depuis le {short_date(membership.start_date)}"
    return span + (f", jusqu'au {short_date(membership.end_date)})" if membership.end_date else ")")


def overlapping_role(membership: Membership, kind: RoleKind, start_date: date, end_date: date | None,
                     role_id: int | None) -> str | None:
    """A message when the dates overlap the same role of this member, or a president's term of another."""
    query = (select(MembershipRole).join(MembershipRole.membership)
             .where(MembershipRole.kind == kind, MembershipRole.start_date <= (end_date or date.max))
             .where(MembershipRole.end_date.is_(None) | (MembershipRole.end_date >= start_date))
             .options(contains_eager(MembershipRole.membership).joinedload(Membership.person)))
    if role_id is not None:
        query = query.where(MembershipRole.id != role_id)
    if kind in SINGLE_HOLDER:
        query = query.where(Membership.body_id == membership.body_id)
    else:
        query = query.where(MembershipRole.membership_id == membership.id)
    other = db.session.scalars(query.limit(1)).first()
    if other is None:
        return None
    since = f"depuis le {short_date(other.start_date)}"
    if other.membership_id == membership.id:
        return f"Ce membre est déjà {kind.label.lower()} à ces dates ({since})."
    return (f"L'instance a déjà un président à ces dates : {other.membership.person.formal_name} ({since}). "
            "Mettez d'abord fin à sa présidence.")
