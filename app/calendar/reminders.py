"""Reminders sent by ``flask send-reminders`` (cron): meetings and deadlines coming soon.

- a meeting ``Body.reminder_days`` days (Paris dates) before it starts: to the convened people
  who have not answered, with the answer links and the .ics;
- a deadline (one that is not a meeting already in Séances) from ``reminder_days`` days before
  its due date: to the people convened to the meeting that set it — those who must deliver.
Each (meeting version, person) and (deadline, person) is recorded once in the outbox, which
delivers it and retries failures (app/mail/outbox.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.calendar.convocations import build_for_recipients, can_email, queue_reminders
from app.calendar.mail import secretariat_email
from app.calendar.queries import deadline_options, meeting_options
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import PARIS, paris_today
from app.mail.outbox import Delivered, Dropped, Queued, deliver_soon, queue
from app.meetings.outline import deadline_when
from app.permissions import people_in_office, still_convened
from app.models import Body, Deadline, Invitation, MailKind, Meeting, MeetingStatus, OutboxMessage, Person, utc_now


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
                 joinedload(Deadline.meeting).selectinload(Meeting.invitations).joinedload(Invitation.person))
        .order_by(Deadline.due_date)
    )
    return [d for d in deadlines if d.due_date - timedelta(days=d.meeting.body.reminder_days) <= today]


def deadline_message(deadline: Deadline, person: Person) -> EmailMessage:
    meeting = deadline.meeting
    context = {
        "deadline": deadline, "person": person, "meeting": meeting, "when": deadline_when(deadline),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "ics_url": public_url("calendar.deadline_ics", deadline_id=deadline.id),
    }
    subject = f"Rappel : {deadline.title} {deadline_when(deadline)}"
    return secretariat_email(meeting, person, subject, "deadline", context)


def deadline_mails(deadline: Deadline, today: date | None = None) -> list[dict]:
    """Reminder rows of a deadline, one per person convened to the meeting that set it and still convened by
    e-mail (``still_convened``: not a member who has left the body since)."""
    in_office = people_in_office(deadline.meeting.body_id, today or paris_today())
    return [{"key": f"deadline:{deadline.id}:person:{invitation.person_id}", "kind": MailKind.DEADLINE_REMINDER,
             "deadline_id": deadline.id, "meeting_id": deadline.meeting_id, "person_id": invitation.person_id}
            for invitation in deadline.meeting.invitations
            if can_email(invitation.person) and still_convened(invitation, in_office)]


def build_deadline_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of deadline reminders."""
    deadlines = {deadline.id: deadline for deadline in db.session.scalars(
        select(Deadline).where(Deadline.id.in_({row.deadline_id for row in rows}))
        .options(*deadline_options(), joinedload(Deadline.meeting).joinedload(Meeting.body)
                 .joinedload(Body.organisation)))}
    return build_for_recipients(rows, deadlines, lambda row: row.deadline_id, deadline_email)


def deadline_email(row: OutboxMessage, deadline: Deadline, person: Person) -> EmailMessage | Dropped:
    """Dropped once the deadline has gone by (a retry, a late worker): a reminder then tells of nothing to come."""
    if deadline.due_date < paris_today() or (deadline.due_at is not None and deadline.due_at <= utc_now()):
        return Dropped("échéance passée")
    return deadline_message(deadline, person)


@dataclass
class RemindersQueued:
    meetings: Queued
    deadlines: Queued
    delivered: Delivered | None


def send_reminders(today: date | None = None) -> RemindersQueued:
    """Record the reminders due today (each once: the outbox keeps its key) and hand them to the
    worker; without a queue they are delivered before this returns."""
    today = today or paris_today()
    meetings = queue(queue_reminders(meetings_to_remind(today), today))
    deadlines = queue([mail for deadline in deadlines_to_remind(today) for mail in deadline_mails(deadline, today)])
    db.session.commit()
    return RemindersQueued(meetings, deadlines, deliver_soon(meetings.ids + deadlines.ids))
