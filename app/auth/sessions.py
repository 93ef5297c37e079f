"""Sessions that really end.

Every session and remember cookie carries « id:generation:time of login » (``User.get_id``). The
loader refuses it when the account's generation changed (logout, password change or reset,
deactivation: ``User.end_sessions``), when the account is inactive, or when the login is older than
``REMEMBER_COOKIE_DURATION``; the check reads the account in the database, so it holds on every app
server at once. A refused id also clears the remember cookie of that browser.
"""
from __future__ import annotations

import time
from functools import cache

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from sqlalchemy import Select, bindparam, select

from app.auth.claims import account_id_of, login_lifetime, session_claims
from app.expired_forms import ENDED_SESSION_ACCOUNT, KEPT_FORM
from app.extensions import db
from app.models import Organisation, User, utc_now
from app.organisation.brand import BRAND_COLUMNS, HeaderBrand


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, whose signer is built once per secret key (and fallbacks) instead of on
    every read and write of the cookie: building one also serialises an empty dict to learn its serializer's
    kind (about 4 µs, on every request). A new ``SECRET_KEY`` still gets its own signer."""

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signers = app.extensions.setdefault("session_signers", {})
        if keys not in signers:
            signers.clear()  # one secret key at a time: a rotated key's signer is not kept
            signers[keys] = super().get_signing_serializer(app)
        return signers[keys]


def load_user(session_user_id: str) -> User | None:
    """Flask-Login's user loader: the account of a session or remember cookie still valid, else None."""
    user = _valid_account(session_user_id)
    if user is None:
        # Nothing to load this session from: drop the id, and have Flask-Login delete the remember cookie.
        # Whose session it was is remembered, so that only they get back what they had typed.
        session.pop("_user_id", None)
        session["_remember"] = "clear"
        session[ENDED_SESSION_ACCOUNT] = account_id_of(session_user_id)
    return user


def _valid_account(session_user_id: str) -> User | None:
    claims = session_claims(session_user_id)
    if claims is None:
        return None
    row = db.session.execute(_account_statement(), {"user_id": claims.user_id}).first()
    if row is None:
        return None
    user = row[0]
    if not claims.hold_for(user.active, user.session_generation):
        return None
    user.logged_in_at = claims.logged_in_at
    user.header_brand = HeaderBrand.of_row(row[1:])
    return user


@cache
def _account_statement() -> Select:
    """The account, and what heads its pages (its ARS's name, logo, bloc-marque): one statement on every
    request, built once."""
    return (select(User, *BRAND_COLUMNS).outerjoin(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == bindparam("user_id")))


def start_session(user: User, remember: bool) -> None:
    """Log ``user`` in this browser, in a fresh session (the caller commits)."""
    _log_in(user, remember)
    user.last_login_at = utc_now()


def _log_in(user: User, remember: bool) -> None:
    kept_form = session.get(KEPT_FORM)  # typed before the session expired: shown again after the login
    session.clear()
    if kept_form is not None and kept_form.get("account") == user.id:  # never to someone else
        session[KEPT_FORM] = kept_form
    user.logged_in_at = int(time.time())
    login_user(user, remember=remember, duration=login_lifetime())


def end_session(user: User) -> None:
    """Log out here and everywhere: a new generation, then the session and the remember cookie go."""
    user.end_sessions()
    logout_user()
    session.clear()
    session["_remember"] = "clear"  # after clear(): Flask-Login then deletes the remember cookie


def keep_this_browser_signed_in(user: User) -> None:
    """After ``end_sessions`` (a password change), this browser alone stays logged in with the new
    generation, and keeps its remember cookie if it had one."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    _log_in(user, remember=remembered)
