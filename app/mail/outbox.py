"""Recording e-mails to send and delivering them, once each, with retries and backoff.

- ``queue(messages)`` records rows (``OutboxMessage``) in the caller's transaction: one INSERT for
  the new ones, whatever their number. A row whose key exists is not added again (sent, or on its
  way); a failed one is set pending again when the caller asks to retry.
- ``deliver_soon(ids)`` hands them to the worker (app/jobs.py) once the caller has committed. Redis
  unreachable, they stay pending (``Delivered.postponed``) for the worker's start or ``flask deliver-mail``.
- ``deliver(ids)`` (the job) builds every message from the current records, then claims each row
  (pending → sending, committed) before it leaves, so two workers never send it twice, and records
  the outcome. A refusal of the message itself (5xx) fails it for good; anything else is retried
  after ``MAIL_RETRY_DELAYS`` (then fails). Once the server is found unavailable, the rest of the
  batch waits for the same retry without a timeout each.
- ``deliver_due()`` picks up what is due and was left behind (worker start, ``flask deliver-mail``).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, insert, or_, select, update

from app.extensions import db
from app.jobs import QueueUnreachable, enqueue, resolve, schedule
from app.mail.smtp import SEND_ERRORS, SmtpConnection, describe_error, permanent_refusal, server_unavailable
from app.models import MailKind, MailStatus, OutboxMessage, utc_now

# Who builds each kind of message: ``function(rows) -> {row id: EmailMessage or Dropped}``, given
# every row of that kind in a batch (so that it loads what they need in a few queries).
BUILDERS = {
    MailKind.CONVOCATION: "app.calendar.convocations:build_meeting_emails",
    MailKind.UPDATE: "app.calendar.convocations:build_meeting_emails",
    MailKind.CANCELLATION: "app.calendar.convocations:build_meeting_emails",
    MailKind.WITHDRAWAL: "app.calendar.convocations:build_meeting_emails",
    MailKind.REMINDER: "app.calendar.convocations:build_meeting_emails",
    MailKind.SUBSTITUTE_NOTICE: "app.calendar.notices:build_notice_emails",
    MailKind.PROXY_NOTICE: "app.calendar.notices:build_notice_emails",
    MailKind.PROXY_LAPSED: "app.calendar.notices:build_notice_emails",
    MailKind.DEADLINE_REMINDER: "app.calendar.reminders:build_deadline_emails",
    MailKind.PASSWORD_RESET: "app.auth.emails:build_password_reset_emails",
    MailKind.DOSSIER_UPDATE: "app.dossier.notices:build_dossier_emails",
    MailKind.CONSULTATION: "app.votes.consultations:build_consultation_emails",
    MailKind.CONSULTATION_REMINDER: "app.votes.consultations:build_consultation_emails",
}
DELIVER_JOB = "app.mail.outbox:deliver"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dropped:
    """A message no longer due (« remplacé par une version plus récente »…): the row says why."""

    reason: str


@dataclass(frozen=True)
class Unbuildable(Dropped):
    """A message whose building failed (a bug, a record the templates cannot show): it has failed,
    and the others of the batch still leave."""


@dataclass
class Queued:
    """What ``queue`` did: rows to deliver now, and keys already sent or on their way."""

    ids: list[int] = field(default_factory=list)
    new: int = 0
    retried: int = 0
    already: int = 0


@dataclass
class Delivered:
    """Outcome of one ``deliver`` run, by row id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # for good
    retrying: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    postponed: list[int] = field(default_factory=list)  # not tried: the queue could not be reached


def queue(messages: list[dict], retry_failed: bool = True) -> Queued:
    """Record ``messages`` (column values of OutboxMessage, with a unique ``key`` each) that are not
    recorded yet; failed ones (for good or waiting for a retry) are set to go now if
    ``retry_failed``. No commit: the caller commits, then calls ``deliver_soon(result.ids)``."""
    result = Queued()
    if not messages:
        return result
    keys = [message["key"] for message in messages]
    existing = {row.key: row for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.in_(keys)))}
    fresh = [message for message in messages if message["key"] not in existing]
    for row in existing.values():
        if retry_failed and (row.status is MailStatus.FAILED or row.retrying):
            row.status, row.next_attempt_at = MailStatus.PENDING, None
            result.ids.append(row.id)
            result.retried += 1
        else:
            result.already += 1
    if fresh:
        now = utc_now()
        defaults = {column.key: None for column in OutboxMessage.__table__.columns if column.nullable}
        defaults.update(status=MailStatus.PENDING, attempts=0, detail="", created_at=now, updated_at=now)
        # One executemany of plain rows (no ORM objects, no RETURNING): the cost of a sending barely
        # grows with its number of recipients.
        db.session.execute(insert(OutboxMessage.__table__), [{**defaults, **message} for message in fresh])
        result.ids += db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.key.in_([message["key"] for message in fresh])).order_by(OutboxMessage.id)).all()
        result.new = len(fresh)
    db.session.flush()
    return result


def deliver_soon(ids: list[int]) -> Delivered | None:
    """Have the worker deliver these rows (call after commit). Without a queue they are delivered
    now and the outcome is returned; with one, None. The queue unreachable, they stay pending, due now:
    the worker's next sweep sends them (``deliver_due``, ``MAIL_SWEEP_SECONDS``), or cron's
    ``flask deliver-mail``."""
    if not ids:
        return Delivered()
    try:
        return enqueue(DELIVER_JOB, list(ids))
    except QueueUnreachable:
        return Delivered(postponed=list(ids))


