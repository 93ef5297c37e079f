"""Who may see or change what. Every route goes through these checks.

Every account belongs to one organisation (ARS), and every query a page runs on bodies, meetings,
people, deadlines, themes or the audit trail starts from the helpers below, which keep it inside the
user's ARS: a row of another ARS is a 404, as if it did not exist. National admins (``Role.NATIONAL_ADMIN``)
belong to no ARS and see none of their data (only accounts, organisations and sign-in events).
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from functools import cache, wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Exists, Select, bindparam, case, exists, false, func, or_, select, true, union
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import paris_today
from app.models import (
    AuditEvent,
    Body,
    Capacity,
    Invitation,
    Meeting,
    Membership,
    MembershipRole,
    Minutes,
    MinutesStatus,
    Person,
    Role,
    Theme,
    User,
)
from app.models.accounts import STAFF_ROLES
from app.models.audit import SECURITY_ACTIONS
from app.models.types import paris_day


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
# Accounts are managed by each ARS's admins (their own) and by the national admins (all).
account_admin_required = roles_required(Role.ADMIN, Role.NATIONAL_ADMIN)
national_admin_required = roles_required(Role.NATIONAL_ADMIN)


def in_organisation(user: User, column) -> ColumnElement[bool]:
    """SQL condition: ``column`` (an organisation id) is the user's ARS; never true without one."""
    organisation_id = getattr(user, "organisation_id", None)
    return column == organisation_id if organisation_id is not None else false()


