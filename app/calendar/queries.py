"""What the calendar builders need, loaded up front (no query per row)."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import Select, bindparam, func, select, union
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.formatting import PARIS
from app.meetings.page import InvitationRow, invitation_rows
from app.models import (Body, BodyFeedLink, Capacity, Deadline, Invitation, MailKind, Meeting, OutboxMessage,
                        Person, User)
from app.permissions import (NOT_READ, account_parameters, can_view_body, deactivated_account,
                             meetings_opened_by_seats, member_opens_meeting_column)

# What new_feed_token makes (token_urlsafe): anything else is no token, answered 404 without a query.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def meeting_options(with_attendees: bool = True, agenda_joined: bool = False):
    """Loader options for everything ``meeting_event`` reads; feeds leave the invitations out, so
    they do not load every invitation of months of meetings, and join the agenda items to the meetings
    (``agenda_joined``: one statement fewer on every poll; the result must then be made unique)."""
    options = (  # many-to-one relations joined, collections « select in » (one statement each)
        joinedload(Meeting.body).joinedload(Body.organisation),
        (joinedload if agenda_joined else selectinload)(Meeting.agenda_items),
    )
    if with_attendees:
        options += (selectinload(Meeting.invitations).joinedload(Invitation.person),)
    return options


def announced_meeting_options():
    """A next meeting is its own event (``deadline_fields``): load what ``meeting_fields`` reads."""
    return (joinedload(Deadline.announced_meeting).options(*meeting_options(with_attendees=False)),)


def deadline_options():
    """Loader options for everything ``deadline_event`` reads."""
    return (
        joinedload(Deadline.body),
        *announced_meeting_options(),
        joinedload(Deadline.meeting).joinedload(Meeting.body),
    )


def load_meeting_for_calendar(meeting_id: int) -> Meeting | None:
    """The meeting with what its event shows (``meeting_options``), in a statement built once."""
    return db.session.scalar(MEETING_FOR_CALENDAR, {"meeting_id": meeting_id})


MEETING_FOR_CALENDAR = select(Meeting).where(Meeting.id == bindparam("meeting_id")).options(*meeting_options())
# Staff's download: its convened people are read apart, as plain rows; the agenda joined (one statement fewer).
MEETING_FOR_STAFF_COPY = select(Meeting).where(Meeting.id == bindparam("meeting_id")).options(
    *meeting_options(with_attendees=False, agenda_joined=True))


def load_own_copy(meeting_id: int, user: User) -> tuple[Meeting | None, int, list[Invitation | InvitationRow], object]:
    """The meeting's download: the meeting with what its event shows (``meeting_options``), the SEQUENCE of the
    copy, the convocations it names and, for a member, what their seats open (``check_meeting``'s ``member_value``,
    read with the meeting; ``NOT_READ`` for staff). Staff: the meeting's SEQUENCE, everyone convened. A
    member's own copy: the meeting's SEQUENCE raised once for each time they were taken off its convened list,
    as their e-mails carry it (``convocations.times_taken_off``: calendars ignore an event no newer than the
    cancellation they hold), and their own convocation alone, read with the meeting: the statement of a
    member's copy reads no one else's address."""
    if user.is_staff:  # everyone convened as plain rows (``invitation_rows``), not as mapped invitations and people
        meeting = db.session.execute(MEETING_FOR_STAFF_COPY, {"meeting_id": meeting_id}).unique().scalar()
        return (None, 0, [], NOT_READ) if meeting is None else (meeting, meeting.ical_sequence,
                                                                invitation_rows(meeting.id), NOT_READ)
    row = db.session.execute(OWN_COPY, {"meeting_id": meeting_id, **account_parameters(user)}).first()
    if row is None:
        return None, 0, [], NOT_READ
    return (row.Meeting, row.Meeting.ical_sequence + row.withdrawals, [row.Invitation] if row.Invitation else [],
            row.opening)


OWN_COPY = (
    select(Meeting, Invitation)
    .outerjoin(Invitation, (Invitation.meeting_id == Meeting.id) & (Invitation.person_id == bindparam("person_id")))
    .where(Meeting.id == bindparam("meeting_id"))
    .options(*meeting_options(with_attendees=False), joinedload(Invitation.person))
    .add_columns(select(func.count(OutboxMessage.id)).where(OutboxMessage.meeting_id == Meeting.id,
                                                            OutboxMessage.person_id == bindparam("person_id"),
                                                            OutboxMessage.kind == MailKind.WITHDRAWAL)
                 .correlate(Meeting).scalar_subquery().label("withdrawals"),
                 member_opens_meeting_column().label("opening"))
)


def load_deadline(deadline_id: int) -> Deadline | None:
    return db.session.scalar(select(Deadline).where(Deadline.id == deadline_id).options(*deadline_options()))


def meeting_deadlines(meeting: Meeting) -> list[Deadline]:
    return list(db.session.scalars(
        select(Deadline).where(Deadline.meeting_id == meeting.id, Deadline.not_announcing_a_binned_meeting())
        .options(*deadline_options())
        .order_by(Deadline.position, Deadline.id)
    ))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of a shorter month)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def find_feed_owner(token: str) -> Body | Person | None:
    """The body or the person whose feed a secret token opens, while its holder may still read it.

    A body link is one account's own: it answers while the account is active and may open the body, so
    a member whose mandate ended, whose person was deleted or whose account was deactivated loses it,
    and the other members keep theirs. A person's link answers while the person is not deleted and
    their account, if they have one, is active."""
    if not FEED_TOKEN.fullmatch(token or ""):
        return None
    link = db.session.scalar(BODY_FEED_LINK, {"token": token})
    if link is not None:
        return link.body if link.user.active and can_view_body(link.user, link.body) else None
    row = db.session.execute(PERSON_OF_FEED, {"token": token}).first()
    return None if row is None or row.deactivated else row.Person


# A body's feed: the account's link with its body and account, in a statement built once (feeds are polled all day).
BODY_FEED_LINK = (select(BodyFeedLink).where(BodyFeedLink.token == bindparam("token"))
                  .options(joinedload(BodyFeedLink.body), joinedload(BodyFeedLink.user)))

# A person's feed: the person (not deleted) and whether their account was deactivated, in one statement built once.
PERSON_OF_FEED = select(Person, deactivated_account(Person.id).label("deactivated")).where(
    Person.feed_token == bindparam("token"), Person.deleted_at.is_(None))


def body_feed_link(body: Body, user: User) -> BodyFeedLink | None:
    """The account's own subscription link to the body, if it asked for one."""
    return db.session.scalar(select(BodyFeedLink).where(BodyFeedLink.body_id == body.id,
                                                        BodyFeedLink.user_id == user.id))


