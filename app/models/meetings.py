"""Meetings (séances) and what happens in them: agenda, convocations, attendance,
tour de table and the next deadlines (prochaines échéances)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
    UniqueConstraint,
    event,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now
from app.models.votes import AgendaItemNature

if TYPE_CHECKING:
    from app.models.bodies import Body
    from app.models.minutes import Minutes
    from app.models.organisations import Theme
    from app.models.people import Person


class MeetingStatus(LabelledEnum):
    PLANNED = ("planned", "Prévue")
    HELD = ("held", "Tenue")
    CANCELLED = ("cancelled", "Annulée")


class AttendanceStatus(LabelledEnum):
    PRESENT = ("present", "Présent")
    EXCUSED = ("excused", "Excusé")
    ABSENT = ("absent", "Absent")
    REPRESENTED = ("represented", "Représenté")


class Capacity(LabelledEnum):
    MEMBER = ("member", "Membre")
    ARS_STAFF = ("ars_staff", "Au titre de l'ARS")
    GUEST = ("guest", "Invité")


class ParticipationMode(LabelledEnum):
    """How a present person took part; the label is what the attestation de présence prints."""

    ON_SITE = ("on_site", "sur place")
    REMOTE = ("remote", "en visioconférence")


class InvitationResponse(LabelledEnum):
    PRESENT = ("present", "Sera présent(e)")
    EXCUSED = ("excused", "Sera excusé(e)")
    SUBSTITUTE = ("substitute", "Remplacé(e) par son suppléant")
    PROXY = ("proxy", "Donne pouvoir")


class DeadlineKind(LabelledEnum):
    NEXT_MEETING = ("next_meeting", "Prochaine réunion")
    DUE_DATE = ("due_date", "Date butoir")
    OTHER = ("other", "Autre")


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@seances"


class AttendanceLists:
    """The participants of a meeting by capacity and status, for the mapped ``Meeting`` and for the
    meeting page's plain rows (``app.meetings.page.MeetingPage``): both carry ``attendances``."""

    __slots__ = ()

    def attendances_with(self, *, capacity: Capacity, status: AttendanceStatus | None = None) -> list[Attendance]:
        return [
            attendance
            for attendance in self.attendances
            if attendance.capacity is capacity and (status is None or attendance.status is status)
        ]

    @property
    def members_present(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.MEMBER, status=AttendanceStatus.PRESENT)

    @property
    def members_excused(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.MEMBER, status=AttendanceStatus.EXCUSED)

    @property
    def members_absent(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.MEMBER, status=AttendanceStatus.ABSENT)

    @property
    def members_represented(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.MEMBER, status=AttendanceStatus.REPRESENTED)

    @property
    def staff_present(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.ARS_STAFF, status=AttendanceStatus.PRESENT)

    @property
    def guests_present(self) -> list[Attendance]:
        return self.attendances_with(capacity=Capacity.GUEST, status=AttendanceStatus.PRESENT)


