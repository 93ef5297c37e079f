"""The outbox: every e-mail the app sends is first a row here, delivered later by a worker.

A row is one message to one recipient (one version of a meeting, for meeting e-mails). Its ``key``
is unique: recording the same message twice (a double click, two cron runs) adds nothing, and a row
is claimed (pending → sending) before it leaves, so it is sent once. The row holds references, never
an address: the worker builds the message from the current records when it sends it.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from app.models.people import Person


class MailKind(LabelledEnum):
    CONVOCATION = ("convocation", "Convocation")
    UPDATE = ("update", "Modification")
    CANCELLATION = ("cancellation", "Annulation")
    WITHDRAWAL = ("withdrawal", "Annulation (retiré(e) de la liste des convoqués)")
    REMINDER = ("reminder", "Rappel")
    SUBSTITUTE_NOTICE = ("substitute_notice", "Suppléance")
    PROXY_NOTICE = ("proxy_notice", "Pouvoir reçu")
    PROXY_LAPSED = ("proxy_lapsed", "Pouvoir caduc")  # its holder will not sit: the giver is told
    DEADLINE_REMINDER = ("deadline_reminder", "Rappel d'échéance")
    PASSWORD_RESET = ("password_reset", "Nouveau mot de passe")
    DOSSIER_UPDATE = ("dossier_update", "Dossier de séance complété")
    CONSULTATION = ("consultation", "Consultation écrite")
    CONSULTATION_REMINDER = ("consultation_reminder", "Rappel de consultation écrite")


class MailStatus(LabelledEnum):
    PENDING = ("pending", "En attente")
    SENDING = ("sending", "En cours d'envoi")
    SENT = ("sent", "Envoyé")
    FAILED = ("failed", "Échec")
    DROPPED = ("dropped", "Non envoyé")  # no longer due: a newer version, no address any more…


# Kinds whose message carries the meeting as METHOD:REQUEST: the person holds that version.
REQUEST_KINDS = (MailKind.CONVOCATION, MailKind.UPDATE, MailKind.REMINDER, MailKind.SUBSTITUTE_NOTICE)
CANCEL_KINDS = (MailKind.CANCELLATION, MailKind.WITHDRAWAL)


def is_retrying(status: MailStatus, next_attempt_at: datetime | None) -> bool:
    """Pending after a failure (its own, or the server's found by the message before it): a new try is planned
    at ``next_attempt_at``."""
    return status is MailStatus.PENDING and next_attempt_at is not None


class OutboxMessage(db.Model):
    """One e-mail to send, being sent, sent, failed or dropped."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "mail_kind"))
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, "mail_status"), default=MailStatus.PENDING)
    # What the message is about and who receives it (references only: the worker reads the records).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int | None] = mapped_column()  # the meeting's version (SEQUENCE) it carries
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"), index=True)
    # The titulaire a suppléant replaces, the member whose pouvoir is held, the holder of a lapsed pouvoir.
    about_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The member consulted in writing (app/votes/consultations.py).
    consultation_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_answer.id", ondelete="CASCADE"), index=True)
    sending_id: Mapped[int | None] = mapped_column(ForeignKey("convocation_sending.id", ondelete="SET NULL"),
                                                   index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last attempt failed, or why the message was dropped (never an address).
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])

    @property
    def retrying(self) -> bool:
        return is_retrying(self.status, self.next_attempt_at)
