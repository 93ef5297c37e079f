"""Deliveries of convocation and reminder e-mails, and answer links already used.

A delivery row is claimed before the e-mail leaves, so that sending twice (a double click, cron run
twice) sends nothing twice; a failed delivery keeps its error and is retried by the next send.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.bodies import Body
    from app.models.meetings import Deadline, Invitation
    from app.models.people import Person


class DeliveryKind(LabelledEnum):
    CONVOCATION = ("convocation", "Convocation")
    CANCELLATION = ("cancellation", "Annulation")
    REMINDER = ("reminder", "Rappel")


class DeliveryStatus(LabelledEnum):
    SENDING = ("sending", "En cours d'envoi")
    SENT = ("sent", "Envoyé")
    FAILED = ("failed", "Échec")


class ConvocationDelivery(db.Model):
    """One e-mail about a meeting to one convened person, for one version (SEQUENCE) of the meeting."""

    __tablename__ = "convocation_delivery"
    __table_args__ = (UniqueConstraint("invitation_id", "sequence", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column()
    kind: Mapped[DeliveryKind] = mapped_column(enum_column(DeliveryKind, "delivery_kind"))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus, "delivery_status"))
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    invitation: Mapped[Invitation] = relationship()


class DeadlineReminderDelivery(db.Model):
    """One reminder e-mail about a deadline to one person."""

    __tablename__ = "deadline_reminder_delivery"
    __table_args__ = (UniqueConstraint("deadline_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus, "delivery_status"))
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    deadline: Mapped[Deadline] = relationship()
    person: Mapped[Person] = relationship()


class UsedAnswerLink(db.Model):
    """The nonce of an answer link once it has been used: a link answers once."""

    __tablename__ = "used_answer_link"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class BodyFeedLink(db.Model):
    """One account's own subscription link to a body's calendar. The feed answers only while the
    account is active and may still open the body: a member whose mandate ended, whose person was
    deleted or whose account was deactivated loses the feed, and the other members keep theirs."""

    __tablename__ = "body_feed_link"
    __table_args__ = (UniqueConstraint("body_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    body: Mapped[Body] = relationship()
    user: Mapped[User] = relationship()