def of_users_organisation(user: User, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id == getattr(user, "organisation_id", None)


def organisation_body_ids(user: User) -> Select:
    """Ids of the bodies of the user's ARS."""
    return select(Body.id).where(in_organisation(user, Body.organisation_id))


def mandate_not_ended(on: date) -> ColumnElement[bool]:
    """SQL condition on ``Membership``: the mandate has not ended on ``on`` (running, or still to start) —
    ending a mandate, even today, ends it at once."""
    return or_(Membership.end_date.is_(None), Membership.end_date > on)


def mandate_gives_access(on: date) -> ColumnElement[bool]:
    """SQL condition on ``Membership``: the seat opens its body on ``on``: started, and not ended —
    ending a mandate, even today, ends the access (pages and calendar links) at once."""
    return (Membership.start_date <= on) & mandate_not_ended(on)


def runs_on(day) -> ColumnElement[bool]:
    """SQL condition on ``Membership``: the mandate runs on ``day``, its end date included (as ``is_current``: its
    holder is convened to a meeting of that day, ``members_to_convene``)."""
    return (Membership.start_date <= day) & or_(Membership.end_date.is_(None), Membership.end_date >= day)


def mandate_opens_meeting(on: date, meeting_day) -> ColumnElement[bool]:
    """SQL condition on ``Membership``: the seat opens, on ``on``, a meeting of its body held on ``meeting_day``
    (its Paris day): it opens the body (``mandate_gives_access``), or it starts after ``on`` and runs on that day
    — its holder is then convened to the meeting and e-mailed, so sees it (page, dossier, « Mes séances »,
    personal feed); the body's pages and other meetings wait."""
    # A CASE, not an OR: the meeting's day (a function of its row) is computed only for a seat still to start.
    return case((Membership.start_date <= on, mandate_not_ended(on)), else_=runs_on(meeting_day))


def people_in_office(body_id: int, on: date) -> set[int]:
    """Ids of the people whose mandate in the body has not ended on ``on`` (``mandate_not_ended``): those the
    body's e-mails still reach as members (a member about to take office included)."""
    return set(db.session.scalars(select(Membership.person_id).where(Membership.body_id == body_id,
                                                                     mandate_not_ended(on))))


def still_convened(invitation: Invitation, in_office: set[int]) -> bool:
    """Whether a convocation still reaches its person (e-mails, answer links): ARS staff and guests always; a
    member while their mandate in the body has not ended (``in_office``: ``people_in_office``) — the body's
    pages, feeds and dossier links close with the mandate, and so do its convocations. A cancellation still
    goes to whoever holds an invitation."""
    return invitation.capacity is not Capacity.MEMBER or invitation.person_id in in_office


def seat_opens_meeting(person_id: int, meeting_id: int, on: date) -> bool:
    """One of the person's seats opens the meeting on ``on`` (``seats_opening_meeting``)."""
    return db.session.scalar(seats_opening_meeting(person_id, Body.organisation_id == Person.organisation_id, on,
                                                   Meeting).where(Meeting.id == meeting_id).limit(1)) is not None


def deactivated_account(person_id) -> Exists:
    """SQL: the person's account, if they have one, was deactivated (a person id, or a column to correlate)."""
    return exists(select(User.id).where(User.person_id == person_id, User.active.is_(False)))


def has_deactivated_account(person_id: int) -> bool:
    """The person's account, if they have one, was deactivated: their e-mailed and calendar links stop too."""
    return db.session.scalar(select(deactivated_account(person_id)))


def member_body_ids(user: User, on: date | None = None) -> Select:
    """Ids of the bodies of the user's ARS that the user's person may open on ``on`` (today), through a
    mandate that gives access (``mandate_gives_access``), while the person is not deleted."""
    return bodies_opened_by_seats(user.person_id, in_organisation(user, Body.organisation_id),
                                  paris_today() if on is None else on)


def member_meeting_ids(user: User, on) -> tuple[Select, Select]:
    """``meetings_opened_by_seats`` of the user's person, in the user's ARS."""
    return meetings_opened_by_seats(user.person_id, in_organisation(user, Body.organisation_id), on)


def seats_of(person_id, in_the_organisation: ColumnElement[bool]) -> Select:
    """The body ids of the person's seats in the bodies ``in_the_organisation``, while the person is not deleted:
    the seats that may open a body or a meeting (a person id that may be a bind parameter)."""
    return (
        select(Membership.body_id)
        .join(Body, Body.id == Membership.body_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.person_id == person_id, in_the_organisation, Person.deleted_at.is_(None))
    )


def bodies_opened_by_seats(person_id, in_the_organisation: ColumnElement[bool], on) -> Select:
    """``member_body_ids`` of a person id and a date that may be bind parameters."""
    return seats_of(person_id, in_the_organisation).where(mandate_gives_access(on))


def seats_opening_meeting(person_id, in_the_organisation: ColumnElement[bool], on, meeting) -> Select:
    """The person's seats (``seats_of``) that open on ``on`` the meeting ``meeting`` (``Meeting``, or its table's
    columns in a correlated subquery) by ``mandate_opens_meeting``."""
    return seats_of(person_id, in_the_organisation).where(
        Membership.body_id == meeting.body_id, mandate_opens_meeting(on, paris_day(meeting.starts_at)))


def meetings_opened_by_seats(person_id, in_the_organisation: ColumnElement[bool], on,
                             since=None) -> tuple[Select, Select]:
    """The meetings (the bin included) that the person's seats open on ``on`` (``mandate_opens_meeting``), as two
    selects of ids to put in a UNION, each read by its own index: every meeting of the bodies the seats open, and
    the meetings a seat still to start runs on; ``since``: only those starting from that moment on. (One select
    joining every seat to every meeting of its body read all of them and their day: a member's « Mes séances »
    0.2 → 0.9 ms on SQLite.)"""
    of_open_bodies = select(Meeting.id).where(Meeting.body_id.in_(bodies_opened_by_seats(person_id, in_the_organisation,
                                                                                         on)))
    # Of an alias: the meeting table of the statement this goes in would otherwise be correlated, the UNION then
    # run again for each of its meetings (so ``since`` applies to each part's own table).
    held = MEETING_TABLE.alias("held")
    of_seats_to_start = (seats_of(person_id, in_the_organisation)
                         .where(Membership.start_date > on, Membership.body_id == held.c.body_id,
                                runs_on(paris_day(held.c.starts_at)))
                         .with_only_columns(held.c.id))
    if since is not None:
        of_open_bodies = of_open_bodies.where(Meeting.starts_at >= since)
        of_seats_to_start = of_seats_to_start.where(held.c.starts_at >= since)
    return of_open_bodies, of_seats_to_start


def visible_body_ids(user: User, on: date | None = None) -> Select:
    """Ids of the bodies the user may open (on ``on``, today): all of their ARS for staff, their own for members."""
    return organisation_body_ids(user) if user.is_staff else member_body_ids(user, on)


def visible_bodies(user: User, on: date | None = None) -> Select:
    """A query of the bodies the user may see (on ``on``, today), by name."""
    return select(Body).where(Body.id.in_(visible_body_ids(user, on))).order_by(Body.name)


def visible_meetings(user: User, on: date | None = None) -> Select:
    """A query of the meetings (not in the bin) of the bodies the user may see: the search's (a seat still to start
    shows the meetings it runs on only on their pages, the home page, « Mes séances » and the personal feed:
    ``member_meeting_ids``)."""
    return select(Meeting).where(Meeting.deleted_at.is_(None), Meeting.body_id.in_(visible_body_ids(user, on)))


def openable_meetings(user: User | AccountParameters, on=None) -> Select:
    """A query of the meetings (not in the bin) the user may open ``on`` (today): every meeting of their ARS for
    staff; for a member, those of their bodies and those a seat still to start runs on (``member_meeting_ids``),
    which the member is convened to: the home page lists them."""
    if user.is_staff:
        return visible_meetings(user, on)
    day = paris_today() if on is None else on
    return select(Meeting).where(Meeting.deleted_at.is_(None), Meeting.id.in_(union(*member_meeting_ids(user, day))))


class AccountParameters:
    """Stands for an account of a kind (staff or not) in a statement built once for every account of that
    kind: its ARS and person are bind parameters, as is the date of ``on=TODAY``; ``account_parameters``
    gives their values. The helpers above build the same conditions from it as from a ``User``."""

    def __init__(self, staff: bool):
        self.is_staff = staff
        self.organisation_id = bindparam("organisation_id")
        self.person_id = bindparam("person_id")


TODAY = bindparam("today")


def account_parameters(user: User) -> dict:
    return {"person_id": user.person_id, "organisation_id": getattr(user, "organisation_id", None), "today": paris_today()}


@cache
def visible_body_names(staff: bool) -> Select:
    """Ids and names of the bodies an account of a kind may see, by name (the filters of the search and of the
    échéances), built once for every such account (``account_parameters`` gives the values): building a
    member's and keying it cost 0.2 ms a page."""
    return visible_bodies(AccountParameters(staff), TODAY).with_only_columns(Body.id, Body.name)


# A member's seat opening one body (``member_body_ids`` of one body) or one meeting (``seats_opening_meeting``),
# built once: members' pages ask them on every request.
_MEMBER = AccountParameters(staff=False)
MEMBER_OPENS_BODY = member_body_ids(_MEMBER, TODAY).where(Membership.body_id == bindparam("body_id"))


class Opening(Enum):
    """What a meeting opens to an account: nothing, the meeting alone (a seat still to start), or its body too."""

    CLOSED = 0
    MEETING = 1
    BODY = 2


# One row: the best ``Opening`` value of the member's seats opening the meeting, NULL when none does.
MEMBER_OPENS_MEETING = (
    seats_opening_meeting(_MEMBER.person_id, in_organisation(_MEMBER, Body.organisation_id), TODAY, Meeting)
    .where(Meeting.id == bindparam("meeting_id"))
    .with_only_columns(func.max(case((mandate_gives_access(TODAY), Opening.BODY.value), else_=Opening.MEETING.value)))
)


def organisation_meetings(user: User) -> Select:
    """Every meeting of the user's ARS, the bin included (staff pages: the bin, the audit trail)."""
    return select(Meeting).where(Meeting.body_id.in_(organisation_body_ids(user)))


def visible_people(user: User) -> Select:
    """The people of the user's ARS (not in the bin), by name: lists and pickers."""
    return (select(Person).where(in_organisation(user, Person.organisation_id), Person.deleted_at.is_(None))
            .order_by(Person.last_name, Person.first_name))


def organisation_people(user: User) -> Select:
    """Every person of the user's ARS, the bin included."""
    return select(Person).where(in_organisation(user, Person.organisation_id))


def themes_of(organisation_id: int | None) -> Select:
    """The shared themes (the Ségur pillars) and those of one ARS, in order."""
    own = Theme.organisation_id == organisation_id if organisation_id is not None else false()
    return select(Theme).where(or_(Theme.organisation_id.is_(None), own)).order_by(Theme.position, Theme.name)


def visible_themes(user: User) -> Select:
    """The shared themes and those of the user's ARS."""
    return themes_of(getattr(user, "organisation_id", None))


# The accounts national admins manage: those who run an ARS's meetings or the installation. Members'
# accounts (and the people they are linked to) are their ARS's business.
NATIONALLY_MANAGED_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.NATIONAL_ADMIN)


