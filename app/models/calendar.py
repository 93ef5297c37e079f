"""Sendings of convocations (with their urgency reason when late), answer links already used, and the
personal links to a body's calendar. The e-mails themselves are rows of the outbox
(``app/models/outbox.py``)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utc_now

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.bodies import Body


class ConvocationSending(db.Model):
    """One press of « Envoyer les convocations »: when, by whom, how many days before the meeting,
    and the reason of urgency when it came later than the body's convocation delay."""

    __tablename__ = "convocation_sending"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    days_before: Mapped[int] = mapped_column()  # Paris days from the sending to the meeting (J-n)
    late: Mapped[bool] = mapped_column(default=False)
    # The convocation delay in force when sent: a later change of the body's rule does not make it late or
    # on time after the fact (None: sent before it was recorded, the body's delay applies).
    delay_days: Mapped[int | None] = mapped_column()
    urgency_reason: Mapped[str] = mapped_column(Text, default="")


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
