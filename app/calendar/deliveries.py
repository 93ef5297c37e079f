"""Send an e-mail at most once per delivery key, record the outcome, retry failures.

A row is claimed (inserted or switched from failed to sending, committed) before the message
leaves: a second send — double click, two cron runs — finds it and sends nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.calendar.mail import SEND_ERRORS, send_email, server_unavailable
from app.extensions import db
from app.models import ConvocationDelivery, DeadlineReminderDelivery, DeliveryStatus, Person, utc_now

# A delivery left « sending » this long (the process died mid-send) may be tried again.
STALE_SENDING = timedelta(minutes=15)

Delivery = ConvocationDelivery | DeadlineReminderDelivery


def _claim(model: type[Delivery], key: dict) -> Delivery | None:
    """The delivery row to send now, or None if it is sent or being sent."""
    filters = [getattr(model, name) == value for name, value in key.items()]
    existing = db.session.scalar(select(model).where(*filters))
    if existing is None:
        delivery = model(**key, status=DeliveryStatus.SENDING, attempts=1)
        db.session.add(delivery)
        try:
            db.session.commit()
        except IntegrityError:  # claimed by a concurrent send
            db.session.rollback()
            return None
        return delivery
    claimed = db.session.execute(
        update(model)
        .where(model.id == existing.id, or_(
            model.status == DeliveryStatus.FAILED,
            (model.status == DeliveryStatus.SENDING) & (model.updated_at < utc_now() - STALE_SENDING),
        ))
        .values(status=DeliveryStatus.SENDING, attempts=model.attempts + 1, updated_at=utc_now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return existing if claimed else None


def deliver_once(model: type[Delivery], key: dict, message: EmailMessage, send=send_email) -> Delivery | None:
    """Send ``message`` unless the delivery ``key`` is already sent; None when nothing was tried."""
    delivery = _claim(model, key)
    if delivery is None:
        return None
    try:
        send(message)
    except SEND_ERRORS as error:
        delivery.status = DeliveryStatus.FAILED
        delivery.error = f"{type(error).__name__}: {error}"[:1000]
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.error = ""
        delivery.sent_at = utc_now()
    db.session.commit()
    return delivery


@dataclass
class Outgoing:
    """A message ready to leave, with the delivery key that makes it unique."""

    recipient: str
    key: dict
    message: EmailMessage


@dataclass
class SendReport:
    """Who received the e-mail, whose delivery failed (with the error), who has no address."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    already_sent: int = 0
    without_email: list[str] = field(default_factory=list)


def prepared(recipient: str, key: dict, build: Callable[[], EmailMessage], report: SendReport) -> Outgoing | None:
    """The message to one person, or None when their record cannot make one: the failure is logged and
    listed in ``report``, and the rest of the mail-out goes on."""
    try:
        return Outgoing(recipient, key, build())
    # Whatever a bad record makes the e-mail package raise (ValueError, AttributeError on an address
    # it cannot parse…): one person's message, not the mail-out, fails.
    except Exception as error:  # noqa: BLE001
        current_app.logger.exception("E-mail to %s (%s) not prepared", recipient, key)
        report.failed.append((recipient, f"message impossible à préparer ({type(error).__name__}: {error})"[:1000]))
        return None


def can_email(person: Person, report: SendReport) -> bool:
    """People without an address (or deleted) are listed in ``report`` instead of e-mailed."""
    if person.email and person.deleted_at is None:
        return True
    report.without_email.append(person.display_name)
    return False


def deliver_all(model: type[Delivery], outgoing: list[Outgoing], report: SendReport) -> SendReport:
    """Deliver each message once. Messages are built beforehand: the commits made per delivery
    expire the loaded models, which must not be read again one by one.
    Once the server is found unavailable, the other deliveries are recorded failed with the same
    error without waiting for a timeout each (the next send retries them)."""
    unavailable: list[Exception] = []

    def send(message: EmailMessage) -> None:
        if unavailable:
            raise unavailable[0]
        try:
            send_email(message)
        except SEND_ERRORS as error:
            if server_unavailable(error):
                unavailable.append(error)
            raise

    for item in outgoing:
        delivery = deliver_once(model, item.key, item.message, send)
        if delivery is None:
            report.already_sent += 1
        elif delivery.status is DeliveryStatus.SENT:
            report.sent.append(item.recipient)
        else:
            report.failed.append((item.recipient, delivery.error))
    return report