def visible_accounts(user: User) -> Select:
    """The accounts an admin manages: every account of their ARS; for national admins, the admin,
    secretariat and national admin accounts of every ARS."""
    query = select(User).order_by(User.email)
    if user.is_national_admin:
        return query.where(User.role.in_(NATIONALLY_MANAGED_ROLES))
    return query.where(in_organisation(user, User.organisation_id))


def get_account_or_404(user_id: int) -> User:
    account = db.session.scalar(visible_accounts(current_user).where(User.id == user_id))
    if account is None:
        abort(404)
    return account


def visible_audit_events(user: User) -> Select:
    """An ARS's admins read their ARS's trail; national admins read the sign-in events of every ARS."""
    if user.is_national_admin:
        return select(AuditEvent).where(AuditEvent.action.in_(SECURITY_ACTIONS))
    return select(AuditEvent).where(in_organisation(user, AuditEvent.organisation_id))


# ``member_value`` of ``opened_to`` when the member statement's value was not read with the row.
NOT_READ = object()


def opened_to(user: User, organisation_id: int | None, member_statement: Select, staff_value=True,
              member_value=NOT_READ, **values):
    """What a row of ``organisation_id`` opens to the user: None when closed (another ARS; a member whose seat
    ``member_statement`` — ``MEMBER_OPENS_BODY``, ``MEMBER_OPENS_MEETING``, given ``values`` — does not find),
    ``staff_value`` for staff of its ARS, else the value ``member_statement`` reads, or ``member_value`` when the
    caller read it already for this user (``member_opens_meeting_column``, ``member_opens_body_column``)."""
    if not of_users_organisation(user, organisation_id):
        return None
    if user.is_staff:
        return staff_value
    if user.person_id is None:
        return None
    if member_value is not NOT_READ:
        return member_value
    return db.session.scalar(member_statement, {**account_parameters(user), **values})


