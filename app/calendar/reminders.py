"""Reminders sent by ``flask send-reminders`` (cron): meetings and deadlines coming soon.

- a meeting ``Body.reminder_days`` days (Paris dates) before it starts: to the convened people
  who have not answered, with the answer links and the .ics;
- a deadline (one that is not a meeting already in Séances) from ``reminder_days`` days before
  its due date: to the people convened to the meeting that set it — those who must deliver.
Each (meeting version, person) and (deadline, person) is sent once; failed ones are retried.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.calendar.convocations import prepare_meeting_emails
from app.calendar.deliveries import Outgoing, SendReport, can_email, deliver_all, prepared
from app.calendar.mail import secretariat_email
from app.calendar.queries import deadline_options, meeting_options
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import PARIS
from app.meetings.outline import deadline_when
from app.models import (
    Body,
    ConvocationDelivery,
    Deadline,
    DeadlineReminderDelivery,
    DeliveryKind,
    Invitation,
    Meeting,
    MeetingStatus,
    Person,
    utc_now,
)


def _longest_reminder_delay() -> int:
    return db.session.scalar(select(func.max(Body.reminder_days))) or 0


def meetings_to_remind(today: date) -> list[Meeting]:
    """Planned meetings from today on whose reminder date (start − reminder_days) has come."""
    now = utc_now()
    horizon = now + timedelta(days=_longest_reminder_delay() + 1)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.deleted_at.is_(None), Meeting.status == MeetingStatus.PLANNED,
                              Meeting.starts_at > now, Meeting.starts_at <= horizon)
        .options(*meeting_options()).order_by(Meeting.starts_at)
    )
    return [m for m in meetings if m.starts_at.astimezone(PARIS).date() - timedelta(days=m.body.reminder_days) <= today]


def deadlines_to_remind(today: date) -> list[Deadline]:
    """Deadlines due from today on within their body's reminder delay (next meetings already
    in Séances are reminded as meetings)."""
    deadlines = db.session.scalars(
        select(Deadline).join(Meeting, Deadline.meeting_id == Meeting.id)
        .where(Meeting.deleted_at.is_(None), Deadline.announced_meeting_id.is_(None),
               Deadline.due_date >= today,
               Deadline.due_date <= today + timedelta(days=_longest_reminder_delay()))
        .options(*deadline_options(),
                 selectinload(Deadline.meeting).selectinload(Meeting.invitations).selectinload(Invitation.person))
        .order_by(Deadline.due_date)
    )
    return [d for d in deadlines if d.due_date - timedelta(days=d.meeting.body.reminder_days) <= today]


def deadline_message(deadline: Deadline, person: Person):
    meeting = deadline.meeting
    context = {
        "deadline": deadline, "person": person, "meeting": meeting, "when": deadline_when(deadline),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "ics_url": public_url("calendar.deadline_ics", deadline_id=deadline.id),
    }
    subject = f"Rappel : {deadline.title} {deadline_when(deadline)}"
    message = secretariat_email(meeting, person, subject, "deadline", context)
    return message


def prepare_deadline_emails(deadline: Deadline, report: SendReport) -> list[Outgoing]:
    outgoing = []
    for invitation in deadline.meeting.invitations:
        person = invitation.person
        if not can_email(person, report):
            continue
        key = {"deadline_id": deadline.id, "person_id": person.id}
        item = prepared(person.display_name, key, lambda: deadline_message(deadline, person), report)
        if item is not None:
            outgoing.append(item)
    return outgoing


def send_reminders(today: date | None = None) -> tuple[SendReport, SendReport]:
    """Reminders of meetings, then of deadlines; every message is built before the first is sent."""
    today = today or utc_now().astimezone(PARIS).date()
    meeting_report, deadline_report = SendReport(), SendReport()
    meeting_emails = []
    for meeting in meetings_to_remind(today):
        unanswered = [invitation for invitation in meeting.invitations if invitation.response is None]
        meeting_emails += prepare_meeting_emails(meeting, unanswered, DeliveryKind.REMINDER,
                                                 lambda _: "reminder", meeting_report)
    deadline_emails = []
    for deadline in deadlines_to_remind(today):
        deadline_emails += prepare_deadline_emails(deadline, deadline_report)
    deliver_all(ConvocationDelivery, meeting_emails, meeting_report)
    deliver_all(DeadlineReminderDelivery, deadline_emails, deadline_report)
    return meeting_report, deadline_report
