"""Bodies (instances) and the memberships that seat people in them."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.formatting import paris_today
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


# The règlement intérieur may allow up to three pouvoirs per holder, never more (D.1432-50).
MAX_PROXIES_PER_HOLDER = 3


@dataclass(frozen=True)
class BodyRules:
    """The sitting rules of a body, as its settings hold them (one field per ``Body`` column)."""

    quorum_fraction: float
    quorum_strict: bool  # « plus de » the fraction; False: « au moins »
    quorum_minimum: int
    quorum_counts_represented: bool
    convocation_days: int
    reminder_days: int
    proxies_allowed: bool
    max_proxies_per_holder: int
    proxies_exclude_presidents: bool
    second_convocation_days: int
    unexcused_absences_limit: int
    abstentions_in_base: bool  # abstentions count among the votes cast (the base of the majority)
    president_casting_vote: bool  # the president's vote decides a tie (voix prépondérante); else a tie rejects
    roll_call_votes: bool  # votes are recorded by name (appel nominal) rather than as counts
    max_substitutes_per_titulaire: int  # suppléants in office for one titulaire seat at once

    def settings(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BodyPreset:
    """The rules a body of a kind starts with, and where they come from."""

    rules: BodyRules
    source: str


# Code de la santé publique: convocation 10 days before (D.1432-47); quorum « au moins la moitié » of the
# members, present or represented; one pouvoir per holder, presidents neither give nor receive one;
# second convocation within 8 days (D.1432-50); resignation after 2 successive unexcused absences (D.1432-44);
# avis by the majority of the votes cast, abstentions not counted among them, the president's vote deciding a tie,
# counted by show of hands (D.1432-47);
# at most two suppléants per titulaire (D.1432-30).
CSP_RULES = BodyRules(
    quorum_fraction=0.5, quorum_strict=False, quorum_minimum=0, quorum_counts_represented=True,
    convocation_days=10, reminder_days=3, proxies_allowed=True, max_proxies_per_holder=1,
    proxies_exclude_presidents=True, second_convocation_days=8, unexcused_absences_limit=2,
    abstentions_in_base=False, president_casting_vote=True, roll_call_votes=False, max_substitutes_per_titulaire=2,
)
CRSA_SOURCE = "Code de la santé publique, articles D.1432-30, D.1432-44, D.1432-47 et D.1432-50"
PRESETS: dict[BodyKind, BodyPreset] = {
    BodyKind.CRSA_PLENARY: BodyPreset(CSP_RULES, CRSA_SOURCE),
    BodyKind.PERMANENT_COMMISSION: BodyPreset(CSP_RULES, CRSA_SOURCE),
    BodyKind.SPECIALISED_COMMISSION: BodyPreset(CSP_RULES, CRSA_SOURCE),
    BodyKind.CTS: BodyPreset(CSP_RULES, "valeurs de départ, à adapter au règlement intérieur du conseil (R.1434-38)"),
    BodyKind.WORKING_GROUP: BodyPreset(CSP_RULES, "valeurs de départ, à adapter aux règles du groupe"),
}


class Body(db.Model):
    """A body that meets. Its rules (quorum, delays, proxies) are settings, not constants: a new body
    starts with the preset of its kind (``PRESETS``) for every rule not given."""

    __tablename__ = "body"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint("quorum_fraction > 0 AND quorum_fraction <= 1", name="quorum_fraction_range"),
        CheckConstraint("convocation_days >= 0", name="convocation_days_positive"),
        CheckConstraint("reminder_days >= 0", name="reminder_days_positive"),
        CheckConstraint("id <> parent_id", name="not_own_parent"),
        CheckConstraint(f"max_proxies_per_holder BETWEEN 1 AND {MAX_PROXIES_PER_HOLDER}",
                        name="max_proxies_per_holder_range"),
        CheckConstraint("second_convocation_days >= 1", name="second_convocation_days_positive"),
        CheckConstraint("unexcused_absences_limit >= 1", name="unexcused_absences_limit_positive"),
        CheckConstraint("max_substitutes_per_titulaire >= 1", name="max_substitutes_per_titulaire_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"), index=True)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50), default="")
    territory: Mapped[str] = mapped_column(String(100), default="")
    # Quorum: the voting seats in office filled by members present (or represented) must exceed / reach
    # this share of those seats.
    quorum_fraction: Mapped[float]
    quorum_strict: Mapped[bool]
    quorum_minimum: Mapped[int]
    quorum_counts_represented: Mapped[bool]
    convocation_days: Mapped[int]
    reminder_days: Mapped[int]
    proxies_allowed: Mapped[bool]
    max_proxies_per_holder: Mapped[int]
    # The president of the body neither gives nor receives a pouvoir.
    proxies_exclude_presidents: Mapped[bool]
    # A meeting without quorum is convened again within this many days, and then needs no quorum.
    second_convocation_days: Mapped[int]
    # Successive meetings missed without excuse after which a member may be declared resigned.
    unexcused_absences_limit: Mapped[int]
    # Votes (app/votes): whether abstentions count in the base of the majority; whether the president's vote
    # decides a tie (without it, a tie is no majority); votes by name.
    abstentions_in_base: Mapped[bool]
    president_casting_vote: Mapped[bool]
    roll_call_votes: Mapped[bool]
    # Suppléants in office for one titulaire at once (D.1432-30: two for the CRSA).
    max_substitutes_per_titulaire: Mapped[int]

    organisation: Mapped[Organisation] = relationship(back_populates="bodies")
    parent: Mapped[Body | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Body]] = relationship(back_populates="parent", order_by="Body.name")
    memberships: Mapped[list[Membership]] = relationship(back_populates="body", order_by="Membership.id")
    meetings: Mapped[list[Meeting]] = relationship(back_populates="body", order_by="Meeting.starts_at")

    def __init__(self, **fields):
        kind = fields.get("kind")
        if kind is not None:
            for name, value in PRESETS[BodyKind(kind)].rules.settings().items():
                fields.setdefault(name, value)
        super().__init__(**fields)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def preset(self) -> BodyPreset:
        return PRESETS[self.kind]

    def current_memberships(self, on: date | None = None) -> list[Membership]:
        on = on or paris_today()
        return [membership for membership in self.memberships if membership.is_current(on)]

    def quorum_required(self, voting_members: int) -> int:
        """Smallest number of voting seats filled (present, or represented) that makes the quorum."""
        share = voting_members * exact_share(self.quorum_fraction)
        needed = math.floor(share) + 1 if self.quorum_strict else math.ceil(share)
        return max(needed, self.quorum_minimum)

    def __repr__(self) -> str:
        return f"<Body {self.label}>"


# Shares a règlement names in words (« le tiers », « les deux tiers »): the quorum applies them exactly when
# their decimal writing is typed (0,33 or 0,333 for a third), as the body page says them.
NAMED_SHARES = (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4), Fraction(1))


def named_share(fraction: float) -> Fraction | None:
    """The named share ``fraction`` writes, rounded to the decimals typed (at least two): 0,33 and 0,333 are a
    third, 0,335 or 0,505 are not (they are applied as typed)."""
    decimals = max(2, -Decimal(repr(fraction)).as_tuple().exponent)
    return next((share for share in NAMED_SHARES if round(float(share), decimals) == round(fraction, decimals)),
                None)


def exact_share(fraction: float) -> Fraction:
    """The quorum's share as the secretariat typed it, without the float's error: 0,55 is 11/20 (55 % of
    100 needs 55, not 56), and 0,33 is a third (``named_share``)."""
    return named_share(fraction) or Fraction(str(fraction))


class DatedSpan:
    """A mandate or a role from ``start_date`` to ``end_date`` (both included; None: open-ended), for the
    mapped classes and for the plain rows of the body page (``app.bodies.members``)."""

    __slots__ = ()

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Membership(DatedSpan, db.Model):
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
    roles: Mapped[list[MembershipRole]] = relationship(
        back_populates="membership", order_by="MembershipRole.start_date", cascade="all, delete-orphan"
    )

    @property
    def holds_voting_seat(self) -> bool:
        """A titulaire with a vote: a seat that counts in the quorum and may give or receive a pouvoir."""
        return self.seat is Seat.TITULAIRE and self.voting

    def roles_on(self, on: date) -> list[MembershipRole]:
        return [role for role in self.roles if role.is_current(on)]

    def __repr__(self) -> str:
        return f"<Membership {self.person_id}@{self.body_id} {self.title!r}>"


class RoleKind(LabelledEnum):
    PRESIDENT = ("president", "Président(e)")
    VICE_PRESIDENT = ("vice_president", "Vice-président(e)")
    BUREAU_MEMBER = ("bureau_member", "Membre du bureau")
    RAPPORTEUR = ("rapporteur", "Rapporteur(e)")


# The title a role gives, by civility value (« M. », « Mme »).
ROLE_TITLES = {
    RoleKind.PRESIDENT: {"M.": "Président", "Mme": "Présidente"},
    RoleKind.VICE_PRESIDENT: {"M.": "Vice-président", "Mme": "Vice-présidente"},
    RoleKind.BUREAU_MEMBER: {"M.": "Membre du bureau", "Mme": "Membre du bureau"},
    RoleKind.RAPPORTEUR: {"M.": "Rapporteur", "Mme": "Rapporteure"},
}


def role_title(kind: RoleKind, civility) -> str:
    """« Présidente », « Vice-président »: a role as the person's civility (a ``Civility``) says it."""
    return ROLE_TITLES[kind][civility.value]


class MembershipRole(DatedSpan, db.Model):
    """A dated role held through a membership: président, vice-président, bureau, rapporteur.

    Read through ``app.bodies.roles`` (``president_of``…): the president may neither give nor receive
    a pouvoir, has the casting vote where the body's rules give it (``Body.president_casting_vote``) and
    presides the compte rendu."""

    __tablename__ = "membership_role"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoleKind] = mapped_column(enum_column(RoleKind, "role_kind"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    membership: Mapped[Membership] = relationship(back_populates="roles")

    @property
    def title(self) -> str:
        return role_title(self.kind, self.membership.person.civility)

    def __repr__(self) -> str:
        return f"<MembershipRole {self.kind.value} of membership {self.membership_id}>"
