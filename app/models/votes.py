"""Votes on agenda items and the avis they give (D.1432-47: majority of the members present or represented,
the president's vote deciding a tie; L.1432-4: avis made public)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.bodies import Body
    from app.models.meetings import AgendaItem
    from app.models.people import Person


class AgendaItemNature(LabelledEnum):
    """Why an item is on the ordre du jour: only items « pour avis » or « pour délibération » are voted."""

    FOR_OPINION = ("avis", "Pour avis")
    FOR_DELIBERATION = ("deliberation", "Pour délibération")
    FOR_INFORMATION = ("information", "Pour information")

    @property
    def is_voted(self) -> bool:
        return self is not AgendaItemNature.FOR_INFORMATION


class VoteChoice(LabelledEnum):
    FOR = ("pour", "Pour")
    AGAINST = ("contre", "Contre")
    ABSTENTION = ("abstention", "Abstention")
    NOT_VOTING = ("ne_prend_pas_part", "Ne prend pas part au vote")


class VoteOutcome(LabelledEnum):
    ADOPTED = ("adopted", "Adopté")
    REJECTED = ("rejected", "Rejeté")


class Vote(db.Model):
    """One vote on an agenda item, with the quorum as it stood then and the avis adopted.

    A decided item gets no second vote unless this one is reopened (``reopened_at``), which keeps it
    for the record. The avis text stays editable until the compte rendu is validated."""

    __tablename__ = "vote"
    __table_args__ = (
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0 AND not_voting >= 0",
                        name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    roll_call: Mapped[bool] = mapped_column(default=False)
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    abstentions: Mapped[int]
    not_voting: Mapped[int]
    # The body's rules as applied (they may change later; the outcome may not).
    abstentions_in_base: Mapped[bool]
    president_casting_vote: Mapped[bool]
    president_choice: Mapped[VoteChoice | None] = mapped_column(enum_column(VoteChoice, "president_choice"))
    outcome: Mapped[VoteOutcome] = mapped_column(enum_column(VoteOutcome, "vote_outcome"))
    decided_by_casting_vote: Mapped[bool] = mapped_column(default=False)
    # The quorum at the moment of the vote, frozen with it.
    quorum_statement: Mapped[str] = mapped_column(Text)
    quorum_counted: Mapped[int]
    quorum_base: Mapped[int]
    quorum_required: Mapped[int]
    avis_text: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    agenda_item: Mapped[AgendaItem] = relationship(
        backref=backref("votes", order_by="Vote.recorded_at", cascade="all, delete-orphan", passive_deletes=True))
    recorded_by: Mapped[User | None] = relationship()
    ballots: Mapped[list[VoteBallot]] = relationship(back_populates="vote", cascade="all, delete-orphan",
                                                     order_by="VoteBallot.position")

    @property
    def is_current(self) -> bool:
        return self.reopened_at is None

    @property
    def declared_interests(self) -> list[VoteBallot]:
        return [ballot for ballot in self.ballots if ballot.declared_interest]


class VoteBallot(db.Model):
    """A member's line of a vote: their choice in a roll call by name, or only their declared interest
    (« ne prend pas part ») when the vote was counted by show of hands."""

    __tablename__ = "vote_ballot"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # The member present who cast it for a represented member (their pouvoir), else None.
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"))
    declared_interest: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    vote: Mapped[Vote] = relationship(back_populates="ballots")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    cast_by: Mapped[Person | None] = relationship(foreign_keys=[cast_by_id])


class WrittenConsultation(db.Model):
    """A written consultation of a body's voting members in extreme urgency (D.1432-47): each answers pour,
    contre or abstention through a signed personal link until ``closes_at``; pouvoirs do not apply. At the
    closing the counts and the outcome are recorded (``closed_at``)."""

    __tablename__ = "written_consultation"
    __table_args__ = (
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The body's rules at the opening, applied at the closing.
    abstentions_in_base: Mapped[bool]
    president_casting_vote: Mapped[bool]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    abstentions: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[VoteOutcome | None] = mapped_column(enum_column(VoteOutcome, "consultation_outcome"))
    decided_by_casting_vote: Mapped[bool] = mapped_column(default=False)
    # On the organisation's public page since then (L.1432-4: avis are made public); only once closed.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[Body] = relationship()
    answers: Mapped[list[ConsultationAnswer]] = relationship(back_populates="consultation",
                                                             cascade="all, delete-orphan",
                                                             order_by="ConsultationAnswer.position")

    @property
    def answered(self) -> list[ConsultationAnswer]:
        return [answer for answer in self.answers if answer.choice is not None]


class ConsultationAnswer(db.Model):
    """A voting member consulted, and their answer once given (a link answers once)."""

    __tablename__ = "consultation_answer"
    __table_args__ = (UniqueConstraint("consultation_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("written_consultation.id", ondelete="CASCADE"),
                                                 index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    choice: Mapped[VoteChoice | None] = mapped_column(enum_column(VoteChoice, "consultation_choice"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[WrittenConsultation] = relationship(back_populates="answers")
    person: Mapped[Person] = relationship()
