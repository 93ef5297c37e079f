"""Roles in a body (président, vice-présidents, bureau, rapporteurs), dated on a membership.

Other areas ask here who presides a body on a day: the pouvoirs (the president neither gives nor
receives one), the votes (the president's vote decides a tie) and the compte rendu (who presides).
"""
from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Date, bindparam, select
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


@cache
def _holders_statement():
    """The memberships holding one of the roles ``kinds`` in the body ``body_id`` on ``day`` (mandate and role both
    running), with the role's kind, people joined: built once (building a statement and its cache key costs more
    than running it)."""
    day = bindparam("day", type_=Date)
    return (
        select(Membership, MembershipRole.kind)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.body_id == bindparam("body_id"),
               MembershipRole.kind.in_(bindparam("kinds", expanding=True, type_=MembershipRole.kind.type)),
               current_on(day), role_current_on(day))
        .options(joinedload(Membership.person))
    )


def holders_by_kind(body: Body, kinds: tuple[RoleKind, ...], on: date) -> dict[RoleKind, list[Membership]]:
    """For each of ``kinds``, the memberships holding it in ``body`` on ``on`` (mandate and role both running), by
    name; people loaded, one query for all the kinds."""
    holders: dict[RoleKind, dict[int, Membership]] = {kind: {} for kind in kinds}
    for membership, kind in db.session.execute(_holders_statement(),
                                               {"body_id": body.id, "kinds": list(kinds), "day": on}):
        if membership.person.deleted_at is None:
            holders[kind].setdefault(membership.id, membership)
    return {kind: sorted(held.values(), key=lambda m: m.person.sort_key) for kind, held in holders.items()}


def holders_of(body: Body, kind: RoleKind, on: date) -> list[Membership]:
    """The memberships holding ``kind`` in ``body`` on ``on`` (``holders_by_kind`` of one kind)."""
    return holders_by_kind(body, (kind,), on)[kind]


def president_of(body: Body, on: date) -> Membership | None:
    """The membership of the president of ``body`` on ``on``, or None when the chair is vacant."""
    holders = holders_of(body, RoleKind.PRESIDENT, on)
    return holders[0] if holders else None


def vice_presidents_of(body: Body, on: date) -> list[Membership]:
    """The vice-presidents of ``body`` on ``on``: who presides when the president is away."""
    return holders_of(body, RoleKind.VICE_PRESIDENT, on)


def presiding_holders(body: Body, on: date) -> tuple[Membership | None, list[Membership]]:
    """``president_of`` and ``vice_presidents_of`` in one statement (the compte rendu's « Présidence » asks for
    both)."""
    holders = holders_by_kind(body, (RoleKind.PRESIDENT, RoleKind.VICE_PRESIDENT), on)
    president = holders[RoleKind.PRESIDENT]
    return (president[0] if president else None), holders[RoleKind.VICE_PRESIDENT]


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
