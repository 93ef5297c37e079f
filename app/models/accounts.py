"""User accounts (login), their roles and the organisation (ARS) each belongs to."""
from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.types import LabelledEnum, UTCDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from app.models.organisations import Organisation
    from app.models.people import Person


class Role(LabelledEnum):
    ADMIN = ("admin", "Administrateur")
    SECRETARIAT = ("secretariat", "Secrétariat")
    MEMBER = ("member", "Membre")
    # Runs the installation (organisations and accounts of every ARS); reads no ARS's bodies or people.
    NATIONAL_ADMIN = ("national_admin", "Administrateur national")


# Secretariat and admins prepare meetings; members only read.
STAFF_ROLES = (Role.ADMIN, Role.SECRETARIAT)


def new_session_generation() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        # Every account but a national admin's belongs to one ARS.
        CheckConstraint("role = 'national_admin' OR organisation_id IS NOT NULL", name="organisation_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.MEMBER)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"),
                                                        index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session and remember cookie (``app/auth/sessions.py``): replacing it ends them all.
    session_generation: Mapped[str] = mapped_column(String(32), default=new_session_generation)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What the session and the remember cookie carry: « id:generation:time of login » (seconds).
        ``app/auth/sessions.py`` reads it back and refuses it once the generation changed or the login
        is older than ``REMEMBER_COOKIE_DURATION``."""
        logged_in_at = getattr(self, "logged_in_at", None) or int(time.time())
        return f"{self.id}:{self.session_generation}:{logged_in_at}"

    def end_sessions(self) -> None:
        """Every session and remember cookie of the account stops working, on every app server."""
        self.session_generation = new_session_generation()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_staff(self) -> bool:
        """Secretariat and admins prepare meetings; members only read."""
        return self.role in STAFF_ROLES

    @property
    def is_national_admin(self) -> bool:
        return self.role is Role.NATIONAL_ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
