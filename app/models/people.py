"""People: members, ARS staff and guests."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.formatting import alphabetical_key
from app.models.types import LabelledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from app.models.bodies import Membership
    from app.models.organisations import Organisation


class Civility(LabelledEnum):
    MR = ("M.", "Monsieur")
    MRS = ("Mme", "Madame")


class NamedPerson:
    """How a person's name reads, for the mapped ``Person`` and for the plain rows of busy pages
    (``app.meetings.page``): both carry ``civility``, ``first_name`` and ``last_name``."""

    __slots__ = ()

    @property
    def formal_name(self) -> str:
        """« M. NOM Prénom », as in attendance tables."""
        return " ".join(part for part in (self.civility.value, self.last_name.upper(), self.first_name) if part)

    @property
    def display_name(self) -> str:
        """« M. Prénom NOM », as in running text."""
        return display_name(self.civility.value, self.first_name, self.last_name)

    @property
    def sort_key(self) -> tuple:
        """Alphabetical order of the name, as on a sign-in sheet (accents and case ignored)."""
        return alphabetical_key(self.last_name), alphabetical_key(self.first_name)


class PersonFields(NamedTuple):
    id: int
    civility: Civility
    first_name: str
    last_name: str
    email: str | None = None
    deleted_at: datetime | None = None


class PersonRow(PersonFields, NamedPerson):
    """A person read as a plain row by busy pages (the meeting page, the body page's members): named as the
    mapped ``Person`` is (``formal_name``, ``display_name``, ``sort_key``), with what they are e-mailed at.
    A named tuple, read-only: a page builds hundreds, and a frozen dataclass sets each field through
    ``object.__setattr__`` (2.2 µs a row of ten fields, against 0.4 for a named tuple)."""

    __slots__ = ()


def person_columns(person) -> tuple:
    """The columns of a ``PersonRow``, of the ``person`` table or one of its aliases."""
    return person.c.id, person.c.civility, person.c.first_name, person.c.last_name, person.c.email, person.c.deleted_at


def person_row(values) -> PersonRow | None:
    """The ``PersonRow`` of six selected columns (``person_columns``); None for an outer join that found nobody."""
    return PersonRow._make(values) if values[0] is not None else None


class Person(NamedPerson, db.Model):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_last_name_first_name", "last_name", "first_name"),)  # people list order

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    civility: Mapped[Civility] = mapped_column(enum_column(Civility, "civility"))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    # Where the person comes from (« Conseil Régional », « CD 34 »): free text, not an account.
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", foreign_keys="Membership.person_id", order_by="Membership.start_date"
    )

    def __repr__(self) -> str:
        return f"<Person {self.formal_name}>"


def display_name(civility: str, first_name: str, last_name: str) -> str:
    """« M. Prénom NOM », as in running text: of a person recorded, or as typed in a form not saved yet."""
    return " ".join(part for part in (civility, first_name, last_name.upper()) if part)