def retry_delays() -> list[int]:
    return [int(seconds) for seconds in current_app.config["MAIL_RETRY_DELAYS"]]


def claimable(now: datetime):
    """Rows a worker may take: pending and due, or left « sending » by a worker that died."""
    stale = now - timedelta(seconds=int(current_app.config["MAIL_SENDING_STALE_AFTER"]))
    return or_(
        and_(OutboxMessage.status == MailStatus.PENDING,
             or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)),
        and_(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.updated_at < stale),
    )


def claim(row_id: int) -> bool:
    """Switch the row to « sending » (committed) if it is still to send; False if another worker has it."""
    now = utc_now()
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, claimable(now))
        .values(status=MailStatus.SENDING, attempts=OutboxMessage.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def build_messages(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Every message of ``rows``, built by the builder of its kind (a failing builder fails its rows)."""
    by_builder: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_builder[BUILDERS[row.kind]].append(row)
    messages: dict[int, EmailMessage | Dropped] = {}
    for path, group in by_builder.items():
        try:
            messages.update(resolve(path)(group))
        except Exception:  # one record that cannot be shown must not stop the mail-out: find it
            logger.exception("Building %s e-mails failed; building them one by one", path)
            db.session.rollback()
            for row_id in [row.id for row in group]:
                row = db.session.get(OutboxMessage, row_id)
                try:
                    messages.update(resolve(path)([row]))
                except Exception as error:
                    logger.exception("Outbox message %s cannot be built", row_id)
                    db.session.rollback()
                    messages[row_id] = Unbuildable(f"message impossible à construire ({type(error).__name__})")
    return messages


def deliver(ids: list[int]) -> Delivered:
    """The job: send the rows ``ids`` that are still to send; record each outcome; plan the retries."""
    outcome = Delivered()
    now = utc_now()
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids), claimable(now))
                                   .order_by(OutboxMessage.id)))
    if not rows:
        return outcome
    row_ids = [row.id for row in rows]  # commits below expire the rows: keep plain values
    messages = build_messages(rows)
    unavailable: Exception | None = None
    with SmtpConnection() as smtp:
        for row_id in row_ids:
            message = messages.get(row_id, Unbuildable("message impossible à construire"))
            if unavailable is not None:
                postpone(row_id, unavailable, outcome)
                continue
            if not claim(row_id):
                continue
            if isinstance(message, Unbuildable):
                record(row_id, MailStatus.FAILED, message.reason, outcome.failed)
                continue
            if isinstance(message, Dropped):
                record(row_id, MailStatus.DROPPED, message.reason, outcome.dropped)
                continue
            try:
                smtp.send(message)
            except SEND_ERRORS as error:
                if server_unavailable(error):
                    unavailable = error
                record_failure(row_id, error, outcome)
            else:
                record(row_id, MailStatus.SENT, "", outcome.sent, sent_at=utc_now())
    plan_retry(outcome.retrying)
    return outcome


def record(row_id: int, status: MailStatus, detail: str, bucket: list[int], **values) -> None:
    row = db.session.get(OutboxMessage, row_id)
    row.status, row.detail, row.next_attempt_at = status, detail, None
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()
    bucket.append(row_id)


def record_failure(row_id: int, error: Exception, outcome: Delivered) -> None:
    """Failed for good when refused (5xx) or out of attempts; else pending until the next try."""
    row = db.session.get(OutboxMessage, row_id)
    delays = retry_delays()
    if permanent_refusal(error) or row.attempts > len(delays):
        record(row_id, MailStatus.FAILED, describe_error(error), outcome.failed)
        return
    row.status, row.detail = MailStatus.PENDING, describe_error(error)
    row.next_attempt_at = utc_now() + timedelta(seconds=delays[row.attempts - 1])
    db.session.commit()
    outcome.retrying.append(row_id)


def postpone(row_id: int, error: Exception, outcome: Delivered) -> None:
    """Not tried: the server was just found unavailable. It waits for the batch's next try."""
    delay = retry_delays()[0] if retry_delays() else 0
    changed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == MailStatus.PENDING)
        .values(detail=describe_error(error), next_attempt_at=utc_now() + timedelta(seconds=delay))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if changed:
        outcome.retrying.append(row_id)


def plan_retry(row_ids: list[int]) -> None:
    """Ask the worker to come back to these rows when the first is due (no queue: ``deliver_due``)."""
    if not row_ids:
        return
    first_due = db.session.scalar(
        select(OutboxMessage.next_attempt_at).where(OutboxMessage.id.in_(row_ids),
                                                    OutboxMessage.status == MailStatus.PENDING)
        .order_by(OutboxMessage.next_attempt_at).limit(1)
    )
    if first_due is not None:
        schedule(first_due, DELIVER_JOB, list(row_ids))


def deliver_due(limit: int = 1000) -> Delivered:
    """Deliver every row that is due (oldest first, ``limit`` at most): what a lost job or a queue
    without worker left behind."""
    ids = list(db.session.scalars(select(OutboxMessage.id).where(claimable(utc_now()))
                                  .order_by(OutboxMessage.id).limit(limit)))
    return deliver(ids) if ids else Delivered()
