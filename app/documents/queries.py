"""What the document builders read, loaded up front in a fixed number of queries."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal

from sqlalchemy import LargeBinary, Select, bindparam, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.bodies.composition import current_on
from app.extensions import db
from app.formatting import paris_datetime, paris_today, to_paris
from app.meetings.page import ATTENDANCES, MEETING, MeetingPage, attendance_rows, invitation_rows, section_lines
from app.meetings.queries import load_meeting_for_display
from app.permissions import (BODY_TABLE, MEETING_TABLE, account_row_meeting_access_columns, meeting_access_columns,
                             meeting_access_parameters, themes_of)
from app.models import (Attendance, Body, Invitation, Meeting, MeetingStatus, Membership, Minutes, MinutesStatus,
                        Person, Role, RoundTablePoint, RoundTableSection, Theme, User, utc_now)
from app.models.accounts import STAFF_ROLES
from app.models.dossier import CHUNK_SIZE

# A frozen compte rendu is read by pieces of this size (what a download holds in memory at once).
FROZEN_PIECE_SIZE = CHUNK_SIZE
ACCOUNT_TABLE = User.__table__


@dataclass(frozen=True)
class MinutesDownload:
    """What the download of a meeting's compte rendu needs, from one query: the permission check's values,
    the file's name parts, and for a validated one its digest, size and (when it fits one piece) bytes."""

    deleted_at: datetime | None
    organisation_id: int
    body_open: bool
    body_label: str
    starts_at: datetime
    minutes_id: int | None
    status: MinutesStatus | None
    sha256: str | None
    size: int | None
    content: bytes | None

    @property
    def access(self) -> tuple:
        return self.deleted_at, self.organisation_id, self.body_open

    @property
    def frozen(self) -> bool:
        return self.status is not None and self.status is not MinutesStatus.DRAFT


@cache
def _minutes_download_statement(account: Literal["staff", "member", "session"]) -> Select:
    """The facts of ``MinutesDownload`` for an account of a kind, « staff » or « member », whose values are bind
    parameters (``meeting_access_parameters``); or for « session »: the account's row joined by its id
    (``user_id``), its values read with the file, after them (``SessionDownload``)."""
    meeting, body, minutes = MEETING_TABLE.c, BODY_TABLE.c, Minutes.__table__.c
    access = (account_row_meeting_access_columns(ACCOUNT_TABLE) if account == "session"
              else meeting_access_columns(account == "staff"))
    statement = (
        select(*access, func.coalesce(func.nullif(body.short_name, ""), body.name),
               meeting.starts_at, minutes.id, minutes.status, minutes.document_sha256, minutes.document_size,
               case((minutes.document_size <= FROZEN_PIECE_SIZE, minutes.document)))
        .select_from(MEETING_TABLE)
        .join(BODY_TABLE, body.id == meeting.body_id)
        .outerjoin(Minutes.__table__, minutes.meeting_id == meeting.id)
        .where(meeting.id == bindparam("meeting_id"))
    )
    if account != "session":
        return statement
    user = ACCOUNT_TABLE.c
    return (statement.join(ACCOUNT_TABLE, user.id == bindparam("user_id"))
            .add_columns(user.active, user.session_generation, user.role, user.organisation_id, user.person_id))


def minutes_download(user: User, meeting_id: int) -> MinutesDownload | None:
    """The facts of ``MinutesDownload`` for ``user`` (None if no such meeting), in one statement built once:
    no object loaded, and the bytes only of a validated file of one piece."""
    row = db.session.execute(_minutes_download_statement("staff" if user.is_staff else "member"),
                             {"meeting_id": meeting_id, **meeting_access_parameters(user)}).first()
    return MinutesDownload(*row) if row is not None else None


@dataclass(frozen=True)
class SessionAccount:
    """An account read as plain values with what it asks for: what the permission checks ask of a ``User``."""

    role: Role
    organisation_id: int | None
    person_id: int | None
    is_authenticated = True

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class SessionDownload:
    """``MinutesDownload`` read with the account of a session (``session_minutes_download``)."""

    download: MinutesDownload
    account: SessionAccount
    active: bool
    session_generation: str


def session_minutes_download(user_id: int, meeting_id: int) -> SessionDownload | None:
    """The facts of ``MinutesDownload`` with the account ``user_id`` read in the same statement (None if no such
    meeting or account): a download that needs nothing else of the account is one statement in all."""
    row = db.session.execute(_minutes_download_statement("session"),
                             {"meeting_id": meeting_id, "user_id": user_id, "today": paris_today()}).first()
    if row is None:
        return None
    *facts, active, generation, role, organisation_id, person_id = row
    return SessionDownload(MinutesDownload(*facts), SessionAccount(role, organisation_id, person_id), active,
                           generation)


def frozen_minutes_pieces(minutes_id: int, sha256: str) -> Iterator[bytes]:
    """The frozen file by pieces of ``FROZEN_PIECE_SIZE`` bytes, one query each (never the whole file in
    memory); stops short if the file changed meanwhile (reopened, validated again)."""
    offset = 0
    while piece := _frozen_piece(minutes_id, sha256, offset):
        yield piece
        offset += len(piece)


