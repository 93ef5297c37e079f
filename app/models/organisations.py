"""The ARS (tenant) and the themes used to tag points."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime

if TYPE_CHECKING:
    from app.models.bodies import Body


class Organisation(db.Model):
    """A regional health agency; its name and logo head every document."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    secretariat_email: Mapped[str | None] = mapped_column(String(254))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mimetype: Mapped[str | None] = mapped_column(String(50))
    # The « République française » bloc-marque heads the pages only for a State body allowed to use it.
    state_brand: Mapped[bool] = mapped_column(default=False, server_default=false())
    # French typography (non-breaking spaces before « : ; ! ? », ’) applied to the typed text of documents.
    french_typography: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The ARS's own Word template (.dotx or .docx as uploaded): every document starts from it. Read only
    # when a document is built.
    word_template: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    word_template_filename: Mapped[str | None] = mapped_column(String(255))
    word_template_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bodies: Mapped[list[Body]] = relationship(back_populates="organisation", order_by="Body.name")

    def __repr__(self) -> str:
        return f"<Organisation {self.short_name or self.name}>"


class Theme(db.Model):
    """A tag for round-table points and proposals (the four Ségur pillars first)."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))

    def __repr__(self) -> str:
        return f"<Theme {self.code}>"


# The four pillars of the Ségur de la santé (seeds 000, 003): the first set of themes.
SEGUR_PILLARS = [
    ("pilier-1", "Pilier n°1 : Transformer les métiers et revaloriser ceux qui soignent"),
    ("pilier-2", "Pilier n°2 : Définir une nouvelle politique d'investissement et de financement au service des soins"),
    ("pilier-3", "Pilier n°3 : Simplifier radicalement les organisations et le quotidien des équipes"),
    ("pilier-4", "Pilier n°4 : Fédérer les acteurs de la santé dans les territoires au service des usagers"),
]


def ensure_default_themes() -> None:
    """Insert the Ségur pillars that are missing (the initial migration inserts them too)."""
    from sqlalchemy import select

    existing = set(db.session.scalars(select(Theme.code)))
    for position, (code, name) in enumerate(SEGUR_PILLARS, start=1):
        if code not in existing:
            db.session.add(Theme(code=code, name=name, position=position))
    db.session.flush()