class Meeting(AttendanceLists, db.Model):
    """One session of a body. Times are aware datetimes, stored in UTC."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Carries what the lists of visible meetings read (the search's scope): PostgreSQL reads the
        # meetings of some bodies from the index alone, not the whole table.
        Index("ix_meeting_body_starts_at", "body_id", "starts_at", postgresql_include=["id", "deleted_at"]),
        # The bin: few rows, looked up by every list that leaves binned meetings out.
        Index("ix_meeting_binned", "id", postgresql_where=text("deleted_at IS NOT NULL"),
              sqlite_where=text("deleted_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    visio_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    context: Mapped[str] = mapped_column(Text, default="")
    working_method: Mapped[str] = mapped_column(Text, default="")
    # Closing paragraph of the tour de table (« A l'issue du tour de table, il est convenu… »).
    round_table_conclusion: Mapped[str] = mapped_column(Text, default="")
    ical_uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_ical_uid)
    ical_sequence: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    # Version of the attendance sheet as a whole, raised by each save of the sheet (app/concurrency.py).
    attendance_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # A second convocation (D.1432-50): the meeting whose quorum was not reached. It needs no quorum.
    second_convocation_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    # The token of the planning form that created it: the same form posted again (Back, then submit)
    # finds this meeting instead of creating a second one (app/meetings/routes.py).
    creation_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    body: Mapped[Body] = relationship(back_populates="meetings")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.position"
    )
    sections: Mapped[list[RoundTableSection]] = relationship(
        back_populates="meeting", order_by="RoundTableSection.position", cascade="all, delete-orphan"
    )
    deadlines: Mapped[list[Deadline]] = relationship(
        back_populates="meeting",
        foreign_keys="Deadline.meeting_id",
        order_by="Deadline.position",
        cascade="all, delete-orphan",
    )
    minutes: Mapped[Minutes | None] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    first_convocation: Mapped[Meeting | None] = relationship(
        remote_side=[id], back_populates="second_convocations", foreign_keys=[second_convocation_of_id]
    )
    second_convocations: Mapped[list[Meeting]] = relationship(
        back_populates="first_convocation", foreign_keys=[second_convocation_of_id], order_by="Meeting.starts_at"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED

    @property
    def has_taken_place(self) -> bool:
        """Marked held, or begun (and not cancelled): only then may its compte rendu be validated."""
        if self.status is MeetingStatus.CANCELLED:
            return False
        return self.status is MeetingStatus.HELD or self.starts_at <= utc_now()

    @property
    def is_second_convocation(self) -> bool:
        return self.second_convocation_of_id is not None

    def status_when_restored(self, now: datetime) -> MeetingStatus:
        """A cancelled meeting brought back is planned again, or held if it is over."""
        return MeetingStatus.HELD if self.ends_at < now else MeetingStatus.PLANNED

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


AGENDA_TITLE_LENGTH = 500  # an item of the ordre du jour: one line of the meeting form


class AgendaItem(db.Model):
    """An item of the ordre du jour."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(AGENDA_TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    # « Pour avis », « pour délibération » or « pour information » (app/votes), and the text put to the vote.
    nature: Mapped[AgendaItemNature | None] = mapped_column(enum_column(AgendaItemNature, "agenda_item_nature"))
    submitted_text: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class Invitation(db.Model):
    """A person convened to a meeting (convocation), with the answer they gave."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[Capacity] = mapped_column(enum_column(Capacity, "capacity"), default=Capacity.MEMBER)
    title: Mapped[str] = mapped_column(String(300), default="")
    response: Mapped[InvitationResponse | None] = mapped_column(
        enum_column(InvitationResponse, "invitation_response")
    )
    # With response « proxy »: the member who receives the pouvoir.
    proxy_holder_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    proxy_holder: Mapped[Person | None] = relationship(foreign_keys=[proxy_holder_id])


class Attendance(db.Model):
    """What happened for one person at one meeting; ``title`` is the qualité printed in minutes."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint(
            "(status = 'represented') OR (represented_by_id IS NULL)", name="only_represented_has_representative"
        ),
        CheckConstraint("represented_by_id IS NULL OR represented_by_id <> person_id", name="not_self_represented"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus, "attendance_status"))
    represented_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    capacity: Mapped[Capacity] = mapped_column(enum_column(Capacity, "capacity"), default=Capacity.MEMBER)
    title: Mapped[str] = mapped_column(String(300), default="")
    voting: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # Present people only, recorded on the sheet of a meeting held both on site and by visio; None: as the
    # meeting (``app.meetings.participation``), as for the rows recorded before it existed.
    mode: Mapped[ParticipationMode | None] = mapped_column(enum_column(ParticipationMode, "participation_mode"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    represented_by: Mapped[Person | None] = relationship(foreign_keys=[represented_by_id])


point_themes = Table(
    "round_table_point_theme",
    db.metadata,
    Column("point_id", ForeignKey("round_table_point.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RoundTableSection(db.Model):
    """A section of the tour de table (« Points forts relevés », « Propositions »…)."""

    __tablename__ = "round_table_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(back_populates="sections")
    points: Mapped[list[RoundTablePoint]] = relationship(
        back_populates="section", order_by="RoundTablePoint.position", cascade="all, delete-orphan"
    )

    @property
    def top_level_points(self) -> list[RoundTablePoint]:
        return [point for point in self.points if point.parent_id is None]


class RoundTablePoint(db.Model):
    """A point raised in the round; nested under ``parent`` for sub-points."""

    __tablename__ = "round_table_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("round_table_section.id", ondelete="CASCADE"), index=True)
    # The meeting of its section, copied on insert (``_copy_meeting_of_section``): the search finds the
    # points of a set of meetings by this index together with the full-text one, without the sections.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("round_table_point.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    is_proposal: Mapped[bool] = mapped_column(default=False)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    section: Mapped[RoundTableSection] = relationship(back_populates="points")
    parent: Mapped[RoundTablePoint | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[RoundTablePoint]] = relationship(
        back_populates="parent", order_by="RoundTablePoint.position"
    )
    speaker: Mapped[Person | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=point_themes, order_by="Theme.position")



@event.listens_for(RoundTablePoint, "before_insert")
@event.listens_for(RoundTablePoint, "before_update")
def _copy_meeting_of_section(mapper, connection, point: RoundTablePoint) -> None:
    """``meeting_id`` is its section's: taken from the section in the session (flushed before its points)
    or read by id. Every point made through the ORM gets it; bulk inserts (``app.loadgen``) give it."""
    section = point.__dict__.get("section")
    if section is not None and section.id == point.section_id and section.meeting_id is not None:
        point.meeting_id = section.meeting_id
    elif point.meeting_id is None or inspect(point).attrs.section_id.history.has_changes():
        point.meeting_id = connection.scalar(select(RoundTableSection.meeting_id)
                                             .where(RoundTableSection.id == point.section_id))


class Deadline(db.Model):
    """A « prochaine échéance » recorded at a meeting: a next meeting or a due date.

    ``due_date`` is always the Paris date; ``due_at`` adds a precise time when there is one
    (a deadline without time is an all-day event).
    """

    __tablename__ = "deadline"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind, "deadline_kind"))
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For a next meeting: the body that meets, and the meeting once it exists.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"), index=True)
    announced_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    ical_uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_ical_uid)

    meeting: Mapped[Meeting] = relationship(back_populates="deadlines", foreign_keys=[meeting_id])

    @property
    def is_all_day(self) -> bool:
        return self.due_at is None

    @classmethod
    def not_announcing_a_binned_meeting(cls):
        """SQL criterion: not the announcement of a meeting now in the bin (it left every list)."""
        binned = select(Meeting.id).where(Meeting.deleted_at.is_not(None))
        return or_(cls.announced_meeting_id.is_(None), cls.announced_meeting_id.not_in(binned))

    body: Mapped[Body | None] = relationship()
    announced_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[announced_meeting_id])
