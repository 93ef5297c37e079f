"""The meeting page read as plain rows.

The page lists up to hundreds of attendees, convened people and nested points. Building a mapped
object for each (with its relationships) cost most of the page's time, so the long lists are read
with column selects into the small read-only rows below, and the nesting of the points is rebuilt
in Python from one query. The meeting itself (one row, with its body, agenda, deadlines and minutes)
stays a mapped object: ``MeetingPage`` reads its fields through to it.

Everything the page's includes call with the meeting (quorum, e-mail progress, « À faire », dossier,
attestations) reads the same attribute names on these rows as on the mapped classes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Callable, NamedTuple, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Capacity,
    ConvocationSending,
    Deadline,
    Invitation,
    InvitationResponse,
    Meeting,
    OutboxMessage,
    ParticipationMode,
    Person,
    RoundTablePoint,
    RoundTableSection,
    Theme,
    User,
    point_themes,
)
from app.models.meetings import AttendanceLists
from app.models.people import PersonRow, person_columns, person_row
from app.permissions import NOT_READ, account_parameters, member_opens_meeting_column



class AttendanceRow(NamedTuple):
    """An attendance as the meeting page and the compte rendu read it (read-only; a named tuple: a page builds
    one per attendee, see ``PersonRow``)."""

    person_id: int
    person: PersonRow
    status: AttendanceStatus
    capacity: Capacity
    title: str
    voting: bool
    position: int
    represented_by_id: int | None
    represented_by: PersonRow | None
    mode: ParticipationMode | None  # read by app.meetings.participation (the attestations' list)
    college: str = ""  # of the person's seat on the meeting day: the compte rendu's rows only (MINUTES_ATTENDANCES)


class InvitationRow(NamedTuple):
    """A convocation as the meeting page reads it (read-only)."""

    id: int
    person_id: int
    person: PersonRow
    capacity: Capacity
    title: str
    response: InvitationResponse | None
    proxy_holder_id: int | None
    responded_at: datetime | None  # pouvoirs count in the order they were answered (``answered_pouvoirs``)


@dataclass(slots=True)
class PointLine:
    """A point of the tour de table as the page prints it: its text, speaker, theme names and sub-points."""

    text: str
    speaker_name: str
    themes: list[str] = field(default_factory=list)
    children: list[PointLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SectionLines:
    title: str
    top_level_points: list[PointLine]


PAGE_FIELDS = frozenset({"meeting", "attendances", "invitations", "sections", "kept_rows"})


class MeetingPage(AttendanceLists):
    """The meeting as its page reads it: the mapped meeting's fields, and plain rows for the long lists
    (``attendances``, ``invitations``, the tour de table's ``sections`` holding points). Its quorum is
    ``quorum_status``'s, on the body's seats read as plain rows when the page shows it. The convened people
    (``invitations``) are read when first asked for: a member's page of a meeting whose quorum is frozen in its
    compte rendu does not ask."""

    def __init__(self, meeting: Meeting, attendances: list[AttendanceRow], sections: list[SectionLines],
                 invitations: list[InvitationRow] | None = None):
        self.meeting = meeting
        self.attendances = attendances
        if invitations is not None:
            self.invitations = invitations
        self.sections = sections
        self.kept_rows: dict[str, object] = {}  # read once for the page's includes (``first_convocation_sent``)

    def __setattr__(self, name: str, value) -> None:
        # A change made on the page would never reach the database: the mapped meeting is changed, not its page.
        if name not in PAGE_FIELDS:
            raise AttributeError(f"{type(self).__name__} is read-only: set {name!r} on its mapped meeting")
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        # Read once per page: the templates ask for the same fields many times (``title``, ``body``, ``minutes``…),
        # and each miss of the page's own attributes comes here. The page lives for one request.
        if name == "invitations":
            value = invitation_rows(self.meeting.id)
        else:
            value = getattr(self.meeting, name)
        self.__dict__[name] = value
        return value


Read = TypeVar("Read")


def read_once(meeting: Meeting | MeetingPage, key: str, read: Callable[[], Read]) -> Read:
    """``read()`` the first time a meeting page asks for ``key``, then kept with the page (``kept_rows``): its
    includes ask twice for some facts (the e-mails' progress, for « À faire » and « Convocations par courriel »;
    the dossier, for « À faire » and its section). A mapped meeting keeps nothing: each call reads afresh."""
    kept = getattr(meeting, "kept_rows", None)
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


class FirstConvocation(NamedTuple):
    """``first_convocation_sent``'s row."""

    sent_at: datetime
    urgency_reason: str | None
    delay_days: int | None


class MemberReads(NamedTuple):
    """What a member's meeting page reads with the meeting (``member_meeting_statement``): the value of the
    member's seats for ``checked_meeting_opening``, and the first convocation sent (None before any)."""

    opening: int | None
    first_convocation: FirstConvocation | None


def load_meeting(meeting_id: int) -> Meeting | None:
    """The meeting with its short relations (body, agenda, deadlines, minutes), before the permission check:
    one statement, built once (``MEETING``)."""
    return db.session.execute(MEETING, {"meeting_id": meeting_id}).unique().scalar()


def load_meeting_for_page(user: User, meeting_id: int) -> tuple[Meeting | None, MemberReads | None]:
    """``load_meeting``; for a member, with their ``MemberReads`` in the same statement
    (``member_meeting_statement``)."""
    if user.is_staff:
        return load_meeting(meeting_id), None
    row = db.session.execute(member_meeting_statement(),
                             {"meeting_id": meeting_id, **account_parameters(user)}).unique().first()
    if row is None:
        return None, None
    meeting, opening, sent_at, urgency_reason, delay_days = row
    first = None if sent_at is None else FirstConvocation(sent_at, urgency_reason, delay_days)
    return meeting, MemberReads(opening, first)


def member_value(reads: MemberReads | None):
    """The ``member_value`` of ``checked_meeting_opening`` for a page loaded by ``load_meeting_for_page``."""
    return NOT_READ if reads is None else reads.opening


def meeting_page(meeting: Meeting, with_record: bool, reads: MemberReads | None = None) -> MeetingPage:
    """The page of ``meeting`` (checked already); the tour de table is read only ``with_record``; a member's
    first convocation as ``reads`` has it."""
    page = MeetingPage(meeting, attendance_rows(meeting.id), section_lines(meeting.id) if with_record else [])
    if reads is not None:
        page.kept_rows["first_convocation"] = reads.first_convocation
    return page


# The statements are built once, of the tables' columns: building and adapting a select of a dozen
# mapped attributes, then running it through the ORM's layer, costs as much as reading a hundred rows.
MEETING_ID = bindparam("meeting_id")
# Joined, not « select in »: the agenda and the deadlines are a handful of rows each, and each « select in »
# load costs more than the meeting's own statement (measured: 1.3 ms → 0.35 ms for the four relations). The
# agenda items come with their votes, which the page's « Votes et avis » lists (``votes_of_meeting``).
MEETING = select(Meeting).where(Meeting.id == MEETING_ID).options(
    joinedload(Meeting.body), joinedload(Meeting.minutes),
    joinedload(Meeting.agenda_items).joinedload(AgendaItem.votes),
    joinedload(Meeting.deadlines).joinedload(Deadline.announced_meeting),
)


@cache
def member_meeting_statement():
    """``MEETING`` with a member's two more questions, each a round trip on PostgreSQL when asked apart: what the
    member's seats open (``member_opens_meeting_column``) and the first convocation sent (``FIRST_CONVOCATION``:
    the page's account of the convocations, its dossier's marks). Each is run once, not for each of the
    statement's rows. Staff's page reads every e-mail of the meeting, the first convocation among them
    (``MeetingMail``). Built once, on first use (the calendar package imports this one)."""
    from app.calendar.convocations import FIRST_CONVOCATION

    first_sent = OutboxMessage.__table__.alias("first_sent")
    first_sending = ConvocationSending.__table__.alias("first_sending")
    first_id = FIRST_CONVOCATION.with_only_columns(OutboxMessage.id).scalar_subquery().correlate(None)
    return (
        MEETING.add_columns(member_opens_meeting_column(), first_sent.c.sent_at, first_sending.c.urgency_reason,
                            first_sending.c.delay_days)
        .outerjoin_from(Meeting, first_sent, first_sent.c.id == first_id)
        .outerjoin_from(first_sent, first_sending, first_sending.c.id == first_sent.c.sending_id)
    )


ATTENDANCE, INVITATION = Attendance.__table__.c, Invitation.__table__.c
SECTION, POINT, THEME = RoundTableSection.__table__.c, RoundTablePoint.__table__.c, Theme.__table__.c
PERSON, HOLDER, SPEAKER = Person.__table__, Person.__table__.alias("holder"), Person.__table__.alias("speaker")
ATTENDANCES = (
    select(ATTENDANCE.person_id, ATTENDANCE.status, ATTENDANCE.capacity, ATTENDANCE.title, ATTENDANCE.voting,
           ATTENDANCE.position, ATTENDANCE.represented_by_id, *person_columns(PERSON), *person_columns(HOLDER),
           ATTENDANCE.mode)
    .join_from(Attendance.__table__, PERSON, PERSON.c.id == ATTENDANCE.person_id)
    .outerjoin(HOLDER, HOLDER.c.id == ATTENDANCE.represented_by_id)
    .where(ATTENDANCE.meeting_id == MEETING_ID)
    .order_by(ATTENDANCE.position, ATTENDANCE.id)
)
INVITATIONS = (
    select(INVITATION.id, INVITATION.person_id, INVITATION.capacity, INVITATION.title, INVITATION.response,
           INVITATION.proxy_holder_id, *person_columns(PERSON), INVITATION.responded_at)
    .join_from(Invitation.__table__, PERSON, PERSON.c.id == INVITATION.person_id)
    .where(INVITATION.meeting_id == MEETING_ID)
    .order_by(INVITATION.id)
)
POINTS = (  # with their section (sections without points are not shown), their speaker, and their themes: a row
    # for each theme of a point (most have none or one), in the themes' order
    select(POINT.id, POINT.section_id, POINT.parent_id, POINT.text, SECTION.title, *person_columns(SPEAKER)[:4],
           THEME.name)
    .join_from(RoundTablePoint.__table__, RoundTableSection.__table__, SECTION.id == POINT.section_id)
    .outerjoin(SPEAKER, SPEAKER.c.id == POINT.speaker_id)
    .outerjoin(point_themes, point_themes.c.point_id == POINT.id)
    .outerjoin(Theme.__table__, THEME.id == point_themes.c.theme_id)
    .where(SECTION.meeting_id == MEETING_ID)
    .order_by(SECTION.position, SECTION.id, POINT.position, POINT.id, THEME.position, THEME.id)
)


def rows(statement, **parameters) -> list:
    """Plain rows of a statement of table columns (the session runs it straight on its connection)."""
    return db.session.execute(statement, parameters).all()


def attendance_rows(meeting_id: int, statement=ATTENDANCES, **parameters) -> list[AttendanceRow]:
    """The rows of ``ATTENDANCES``, or of that statement with the collège added (the compte rendu's)."""
    return [AttendanceRow(row[0], person_row(row[7:13]), *row[1:7], person_row(row[13:19]), *row[19:])
            for row in rows(statement, meeting_id=meeting_id, **parameters)]


def invitation_rows(meeting_id: int) -> list[InvitationRow]:
    return [InvitationRow(row[0], row[1], person_row(row[6:12]), *row[2:6], row[12])
            for row in rows(INVITATIONS, meeting_id=meeting_id)]


def section_lines(meeting_id: int) -> list[SectionLines]:
    """The sections that hold points, each with its top-level points and their sub-points, in order: one query
    (points with their section, speaker and themes)."""
    lines: dict[int, PointLine] = {}
    places: dict[int, tuple[int, str, int | None]] = {}  # point id: (section id, section title, parent id)
    for point_id, section_id, parent_id, text, title, speaker_id, civility, first_name, last_name, theme in rows(
            POINTS, meeting_id=meeting_id):
        if point_id not in lines:
            speaker = PersonRow(speaker_id, civility, first_name, last_name).display_name if speaker_id else ""
            lines[point_id] = PointLine(text, speaker)
            places[point_id] = (section_id, title, parent_id)
        if theme is not None:
            lines[point_id].themes.append(theme)
    sections: dict[int, SectionLines] = {}  # in the sections' order, as the points come
    for point_id, (section_id, title, parent_id) in places.items():
        section = sections.setdefault(section_id, SectionLines(title, []))
        if parent_id is None:
            section.top_level_points.append(lines[point_id])
        elif parent_id in lines:
            lines[parent_id].children.append(lines[point_id])
    return list(sections.values())