def feed_contents(owner: Body | Person, since: date, today: date) -> tuple[list[Meeting], list[Deadline]]:
    """Meetings and deadlines of a feed: those of the body, or of the person's bodies and
    invitations, from ``since`` on (upcoming ones and the recent past)."""
    meetings_statement, deadlines_statement = feed_statements(isinstance(owner, Body))
    parameters = {"owner_id": owner.id, "organisation_id": owner.organisation_id, "since": since, "today": today,
                  "since_moment": datetime.combine(since, time(0), tzinfo=PARIS)}
    meetings = list(db.session.scalars(meetings_statement, parameters).unique())
    meeting_ids = {meeting.id for meeting in meetings}
    # A next meeting already in the feed is not repeated as a deadline.
    deadlines = [deadline for deadline in db.session.scalars(deadlines_statement, parameters)
                 if deadline.announced_meeting_id not in meeting_ids]
    return meetings, deadlines


@cache
def feed_statements(of_body: bool) -> tuple[Select, Select]:
    """The feed's two statements, built once for body feeds and once for person feeds (polled all day
    by calendar clients): the owner and the dates are bind parameters."""
    owner_id, since_moment = bindparam("owner_id"), bindparam("since_moment")
    if of_body:
        owner_meetings = (Meeting.body_id == owner_id,)
        recorded_at = owner_meetings  # deadlines set at any meeting of the body
    else:
        # The meetings their seats open today, as on the pages (the bodies where they sit: a mandate ended
        # stops the body's meetings at once; and those a seat still to start runs on), and the meetings they
        # are convened to as ARS staff or guest.
        in_the_organisation, today = Body.organisation_id == bindparam("organisation_id"), bindparam("today")
        of_their_seats = meetings_opened_by_seats(owner_id, in_the_organisation, today)
        invited = select(Invitation.meeting_id).where(Invitation.person_id == owner_id,
                                                      Invitation.capacity != Capacity.MEMBER)
        # One UNION of ids, each part read by its own index (by body and date, by person): an OR of the two
        # is read from every meeting of the window in the country.
        in_their_bodies = meetings_opened_by_seats(owner_id, in_the_organisation, today, since=since_moment)
        # Only their ARS's, as on « Mes séances », whatever else names their person.
        in_their_ars = Meeting.body_id.in_(select(Body.id).where(Body.organisation_id == bindparam("organisation_id")))
        owner_meetings = (Meeting.id.in_(union(*in_their_bodies, invited)), in_their_ars)
        # A deadline still to come was perhaps set at a meeting older than the window: the meetings of their
        # seats of any date (the due date keeps the window).
        recorded_at = (Meeting.id.in_(union(*of_their_seats, invited)), in_their_ars)
    meetings = (select(Meeting).where(Meeting.deleted_at.is_(None), Meeting.starts_at >= since_moment, *owner_meetings)
                .options(*meeting_options(with_attendees=False, agenda_joined=True)).order_by(Meeting.starts_at))
    deadlines = (
        select(Deadline).join(Deadline.meeting)
        .where(Meeting.deleted_at.is_(None), Deadline.due_date >= bindparam("since"),
               Deadline.not_announcing_a_binned_meeting(), *recorded_at)
        # The meeting comes in the same rows (most are already loaded above).
        .options(contains_eager(Deadline.meeting).joinedload(Meeting.body), joinedload(Deadline.body),
                 *announced_meeting_options())
        .order_by(Deadline.due_date, Deadline.id)
    )
    return meetings, deadlines
