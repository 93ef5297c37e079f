"""Who may see or change what. Every route goes through these checks."""
from __future__ import annotations

from datetime import date
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, exists, select, true

from app.extensions import db
from app.models import Body, Meeting, Membership, Minutes, MinutesStatus, Person, Role, User


def roles_required(*roles: Role):
    """Route decorator: logged in (else redirect to login) and one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.ADMIN, Role.SECRETARIAT)
admin_required = roles_required(Role.ADMIN)


def member_body_ids(user: User, on: date | None = None) -> Select:
    """Ids of the bodies where the user's person holds a current membership."""
    on = on or date.today()
    return select(Membership.body_id).where(
        Membership.person_id == user.person_id,
        Membership.start_date <= on,
        (Membership.end_date.is_(None)) | (Membership.end_date >= on),
    )


def visible_bodies(user: User) -> Select:
    """A query of the bodies the user may see: all for staff, their own for members."""
    query = select(Body).order_by(Body.name)
    if user.is_staff:
        return query
    return query.where(Body.id.in_(member_body_ids(user)))


def can_view_body(user: User, body: Body) -> bool:
    if user.is_staff:
        return True
    if user.person_id is None:
        return False
    return db.session.scalar(member_body_ids(user).where(Membership.body_id == body.id)) is not None


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.deleted_at is None and can_view_body(user, meeting.body)


def record_readable(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Meeting``: the user may read what the compte rendu records (tour de table,
    participants): staff always, members once it is published (``documents.workflow.minutes_visible_to``)."""
    if user.is_staff:
        return true()
    return exists(select(Minutes.id).where(Minutes.meeting_id == Meeting.id,
                                           Minutes.status == MinutesStatus.PUBLISHED))


def can_edit(user: User) -> bool:
    return user.is_staff


def get_body_or_404(body_id: int) -> Body:
    """Load a body the current user may see: 404 if missing, 403 if not theirs."""
    body = db.get_or_404(Body, body_id)
    if not can_view_body(current_user, body):
        abort(403)
    return body


def get_meeting_or_404(meeting_id: int) -> Meeting:
    """Load a meeting the current user may see: 404 if missing or deleted, 403 if not theirs."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.deleted_at is not None:
        abort(404)
    if not can_view_body(current_user, meeting.body):
        abort(403)
    return meeting


def get_editable_meeting_or_404(meeting_id: int) -> Meeting:
    """Load a meeting the current (staff) user may change: 409 while its compte rendu is validated,
    which freezes the meeting until the minutes are explicitly reopened."""
    from app.documents.workflow import minutes_are_frozen

    meeting = get_meeting_or_404(meeting_id)
    if not can_edit(current_user):
        abort(403)
    if minutes_are_frozen(meeting):
        abort(409)
    return meeting


def get_person_or_404(person_id: int) -> Person:
    """A person the staff may work on: 404 if missing or in the bin (soft-deleted)."""
    person = db.get_or_404(Person, person_id)
    if person.deleted_at is not None:
        abort(404)
    return person