def member_opens_meeting_column():
    """``MEMBER_OPENS_MEETING`` as a column of a statement of the meeting ``meeting_id``, run once (not for each
    row), with the parameters of ``account_parameters``: a page that reads the meeting reads it in the same
    statement and gives it to ``checked_meeting_opening``."""
    return MEMBER_OPENS_MEETING.scalar_subquery().correlate(None)


def can_view_body(user: User, body: Body, member_value=NOT_READ) -> bool:
    """``member_value``: ``member_opens_body_column`` read for this user with the body."""
    return opened_to(user, body.organisation_id, MEMBER_OPENS_BODY, member_value=member_value,
                     body_id=body.id) is not None


def member_opens_body_column():
    """``MEMBER_OPENS_BODY`` as a column of a statement of the body ``body_id`` (run once, with the parameters of
    ``account_parameters``): NULL when no seat of the member opens it."""
    return MEMBER_OPENS_BODY.limit(1).scalar_subquery().correlate(None)


def meeting_opening(user: User, meeting: Meeting, member_value=NOT_READ) -> Opening:
    """What the meeting (in the bin or not) opens to the user: a seat still to start opens the meetings it runs on
    (``mandate_opens_meeting``), not yet their body; staff of its ARS and members in office open both.
    ``member_value``: ``member_opens_meeting_column`` read for this user with the meeting."""
    value = opened_to(user, meeting.body.organisation_id, MEMBER_OPENS_MEETING, staff_value=Opening.BODY.value,
                      member_value=member_value, meeting_id=meeting.id)
    return Opening.CLOSED if value is None else Opening(value)


