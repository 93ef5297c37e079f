"""Unexcused absences (D.1432-44): members absent without excuse from successive meetings of a body
they sit in may be declared resigned by the president, on a proposal of the commission permanente.
Séances lists them to act on; nothing is automatic.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.bodies.composition import current_on
from app.extensions import db
from app.formatting import to_paris
from app.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Capacity,
    Meeting,
    MeetingStatus,
    Membership,
    Seat,
)


@dataclass
class AbsenceRun:
    """Successive meetings of one body a titulaire in office missed without excuse."""

    membership: Membership
    meetings: list[Meeting]

    @property
    def body(self) -> Body:
        return self.membership.body

    @property
    def last(self) -> datetime:
        return self.meetings[-1].starts_at


def unexcused_absence_runs(body_ids: Select, today: date, now: datetime) -> list[AbsenceRun]:
    """Runs of at least ``Body.unexcused_absences_limit`` successive meetings missed without excuse
    (« absent », neither excused nor represented) by titulaires in office ``today``, within their
    current mandate, in the bodies of ``body_ids``; latest first.

    The meetings counted are those the member was recorded at, held before ``now``, not cancelled nor
    binned. Window functions keep only absences next to another absence (or any, in a body whose rule is
    one meeting), so the page reads a few rows whatever the history."""
    sequence = dict(partition_by=(Attendance.person_id, Meeting.body_id), order_by=Meeting.starts_at)
    absent = AttendanceStatus.ABSENT.value
    history = (
        select(Attendance.person_id, Meeting.body_id, Meeting.id.label("meeting_id"), Attendance.status,
               func.lag(Attendance.status).over(**sequence).label("previous"),
               func.lead(Attendance.status).over(**sequence).label("next"),
               func.row_number().over(**sequence).label("rank"))
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .where(Attendance.capacity == Capacity.MEMBER, Meeting.deleted_at.is_(None),
               Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at < now, Meeting.body_id.in_(body_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(history.c.person_id, history.c.body_id, history.c.meeting_id, history.c.rank, Membership.id)
        .join(Membership, (Membership.person_id == history.c.person_id) & (Membership.body_id == history.c.body_id))
        .join(Body, Body.id == history.c.body_id)
        .where(history.c.status == AttendanceStatus.ABSENT,
               # A lone absence matters only where the body's rule is one meeting.
               (history.c.previous == absent) | (history.c.next == absent) | (Body.unexcused_absences_limit <= 1),
               Membership.seat == Seat.TITULAIRE, current_on(today))
        .order_by(history.c.person_id, history.c.body_id, history.c.rank)
    ).all()
    if not rows:
        return []
    memberships = {m.id: m for m in db.session.scalars(
        select(Membership).where(Membership.id.in_({row[4] for row in rows}))
        .options(selectinload(Membership.person), selectinload(Membership.body)))}
    meetings = {m.id: m for m in db.session.scalars(select(Meeting).where(Meeting.id.in_({row[2] for row in rows})))}
    runs: list[AbsenceRun] = []
    previous = None
    for person_id, body_id, meeting_id, rank, membership_id in rows:
        membership, meeting = memberships[membership_id], meetings[meeting_id]
        if membership.person.deleted_at is not None or to_paris(meeting.starts_at).date() < membership.start_date:
            continue
        if previous != (membership_id, rank - 1):
            runs.append(AbsenceRun(membership, []))
        runs[-1].meetings.append(meeting)
        previous = (membership_id, rank)
    runs = [run for run in runs if len(run.meetings) >= run.body.unexcused_absences_limit]
    return sorted(runs, key=lambda run: run.last, reverse=True)
