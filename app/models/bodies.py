"""Bodies (instances) and the memberships that seat people in them."""
from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, enum_column

if TYPE_CHECKING:
    from app.models.meetings import Meeting
    from app.models.organisations import Organisation
    from app.models.people import Person


class BodyKind(LabelledEnum):
    CRSA_PLENARY = ("crsa_plenary", "CRSA plénière")
    PERMANENT_COMMISSION = ("permanent_commission", "Commission permanente")
    SPECIALISED_COMMISSION = ("specialised_commission", "Commission spécialisée")
    CTS = ("cts", "Conseil territorial de santé")
    WORKING_GROUP = ("working_group", "Groupe de travail")


class Seat(LabelledEnum):
    TITULAIRE = ("titulaire", "Titulaire")
    SUPPLEANT = ("suppleant", "Suppléant")


class Body(db.Model):
    """A body that meets. Its rules (quorum, delays, proxies) are settings, not constants."""

    __tablename__ = "body"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint("quorum_fraction > 0 AND quorum_fraction <= 1", name="quorum_fraction_range"),
        CheckConstraint("convocation_days >= 0", name="convocation_days_positive"),
        CheckConstraint("reminder_days >= 0", name="reminder_days_positive"),
        CheckConstraint("id <> parent_id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"), index=True)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50), default="")
    territory: Mapped[str] = mapped_column(String(100), default="")
    # Quorum: members with a vote present (or represented) must exceed / reach this share.
    quorum_fraction: Mapped[float] = mapped_column(default=0.5)
    quorum_strict: Mapped[bool] = mapped_column(default=True)
    quorum_minimum: Mapped[int] = mapped_column(default=0)
    quorum_counts_represented: Mapped[bool] = mapped_column(default=True)
    convocation_days: Mapped[int] = mapped_column(default=15)
    reminder_days: Mapped[int] = mapped_column(default=3)
    proxies_allowed: Mapped[bool] = mapped_column(default=True)
    max_proxies_per_holder: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship(back_populates="bodies")
    parent: Mapped[Body | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Body]] = relationship(back_populates="parent", order_by="Body.name")
    memberships: Mapped[list[Membership]] = relationship(back_populates="body", order_by="Membership.id")
    meetings: Mapped[list[Meeting]] = relationship(back_populates="body", order_by="Meeting.starts_at")

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def current_memberships(self, on: date | None = None) -> list[Membership]:
        on = on or date.today()
        return [membership for membership in self.memberships if membership.is_current(on)]

    def quorum_required(self, voting_members: int) -> int:
        """Smallest number of voting members present (or represented) that makes the quorum."""
        share = voting_members * self.quorum_fraction
        needed = math.floor(share) + 1 if self.quorum_strict else math.ceil(share)
        return max(needed, self.quorum_minimum)

    def __repr__(self) -> str:
        return f"<Body {self.label}>"


class Membership(db.Model):
    """A seat of a person in a body, with the qualité printed in minutes."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("person_id", "body_id", "start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint(
            "(seat = 'suppleant') OR (substitute_for_id IS NULL)", name="only_suppleant_substitutes"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    college: Mapped[str] = mapped_column(String(200), default="")
    seat: Mapped[Seat] = mapped_column(enum_column(Seat, "seat"), default=Seat.TITULAIRE)
    # The titulaire's membership this suppléant stands for (one titulaire only).
    substitute_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    voting: Mapped[bool] = mapped_column(default=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="memberships", foreign_keys=[person_id])
    body: Mapped[Body] = relationship(back_populates="memberships")
    substitute_for: Mapped[Membership | None] = relationship(
        remote_side=[id], back_populates="substitutes"
    )
    substitutes: Mapped[list[Membership]] = relationship(back_populates="substitute_for")

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def __repr__(self) -> str:
        return f"<Membership {self.person_id}@{self.body_id} {self.title!r}>"