def record_readable(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Meeting``: the user may read what the compte rendu records (tour de table,
    participants): staff always, members once it is published (``documents.workflow.minutes_visible_to``)."""
    if user.is_staff:
        return true()
    return exists(select(Minutes.id).where(Minutes.meeting_id == Meeting.id,
                                           Minutes.status == MinutesStatus.PUBLISHED))


def can_edit(user: User) -> bool:
    return user.is_staff


def check_body(body: Body | None, member_value=NOT_READ) -> Body:
    """``body`` if the current user may see it: 404 if missing or of another ARS, 403 if not theirs.
    ``member_value``: as ``can_view_body``'s."""
    if body is None or not of_users_organisation(current_user, body.organisation_id):
        abort(404)
    if not can_view_body(current_user, body, member_value):
        abort(403)
    return body


def get_body_or_404(body_id: int) -> Body:
    """Load a body the current user may see: 404 if missing or of another ARS, 403 if not theirs."""
    return check_body(db.session.get(Body, body_id))


# The body page's body, with its parent (the page names it): for a member, with what their seats open, read in the
# same statement rather than in one more (a round trip on PostgreSQL). Built once.
BODY_WITH_PARENT = select(Body).options(joinedload(Body.parent)).where(Body.id == bindparam("body_id"))
BODY_WITH_PARENT_FOR_MEMBER = BODY_WITH_PARENT.add_columns(member_opens_body_column())


def body_with_parent(staff: bool) -> Select:
    """The statement of ``get_body_with_parent_or_404`` for an account of a kind."""
    return BODY_WITH_PARENT if staff else BODY_WITH_PARENT_FOR_MEMBER


def get_body_with_parent_or_404(body_id: int, statement: Select | None = None) -> tuple[Body, tuple]:
    """``get_body_or_404`` for the body's page, in one statement: ``body_with_parent`` of the account's kind, or
    ``statement``, that one with more columns (their bind parameters: ``user_id`` or ``account_parameters``').
    The body, and the values of those columns."""
    staff = current_user.is_staff
    parameters = {"body_id": body_id, "user_id": current_user.id, **account_parameters(current_user)}
    row = db.session.execute(body_with_parent(staff) if statement is None else statement, parameters).first()
    if row is None:
        return check_body(None), ()
    if staff:
        return check_body(row[0]), tuple(row[1:])
    return check_body(row[0], member_value=row[1]), tuple(row[2:])


def check_meeting(meeting: Meeting | None, *, binned: bool = False, member_value=NOT_READ) -> Meeting:
    """``meeting`` (loaded by the caller with what its page needs) if the current user may see it:
    404 if missing, in the bin (unless ``binned``) or of another ARS, 403 if not theirs. ``member_value``: as
    ``meeting_opening``'s."""
    checked_meeting_opening(meeting, binned=binned, member_value=member_value)
    return meeting


def checked_meeting_opening(meeting: Meeting | None, *, binned: bool = False, member_value=NOT_READ) -> Opening:
    """``check_meeting``'s checks; then what the meeting opens to the current user (``Opening.BODY``: its body's
    page too, which the meeting page links to). ``member_value``: as ``meeting_opening``'s."""
    if meeting is None or (meeting.deleted_at is not None and not binned):
        abort(404)
    if not of_users_organisation(current_user, meeting.body.organisation_id):
        abort(404)
    opening = meeting_opening(current_user, meeting, member_value)
    if opening is Opening.CLOSED:
        abort(403)
    return opening


MEETING_TABLE, BODY_TABLE = Meeting.__table__, Body.__table__


def meeting_access_columns(staff: bool) -> tuple[ColumnElement, ...]:
    """What ``check_meeting_access`` reads, as columns to select with the ``meeting`` table joined to
    ``body``: a route that needs no more of the meeting checks it in its own query, loading no object.
    Plain table columns (cheaper to run than the ORM's) and bind parameters (``meeting_access_parameters``):
    the statement is built once per kind of account."""
    if staff:
        body_open = true()
    else:
        seats = seats_opening_meeting(_MEMBER.person_id, in_organisation(_MEMBER, Body.organisation_id), TODAY,
                                      MEETING_TABLE.c)
        body_open = exists(seats.correlate(MEETING_TABLE))
    return MEETING_TABLE.c.deleted_at, BODY_TABLE.c.organisation_id, body_open.label("body_open")


def account_row_meeting_access_columns(account) -> tuple[ColumnElement, ...]:
    """``meeting_access_columns`` for the account whose row (``account``: the ``user`` table) is joined to the
    statement, whichever its kind: staff open every meeting (of their ARS, as ``check_meeting_access`` checks),
    a member the meetings their seats open, as for ``meeting_access_columns(False)``."""
    seats = seats_opening_meeting(account.c.person_id, Body.organisation_id == account.c.organisation_id, TODAY,
                                  MEETING_TABLE.c)
    # The roles compared one by one: an IN of a list is an expanding parameter, rendered again on every run.
    staff = (account.c.role == role for role in STAFF_ROLES)
    body_open = or_(*staff, exists(seats.correlate(MEETING_TABLE, account)))
    return MEETING_TABLE.c.deleted_at, BODY_TABLE.c.organisation_id, body_open.label("body_open")


def meeting_access_parameters(user: User) -> dict:
    return {} if user.is_staff else account_parameters(user)


def check_meeting_access(user: User, deleted_at, organisation_id: int | None, body_open: bool) -> None:
    """``check_meeting`` on the values of ``meeting_access_columns``: 404 if in the bin or of another ARS,
    403 if no seat of the user opens the meeting."""
    refusal = meeting_access_refusal(user, deleted_at, organisation_id, body_open)
    if refusal is not None:
        abort(refusal)


def meeting_access_refusal(user: User, deleted_at, organisation_id: int | None, body_open: bool) -> int | None:
    """The status ``check_meeting_access`` answers (404, 403), or None when the user may open the meeting."""
    if deleted_at is not None or not of_users_organisation(user, organisation_id):
        return 404
    if not body_open:
        return 403
    return None


def get_meeting_or_404(meeting_id: int, *, binned: bool = False) -> Meeting:
    """Load a meeting the current user may see: 404 if missing, deleted or of another ARS, 403 if not theirs."""
    return check_meeting(db.session.get(Meeting, meeting_id), binned=binned)


def get_editable_meeting_or_404(meeting_id: int) -> Meeting:
    """Load a meeting the current (staff) user may change: 409 while its compte rendu is validated,
    which freezes the meeting until the minutes are explicitly reopened."""
    from app.documents.workflow import minutes_are_frozen

    # What the checks read, in the meeting's own query rather than one lazy load each.
    meeting = check_meeting(db.session.get(Meeting, meeting_id,
                                           options=(joinedload(Meeting.body), joinedload(Meeting.minutes))))
    if not can_edit(current_user):
        abort(403)
    if minutes_are_frozen(meeting):
        abort(409)
    return meeting


def get_membership_or_404(membership_id: int) -> Membership:
    """A seat of a body the current user may see (404 for another ARS's)."""
    membership = db.get_or_404(Membership, membership_id)
    check_body(membership.body)
    return membership


def get_role_or_404(role_id: int) -> MembershipRole:
    """A role on a seat of a body the current user may see (404 for another ARS's)."""
    role = db.get_or_404(MembershipRole, role_id)
    check_body(role.membership.body)
    return role


def get_person_or_404(person_id: int, *, binned: bool = False) -> Person:
    """A person of the current user's ARS: 404 if missing, of another ARS or in the bin (unless ``binned``)."""
    person = db.session.get(Person, person_id)
    if person is None or not of_users_organisation(current_user, person.organisation_id):
        abort(404)
    if person.deleted_at is not None and not binned:
        abort(404)
    return person