def _frozen_piece(minutes_id: int, sha256: str, offset: int) -> bytes | None:
    if db.engine.dialect.name != "sqlite":  # PostgreSQL reads only the pieces of the value it needs
        piece = db.session.scalar(
            select(func.substr(Minutes.document, offset + 1, FROZEN_PIECE_SIZE, type_=LargeBinary))
            .where(Minutes.id == minutes_id, Minutes.document_sha256 == sha256))
        return bytes(piece) if piece else None
    # SQLite's substr() would load the whole value for every piece: its incremental blob reading does not.
    if db.session.scalar(select(Minutes.id).where(Minutes.id == minutes_id, Minutes.document_sha256 == sha256)) is None:
        return None
    with db.session.connection().connection.dbapi_connection.blobopen("minutes", "document", minutes_id,
                                                                      readonly=True) as blob:
        blob.seek(offset)
        return blob.read(FROZEN_PIECE_SIZE) or None


def load_meeting_with_records(meeting_id: int) -> Meeting | None:
    """The mapped meeting with its people and their memberships: for the attestations, the CSV of presences and
    the steps of the compte rendu (which change the meeting)."""
    return load_meeting_for_display(meeting_id, for_documents=True)


class MinutesMeeting(MeetingPage):
    """The meeting as its compte rendu reads it: the meeting page's plain rows (attendances, convened
    people, the tour de table's sections with their nested points), each attendance with the collège of
    its seat on the meeting day. Its mapped meeting is read through, never changed through it."""


def load_meeting_for_minutes(meeting_id: int) -> MinutesMeeting | None:
    """The meeting with its short relations and the body's organisation (one statement), then its rows (three):
    mapped objects cost the compte rendu more than its building (about 800 for 150 attendees and 300 points)."""
    meeting = db.session.execute(MINUTES_MEETING, {"meeting_id": meeting_id}).unique().scalar()
    return minutes_view(meeting) if meeting is not None else None


def minutes_view(meeting: Meeting | MinutesMeeting) -> MinutesMeeting:
    """``meeting`` as its compte rendu reads it (the view itself when given one)."""
    if isinstance(meeting, MinutesMeeting):
        return meeting
    day = to_paris(meeting.starts_at).date()
    attendances = attendance_rows(meeting.id, MINUTES_ATTENDANCES, body_id=meeting.body_id, day=day)
    return MinutesMeeting(meeting, attendances, section_lines(meeting.id), invitations=invitation_rows(meeting.id))


MINUTES_MEETING = MEETING.options(joinedload(Meeting.body).joinedload(Body.organisation))
_SEAT = Membership.__table__.c
# The collège printed for an attendance: that of the person's seat in the body on the meeting day ('' when none
# is set); a person's seats in one body start on different days, the earliest current one counts.
_SEAT_COLLEGE = (
    select(_SEAT.college)
    .where(_SEAT.person_id == Attendance.__table__.c.person_id, _SEAT.body_id == bindparam("body_id"),
           current_on(bindparam("day"), _SEAT), _SEAT.college != "")
    .order_by(_SEAT.start_date)
    .limit(1)
    .scalar_subquery()
)
MINUTES_ATTENDANCES = ATTENDANCES.add_columns(func.coalesce(_SEAT_COLLEGE, ""))


def load_meeting_for_sign_in_sheet(meeting_id: int) -> Meeting | None:
    """A meeting with its convened people and their memberships (for titulaire / suppléant)."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted_at.is_(None))
        .options(
            selectinload(Meeting.body).selectinload(Body.organisation),
            selectinload(Meeting.invitations).selectinload(Invitation.person).selectinload(Person.memberships),
            selectinload(Meeting.invitations).selectinload(Invitation.proxy_holder),
        )
    )


def meetings_for_synthesis(body_ids: Sequence[int], date_from: date, date_to: date,
                           now: datetime | None = None) -> list[Meeting]:
    """Meetings of ``body_ids`` held between the two Paris dates (inclusive), oldest first, with their
    round-table points and themes: never a cancelled one, nor one not over yet."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.body_id.in_(list(body_ids)),
                Meeting.deleted_at.is_(None),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.ends_at <= (now or utc_now()),
                Meeting.starts_at >= paris_datetime(date_from, 0),
                Meeting.starts_at < paris_datetime(date_to + timedelta(days=1), 0),
            )
            .options(
                selectinload(Meeting.body).selectinload(Body.organisation),
                selectinload(Meeting.sections)
                .selectinload(RoundTableSection.points)
                .selectinload(RoundTablePoint.themes),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def synthesis_themes(organisation_id: int) -> list[Theme]:
    """The themes of the ARS (the shared ones first), in order: each gets its line in the synthesis, even at zero."""
    return list(db.session.scalars(themes_of(organisation_id)))


def bodies_by_id(body_ids: Sequence[int]) -> dict[int, Body]:
    return {body.id: body for body in db.session.scalars(select(Body).where(Body.id.in_(list(body_ids))))}
