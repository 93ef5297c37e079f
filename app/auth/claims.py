"""What a session or remember cookie's id claims (« id:generation:time of login », ``User.get_id``), read without
the database: ``app/auth/sessions.py`` checks the claims against the account's row when it loads the account, and
a download read with its account in one statement (``app/documents/frozen.py``) checks them the same way."""
from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session

from app.forms import ASCII_NUMBER, id_from_text


def login_lifetime() -> timedelta:
    """How long a login lasts at most, with or without « Rester connecté(e) »."""
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def account_id_of(session_user_id: str) -> int | None:
    return id_from_text(str(session_user_id).split(":")[0])


@dataclass(frozen=True)
class SessionClaims:
    """What a cookie's id says: the account, its session generation, the time of login."""

    user_id: int
    generation: str
    logged_in_at: int

    def hold_for(self, active: bool, session_generation: str) -> bool:
        """Whether the account, as read now, still honours these claims (active, same generation)."""
        return active and hmac.compare_digest(session_generation, self.generation)


def session_claims(session_user_id: str | None) -> SessionClaims | None:
    """The claims of a cookie's id, or None when it is malformed (an id of before the session generations, or
    tampered with) or its login is older than the login lifetime."""
    if session_user_id is None:
        return None
    parts = str(session_user_id).split(":")
    user_id = account_id_of(session_user_id)
    if len(parts) != 3 or user_id is None or not ASCII_NUMBER.fullmatch(parts[2]):
        return None
    claims = SessionClaims(user_id, parts[1], int(parts[2]))
    if claims.logged_in_at + login_lifetime().total_seconds() < time.time():
        return None
    return claims


def current_session_claims() -> SessionClaims | None:
    """The claims of this request's session (Flask-Login's « _user_id »); a remember cookie alone gives none."""
    return session_claims(session.get("_user_id"))
